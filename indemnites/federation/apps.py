from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "indemnites.federation"
    label = "federation"
    verbose_name = "Fédération d'identité (FranceConnect, ProConnect)"
