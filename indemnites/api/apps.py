from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "indemnites.api"
    label = "api"
