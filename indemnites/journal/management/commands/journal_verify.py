"""`manage.py journal_verify`: recomputes the hash chain and checks the signed checkpoints. It only reads:
sealing is the sealer's job (and journal_checkpoint's); a record left unsealed longer than
JOURNAL_SEAL_MAX_DELAY_SECONDS is an anomaly it reports, never something it repairs."""

import os
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from indemnites.journal.domain import PointDeControle, Rapport, ancre_lire
from indemnites.journal.management.commands._outils import NOMS, journal_argument, journaux, nombre
from indemnites.journal.selectors import journal_verifier

ANOMALIES_AFFICHEES = 50


class Command(BaseCommand):
    help = (
        "Recalcule la chaîne d'empreintes du journal et vérifie les signatures des points de contrôle, sans "
        "rien écrire ; signale, "
        "avec leur numéro, les enregistrements modifiés, supprimés, insérés, déplacés, et toute troncature après "
        "un point de contrôle, et les enregistrements qui attendent leur scellement depuis plus que "
        "JOURNAL_SEAL_MAX_DELAY_SECONDS. Code de sortie 1 si le journal est altéré ou en retard de scellement."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        journal_argument(parser)
        parser.add_argument(
            "--ancre",
            type=Path,
            action="append",
            default=[],
            help="fichier de points de contrôle gardés hors de la base (lignes JSON de journal_checkpoint ou des "
            "journaux techniques) ; répétable",
        )
        parser.add_argument(
            "--sans-sceller",
            action="store_true",
            help="sans effet, gardé pour les scripts existants : la vérification ne scelle jamais",
        )
        parser.add_argument(
            "--processus",
            type=int,
            default=min(4, os.cpu_count() or 1),
            help="processus qui se partagent un grand journal (défaut : les cœurs, 4 au plus)",
        )
        parser.add_argument(
            "--depuis-dernier-point",
            action="store_true",
            help="ne vérifie que ce qui suit le dernier point de contrôle signé (en base ou --ancre) : ce qui le "
            "précède a été vérifié avant sa signature ; pour une vérification fréquente, la complète restant "
            "périodique",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ancres = self._ancres(options["ancre"])
        alteres = []
        for journal in journaux(options["journal"]):
            debut = time.perf_counter()
            rapport = journal_verifier(
                journal=journal,
                ancres=[a for a in ancres if a.journal == journal],
                processus=max(1, options["processus"]),
                depuis_dernier_point=options["depuis_dernier_point"],
            )
            self._rapport_ecrire(rapport, time.perf_counter() - debut)
            if not rapport.integre:
                alteres.append(f"{NOMS[journal].lower()} ({len(rapport.anomalies)} anomalie(s))")
        if alteres:
            raise CommandError(f"Journal altéré : {', '.join(alteres)}.")

    def _ancres(self, fichiers: list[Path]) -> list[PointDeControle]:
        ancres = []
        for fichier in fichiers:
            try:
                lignes = fichier.read_text(encoding="utf-8").splitlines()
            except OSError as erreur:
                raise CommandError(f"{fichier} : {erreur.strerror}") from None
            for numero, ligne in enumerate(lignes, start=1):
                try:
                    ancre = ancre_lire(ligne)
                except ValueError as erreur:
                    raise CommandError(f"{fichier}, ligne {numero} : {erreur}") from None
                if ancre is not None:
                    ancres.append(ancre)
        return ancres

    def _rapport_ecrire(self, rapport: Rapport, secondes: float) -> None:
        etendue = f" (n° {nombre(rapport.premier or 0)} à {nombre(rapport.dernier or 0)})" if rapport.verifies else ""
        debit = f", {nombre(rapport.verifies / secondes)} enregistrements/s" if rapport.verifies and secondes else ""
        self.stdout.write(
            f"{NOMS[rapport.journal]} : {nombre(rapport.verifies)} enregistrement(s) vérifié(s){etendue}, "
            f"{rapport.points_valides} point(s) de contrôle signé(s) valide(s), en {secondes:.2f} s{debit}."
        )
        if rapport.non_scelles:
            self.stdout.write(f"  {nombre(rapport.non_scelles)} enregistrement(s) en attente de scellement.")
        if rapport.integre:
            self.stdout.write(self.style.SUCCESS("  Intègre."))
            return
        for anomalie in rapport.anomalies[:ANOMALIES_AFFICHEES]:
            self.stdout.write(self.style.ERROR(f"  n° {anomalie.rang} [{anomalie.nature}] {anomalie.message}"))
        if len(rapport.anomalies) > ANOMALIES_AFFICHEES:
            self.stdout.write(f"  … et {len(rapport.anomalies) - ANOMALIES_AFFICHEES} autre(s) anomalie(s).")
