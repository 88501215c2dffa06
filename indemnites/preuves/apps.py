from django.apps import AppConfig


class PreuvesConfig(AppConfig):
    name = "indemnites.preuves"
    label = "preuves"
    verbose_name = "Preuves signées"
