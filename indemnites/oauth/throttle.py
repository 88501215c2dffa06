"""Failed job seeker logins: the login page's seam to the lockout kept by `indemnites.trafic`.

The failures are rows in the database (trafic.EchecConnexion), counted per account and per source
address over a sliding window (DEMANDEUR_CONNEXION_LIMITE_COMPTE, _IP): the lockout holds across every
worker and every instance, with or without Redis. A database that cannot be reached fails the login
anyway, so there is no fail-open case to decide here.
"""

from indemnites.trafic import selectors, services


def connexion_attente(*, identifiant: str, ip: str) -> tuple[str, int] | None:
    """("compte" or "ip", seconds to wait) when too many logins failed lately, else None."""
    return selectors.connexion_attente(identifiant=identifiant, ip=ip)


def connexion_echec_compter(*, identifiant: str, ip: str) -> None:
    services.connexion_echec_enregistrer(identifiant=identifiant, ip=ip)


def connexion_reussite(*, identifiant: str) -> None:
    """A successful login wipes the account's failures (not the IP's)."""
    services.connexion_echecs_effacer(identifiant=identifiant)
