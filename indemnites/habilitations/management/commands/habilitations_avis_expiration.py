"""`manage.py habilitations_avis_expiration`: expiry notices at 90, 60, 30, 14, 7 and 0 days (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand

from indemnites.habilitations.services import avis_expiration_envoyer


class Command(BaseCommand):
    help = (
        "Envoie les avis d'expiration des habilitations (90, 60, 30, 14, 7 et 0 jours avant) ; "
        "chaque avis n'est envoyé qu'une fois. À planifier plusieurs fois par jour."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        envoyes = avis_expiration_envoyer()
        self.stdout.write(f"{envoyes} avis d'expiration envoyé{'s' if envoyes > 1 else ''}.")
