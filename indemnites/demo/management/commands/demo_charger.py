"""`manage.py demo_charger`: fictitious personas and sandbox clients (idempotent)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from indemnites.droits.services.demo import DEMO_MOT_DE_PASSE, comptes_demo_charger, personas_charger
from indemnites.habilitations.services.demo import DEMO_AGENT_MOT_DE_PASSE, agents_demo_charger
from indemnites.oauth.services import (
    CLIENTS_INDIVIDU_SANDBOX,
    CLIENTS_SANDBOX,
    SANDBOX_DESTINATAIRE,
    clients_individu_sandbox_charger,
    clients_sandbox_charger,
    sandbox_redirect_uris,
)


class Command(BaseCommand):
    help = "Charge les données fictives du bac à sable (personas et clients). Sans effet s'il est relancé."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.SANDBOX:
            raise CommandError("Le bac à sable est désactivé (SANDBOX=false) : aucune donnée fictive chargée.")
        personas = personas_charger(aujourdhui=timezone.localdate())
        clients_sandbox_charger()
        self.stdout.write(f"{len(personas)} personas fictives et {len(CLIENTS_SANDBOX)} clients de bac à sable prêts.")
        for client in CLIENTS_SANDBOX:
            self.stdout.write(f"  {client.nom} : client_id={client.client_id} client_secret={client.client_secret}")
        self.stdout.write(f"  SIRET destinataire autorisé : {SANDBOX_DESTINATAIRE}")
        self._mode_connecte()
        self._habilitations()

    def _mode_connecte(self) -> None:
        identifiants = comptes_demo_charger()
        clients_individu_sandbox_charger()
        self.stdout.write("Mode connecté (docs/connexion-demandeur.md) :")
        self.stdout.write(f"  comptes demandeurs : {', '.join(identifiants)} ; mot de passe {DEMO_MOT_DE_PASSE}")
        for client in CLIENTS_INDIVIDU_SANDBOX:
            self.stdout.write(f"  {client.nom} : client_id={client.client_id} client_secret={client.client_secret}")
        self.stdout.write(f"  redirect_uri enregistrées : {' '.join(sandbox_redirect_uris('/callback'))}")

    def _habilitations(self) -> None:
        adresse = settings.URL_PUBLIQUE.rstrip("/") + "/habilitations/"
        self.stdout.write(f"Habilitations (docs/habilitations.md), {adresse} :")
        for agent in agents_demo_charger():
            self.stdout.write(f"  {agent.role} : {agent.courriel} ; mot de passe {DEMO_AGENT_MOT_DE_PASSE}")
