from django.apps import AppConfig


class TraficConfig(AppConfig):
    name = "indemnites.trafic"
    label = "trafic"
