from django.apps import AppConfig


class HabilitationsConfig(AppConfig):
    name = "indemnites.habilitations"
    label = "habilitations"
