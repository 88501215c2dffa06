"""`manage.py journal_purge`: deletes the records past retention, anchored on a signed checkpoint."""

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from indemnites.journal.management.commands._outils import NOMS, acteur_commande, journal_argument, journaux, nombre
from indemnites.journal.services import JournalAltere, journal_purger
from indemnites.journal.services.purge import LOT_SUPPRESSION, PAUSE_SECONDES


class Command(BaseCommand):
    help = (
        "Supprime les enregistrements plus anciens que la durée de conservation (JOURNAL_RETENTION_MONTHS, "
        "JOURNAL_ADMIN_RETENTION_MONTHS) jusqu'à un point de contrôle signé, qui ancre ce qui reste : le journal "
        "restant se vérifie toujours. Refuse de supprimer un journal altéré. À planifier (chaque jour)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        journal_argument(parser)
        parser.add_argument(
            "--lot",
            type=int,
            default=LOT_SUPPRESSION,
            help=f"numéros d'enregistrement supprimés par transaction (défaut {LOT_SUPPRESSION})",
        )
        parser.add_argument(
            "--pause",
            type=float,
            default=PAUSE_SECONDES,
            help=f"secondes d'attente entre deux transactions, pour le service qui répond (défaut {PAUSE_SECONDES})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for journal in journaux(options["journal"]):
            try:
                purge = journal_purger(
                    journal=journal,
                    acteur=acteur_commande("journal_purge"),
                    lot=options["lot"],
                    pause=options["pause"],
                )
            except (ImproperlyConfigured, ValueError) as erreur:
                raise CommandError(str(erreur)) from None
            except JournalAltere as altere:
                anomalie = altere.rapport.anomalies[0]
                raise CommandError(
                    f"{NOMS[journal]} : rien n'est supprimé, le journal est altéré au n° {anomalie.rang} "
                    f"({anomalie.message}). Conservez-le en l'état et lancez journal_verify."
                ) from None
            limite = timezone.localtime(purge.limite).strftime("%d/%m/%Y %H:%M")
            if not purge.supprimes:
                self.stdout.write(f"{NOMS[journal]} : rien d'antérieur au {limite} (Europe/Paris).")
                continue
            self.stdout.write(
                f"{NOMS[journal]} : {nombre(purge.supprimes)} enregistrement(s) antérieur(s) au {limite} "
                f"(Europe/Paris) supprimé(s), jusqu'au n° {nombre(purge.jusqu_au_rang)} ; le point de contrôle "
                "signé de ce numéro ancre la suite."
            )
