"""`manage.py droits_import FICHIER`: load rights from a CSV or JSON Lines file (see docs/import.md)."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from indemnites.core.commandes import acteur_commande
from indemnites.droits.domain import Organisme
from indemnites.droits.services.importation import (
    ERREURS_RAPPORTEES,
    Demande,
    FichierInvalide,
    Format,
    ImportRefuse,
    Rapport,
    SuppressionsExcessives,
    droits_import_executer,
)


class Command(BaseCommand):
    help = (
        "Importe des droits depuis un fichier CSV ou JSON Lines, mis à jour par référence, ou la photographie "
        "complète des droits d'un organisme (--complet). Tout ou rien : une ligne invalide et rien n'est écrit, "
        "sauf avec --skip-invalid."
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
        parser.add_argument(
            "--organisme",
            choices=[o.value for o in Organisme],
            help="organisme dont le fichier porte les droits (toute ligne d'un autre est refusée)",
        )
        parser.add_argument(
            "--complet",
            action="store_true",
            help="photographie complète des droits de l'organisme : ceux absents du fichier sont supprimés",
        )
        parser.add_argument(
            "--suppressions-max",
            type=float,
            default=5.0,
            metavar="POURCENTAGE",
            help="avec --complet, refuse la photographie qui supprimerait plus de ce pourcentage (défaut : 5)",
        )
        parser.add_argument(
            "--rapport-suppressions",
            type=Path,
            help="avec --complet, fichier des références supprimées (par défaut FICHIER.supprimees.csv)",
        )
        parser.add_argument("--simulation", action="store_true", help="affiche ce qui changerait, sans rien écrire")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rapport = droits_import_executer(demande=self._demande(options))
        except FichierInvalide as erreur:
            raise CommandError(str(erreur)) from None
        except SuppressionsExcessives as refus:
            raise CommandError(str(refus)) from None
        except ImportRefuse as refus:
            self._erreurs_ecrire(refus.rapport)
            raise CommandError(
                f"{refus.rapport.lignes_rejetees} ligne(s) invalide(s) sur {refus.rapport.lignes_lues} : "
                "rien n'a été importé (--skip-invalid pour écrire les lignes valides)."
            ) from None
        self._erreurs_ecrire(rapport)
        self._resume_ecrire(rapport)

    def _demande(self, options: dict[str, Any]) -> Demande:
        if not 0 <= options["suppressions_max"] <= 100:
            raise CommandError("--suppressions-max est un pourcentage, de 0 à 100.")
        return Demande(
            path=options["fichier"],
            format=Format(options["format"]) if options["format"] else None,
            skip_invalid=options["skip_invalid"],
            rejects_path=options["rejects"],
            organisme=Organisme(options["organisme"]) if options["organisme"] else None,
            complet=options["complet"],
            simulation=options["simulation"],
            suppressions_max=options["suppressions_max"],
            suppressions_path=options["rapport_suppressions"],
            acteur=acteur_commande("droits_import"),
        )

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
        self.stdout.write(
            f"Droits créés : {rapport.droits_crees}, modifiés : {rapport.droits_modifies}, "
            f"inchangés : {rapport.droits_inchanges}, supprimés : {rapport.droits_supprimes}."
        )
        if rapport.rejets_path:
            self.stdout.write(f"Fichier des rejets : {rapport.rejets_path}")
        if rapport.suppressions_path:
            self.stdout.write(f"Références supprimées : {rapport.suppressions_path}")
        if rapport.simulation:
            self.stdout.write("Simulation : rien n'a été écrit.")
