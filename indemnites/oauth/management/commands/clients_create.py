"""`manage.py clients_create`: creates a server-to-server client and prints its secret once."""

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from indemnites.droits.domain import CHAMPS
from indemnites.oauth.services import client_partenaire_creer


class Command(BaseCommand):
    help = "Crée un client serveur à serveur et affiche son secret (une seule fois)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--nom", required=True, help="Nom de l'administration cliente.")
        parser.add_argument(
            "--champ",
            dest="champs",
            action="append",
            required=True,
            choices=CHAMPS,
            help="Donnée accordée (répéter pour les deux).",
        )
        parser.add_argument(
            "--destinataire",
            dest="destinataires",
            action="append",
            required=True,
            help="SIRET destinataire autorisé (répéter si plusieurs).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            cree = client_partenaire_creer(
                nom=options["nom"], champs=options["champs"], destinataires=options["destinataires"]
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"client_id     : {cree.application.client_id}")
        self.stdout.write(f"client_secret : {cree.client_secret}")
        self.stdout.write("Conservez ce secret : il ne sera plus jamais affiché.")
