"""Reads of the traffic app."""

from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from indemnites.trafic.domain import Politique, personne_empreinte, politique_lire, verrouillage_attente
from indemnites.trafic.models import AlerteUsage, EchecConnexion


def alertes_ouvertes() -> QuerySet[AlerteUsage]:
    """Alerts no instructor has dealt with yet, most recent first."""
    return AlerteUsage.objects.filter(traitee_le__isnull=True)


def connexion_compteurs(*, identifiant: str, ip: str) -> list[tuple[str, str, Politique]]:
    """(portée, key, policy) of a login's failure counters: the account, then the source address. Keys are
    keyed digests: the table never holds an identifier or an address."""
    compte = personne_empreinte(settings.NIR_PEPPER.encode(), "connexion", identifiant.strip().lower())
    adresse = personne_empreinte(settings.NIR_PEPPER.encode(), "connexion-ip", ip or "inconnue")
    return [
        ("compte", compte, politique_lire("compte", settings.DEMANDEUR_CONNEXION_LIMITE_COMPTE)),
        ("ip", adresse, politique_lire("ip", settings.DEMANDEUR_CONNEXION_LIMITE_IP)),
    ]


def connexion_attente(*, identifiant: str, ip: str) -> tuple[str, int] | None:
    """("compte" or "ip", seconds to wait) when too many logins failed lately, else None. Read from the
    database: every worker and instance sees the same failures."""
    maintenant = timezone.now()
    for portee, cle, politique in connexion_compteurs(identifiant=identifiant, ip=ip):
        moments = (
            EchecConnexion.objects.filter(
                portee=portee, cle=cle, moment__gt=maintenant - timedelta(seconds=politique.fenetre)
            )
            .order_by("-moment")
            .values_list("moment", flat=True)[: politique.quota]
        )
        attente = verrouillage_attente(
            [moment.timestamp() for moment in moments], politique=politique, maintenant=maintenant.timestamp()
        )
        if attente is not None:
            return portee, attente
    return None
