from django.apps import AppConfig


class DroitsConfig(AppConfig):
    name = "indemnites.droits"
    label = "droits"
    verbose_name = "Registre des droits"
