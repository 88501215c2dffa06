"""`manage.py demo_charger`: fictitious personas and sandbox clients (idempotent)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from indemnites.droits.services.demo import personas_charger
from indemnites.oauth.services import CLIENTS_SANDBOX, SANDBOX_DESTINATAIRE, clients_sandbox_charger


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
