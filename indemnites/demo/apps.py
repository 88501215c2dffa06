from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "indemnites.demo"
    label = "demo"
