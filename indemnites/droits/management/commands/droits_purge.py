"""`manage.py droits_purge`: erase the persons without any right for longer than DROITS_CONSERVATION_MOIS."""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from indemnites.core.commandes import acteur_commande, nombre
from indemnites.droits.services.generations import ImportEnCours
from indemnites.droits.services.purge import droits_purger


class Command(BaseCommand):
    help = (
        "Efface les personnes sans aucun droit ouvert ou terminé depuis DROITS_CONSERVATION_MOIS mois (24 par "
        "défaut). Sans --executer, compte seulement. Le journal administratif garde leurs seuls pseudonymes."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--executer", action="store_true", help="efface vraiment (sinon : simulation)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            purge = droits_purger(
                conservation_mois=settings.DROITS_CONSERVATION_MOIS,
                acteur=acteur_commande("droits_purge"),
                executer=options["executer"],
            )
        except ImportEnCours:
            message = "Un import des droits est en cours : rien n'a été effacé. Relancez quand il est fini."
            raise CommandError(message) from None
        limite = purge.limite.strftime("%d/%m/%Y")
        if purge.executee:
            self.stdout.write(f"{nombre(purge.personnes)} personne(s) sans droit depuis le {limite} effacée(s).")
        else:
            self.stdout.write(
                f"Simulation : {nombre(purge.personnes)} personne(s) sans droit depuis le {limite} seraient "
                "effacée(s). Relancer avec --executer pour les effacer."
            )
