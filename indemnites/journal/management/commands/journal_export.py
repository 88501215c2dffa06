"""`manage.py journal_export`: the access journal in CSV or JSON Lines, filtered; the export is journaled."""

from argparse import ArgumentParser
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from indemnites.journal.management.commands._outils import acteur_commande, nombre
from indemnites.journal.selectors import Filtres
from indemnites.journal.services import journal_exporter
from indemnites.journal.services.export import FORMATS


def _jour(texte: str) -> date:
    try:
        return date.fromisoformat(texte)
    except ValueError:
        raise CommandError(f"date invalide : {texte!r} (attendu AAAA-MM-JJ)") from None


class Command(BaseCommand):
    help = (
        "Exporte le journal des accès (CSV ou JSON Lines), filtré par client, habilitation et période (jours "
        "Europe/Paris, bornes comprises). Chaque export est inscrit au journal administratif avant la première ligne."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--format", choices=sorted(FORMATS), default="csv")
        parser.add_argument("--client", default="", help="client_id")
        parser.add_argument("--habilitation", default="", help="numéro de l'habilitation")
        parser.add_argument("--depuis", type=_jour, help="premier jour, AAAA-MM-JJ")
        parser.add_argument("--jusqu-au", dest="jusqu_au", type=_jour, help="dernier jour, AAAA-MM-JJ")
        parser.add_argument("--sortie", type=Path, help="fichier à écrire (par défaut la sortie standard)")

    def handle(self, *args: Any, **options: Any) -> None:
        filtres = Filtres(
            client_id=options["client"],
            habilitation=options["habilitation"],
            depuis=options["depuis"],
            jusqu_au=options["jusqu_au"],
        )
        if filtres.depuis and filtres.jusqu_au and filtres.depuis > filtres.jusqu_au:
            raise CommandError("--depuis est postérieur à --jusqu-au.")
        export = journal_exporter(acteur=acteur_commande("journal_export"), filtres=filtres, format=options["format"])
        sortie = options["sortie"]
        if sortie is None:
            for morceau in export.lignes:
                self.stdout.write(morceau, ending="")
        else:
            with sortie.open("w", encoding="utf-8", newline="") as fichier:
                fichier.writelines(export.lignes)
        self.stderr.write(
            f"{nombre(export.nombre)} enregistrement(s) exporté(s) (jusqu'au n° {export.jusqu_au_rang})."
        )
