"""`manage.py droits_import FICHIER`: load rights from a CSV or JSON Lines file (see docs/import.md)."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from indemnites.droits.services.importation import (
    ERREURS_RAPPORTEES,
    FichierInvalide,
    Format,
    ImportRefuse,
    Rapport,
    droits_importer,
)


class Command(BaseCommand):
    help = (
        "Importe des droits depuis un fichier CSV ou JSON Lines, mis à jour par référence. Tout ou rien : "
        "une ligne invalide et rien n'est écrit, sauf avec --skip-invalid."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("fichier", type=Path, help="fichier .csv, .jsonl ou .ndjson")
        parser.add_argument("--format", choices=[f.value for f in Format], help="format, si l'extension ne le dit pas")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="écrit les lignes valides et met les autres dans un fichier de rejets",
        )
        parser.add_argument(
            "--rejects", type=Path, help="fichier des rejets (par défaut FICHIER.rejets.csv ou .rejets.jsonl)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rapport = droits_importer(
                path=options["fichier"],
                format=Format(options["format"]) if options["format"] else None,
                skip_invalid=options["skip_invalid"],
                rejects_path=options["rejects"],
            )
        except FichierInvalide as erreur:
            raise CommandError(str(erreur)) from None
        except ImportRefuse as refus:
            self._erreurs_ecrire(refus.rapport)
            raise CommandError(
                f"{refus.rapport.lignes_rejetees} ligne(s) invalide(s) sur {refus.rapport.lignes_lues} : "
                "rien n'a été importé (--skip-invalid pour écrire les lignes valides)."
            ) from None
        self._erreurs_ecrire(rapport)
        self._resume_ecrire(rapport)

    def _erreurs_ecrire(self, rapport: Rapport) -> None:
        for erreur in rapport.erreurs:
            colonne = f", colonne {erreur.colonne}" if erreur.colonne else ""
            self.stderr.write(f"Ligne {erreur.ligne}{colonne} : {erreur.message} [{erreur.regle}]")
        if rapport.erreurs_total > ERREURS_RAPPORTEES:
            self.stderr.write(f"… et {rapport.erreurs_total - ERREURS_RAPPORTEES} autre(s) erreur(s).")

    def _resume_ecrire(self, rapport: Rapport) -> None:
        self.stdout.write(
            f"Lignes lues : {rapport.lignes_lues}, écrites : {rapport.lignes_ecrites}, "
            f"rejetées : {rapport.lignes_rejetees}."
        )
        self.stdout.write(f"Personnes créées : {rapport.personnes_creees}, modifiées : {rapport.personnes_modifiees}.")
        self.stdout.write(f"Droits créés : {rapport.droits_crees}, modifiés : {rapport.droits_modifies}.")
        if rapport.rejets_path:
            self.stdout.write(f"Fichier des rejets : {rapport.rejets_path}")
