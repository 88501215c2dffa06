from django.apps import AppConfig
from django.conf import settings
from django.core.signals import request_started


class JournalConfig(AppConfig):
    name = "indemnites.journal"
    label = "journal"
    verbose_name = "Journal des accès"

    def ready(self) -> None:
        from indemnites.core.actions import enregistreur_brancher
        from indemnites.journal.services import action_enregistrer

        enregistreur_brancher(action_enregistrer)  # the registry's actions, recorded from below (core/actions.py)
        if settings.JOURNAL_SEAL_INTERVAL_SECONDS > 0:
            from indemnites.journal.services.scellement import fond_demarrer

            # Started by the first request a process serves: commands and migrations never seal in the background.
            request_started.connect(fond_demarrer, dispatch_uid="journal-fond")
