"""`manage.py journal_checkpoint`: signs each journal's head (Ed25519, JOURNAL_SIGNING_KEY)."""

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from indemnites.journal.management.commands._outils import NOMS, journal_argument, journaux
from indemnites.journal.selectors import point_de_controle_domaine
from indemnites.journal.services import JournalAltere, point_de_controle_creer


class Command(BaseCommand):
    help = (
        "Signe la tête de chaque journal après avoir vérifié les enregistrements écrits depuis le point de "
        "contrôle précédent. Écrit chaque point de contrôle en une ligne JSON sur la sortie standard : à garder "
        "hors de la base (journal_verify --ancre). À planifier (toutes les heures, par exemple)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        journal_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        for journal in journaux(options["journal"]):
            try:
                point = point_de_controle_creer(journal=journal)
            except ImproperlyConfigured as erreur:
                raise CommandError(str(erreur)) from None
            except JournalAltere as altere:
                anomalie = altere.rapport.anomalies[0]
                raise CommandError(
                    f"{NOMS[journal]} : rien n'est signé, le journal est altéré au n° {anomalie.rang} "
                    f"({anomalie.message}). Lancez journal_verify."
                ) from None
            except IntegrityError:
                self.stderr.write(f"{NOMS[journal]} : un autre processus vient de signer cette tête.")
                continue
            if point is None:
                self.stderr.write(f"{NOMS[journal]} : rien de nouveau à signer.")
                continue
            self.stdout.write(point_de_controle_domaine(point).en_json())
