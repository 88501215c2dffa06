"""What the journal commands share: which journals, who is acting, numbers written the French way."""

from argparse import ArgumentParser

from indemnites.core.commandes import acteur_commande as acteur_commande
from indemnites.core.commandes import nombre as nombre
from indemnites.journal.domain import ACCES, ADMINISTRATIF, JOURNAUX

NOMS = {ACCES: "Journal des accès", ADMINISTRATIF: "Journal administratif"}


def journal_argument(parser: ArgumentParser, *, defaut: str = "tous") -> None:
    parser.add_argument(
        "--journal", choices=[*JOURNAUX, "tous"], default=defaut, help=f"journal concerné (défaut : {defaut})"
    )


def journaux(choix: str) -> tuple[str, ...]:
    return JOURNAUX if choix == "tous" else (choix,)
