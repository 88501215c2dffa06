from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "indemnites.journal"
    label = "journal"
    verbose_name = "Journal des accès"
