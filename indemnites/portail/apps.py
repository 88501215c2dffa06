from django.apps import AppConfig


class PortailConfig(AppConfig):
    name = "indemnites.portail"
    label = "portail"
