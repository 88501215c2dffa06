"""What the journal commands share: which journals, who is acting, numbers written the French way."""

import getpass
from argparse import ArgumentParser

from indemnites.journal.domain import ACCES, ADMINISTRATIF, JOURNAUX

NOMS = {ACCES: "Journal des accès", ADMINISTRATIF: "Journal administratif"}


def journal_argument(parser: ArgumentParser, *, defaut: str = "tous") -> None:
    parser.add_argument(
        "--journal", choices=[*JOURNAUX, "tous"], default=defaut, help=f"journal concerné (défaut : {defaut})"
    )


def journaux(choix: str) -> tuple[str, ...]:
    return JOURNAUX if choix == "tous" else (choix,)


def acteur_commande(commande: str) -> str:
    """Who runs a command, for the administrative journal: the command and the system account."""
    try:
        compte = getpass.getuser()
    except (KeyError, OSError):
        compte = "inconnu"
    return f"commande {commande} (compte système {compte})"


def nombre(valeur: float) -> str:
    return f"{valeur:,.0f}".replace(",", "\u202f")
