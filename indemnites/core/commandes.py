"""What every app's management commands share: who is acting, numbers written the French way."""

import getpass


def acteur_commande(commande: str) -> str:
    """Who runs a command, for the administrative journal: the command and the system account."""
    try:
        compte = getpass.getuser()
    except (KeyError, OSError):
        compte = "inconnu"
    return f"commande {commande} (compte système {compte})"


def nombre(valeur: float) -> str:
    return f"{valeur:,.0f}".replace(",", "\u202f")
