from django.apps import AppConfig


class OAuthConfig(AppConfig):
    name = "indemnites.oauth"
    label = "oauth"
    verbose_name = "Clients OAuth et jetons"
