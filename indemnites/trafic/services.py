"""Counting requests against the limits, and the abnormal-usage alert."""

import logging
import time
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from indemnites.exploitation import metriques
from indemnites.trafic.domain import Etat, Politique, etat_ouvert, politique_lire, seuil_personnes
from indemnites.trafic.errors import QuotaDepasse, UsageAnormal
from indemnites.trafic.models import AlerteUsage, EchecConnexion
from indemnites.trafic.selectors import connexion_compteurs
from indemnites.trafic.storage import Personnes, Quota, disjoncteur

logger = logging.getLogger("indemnites.trafic")
PERSONNES_CONSERVATION = 2 * 86400  # a day's set of persons outlives its day, then expires


@lru_cache(maxsize=256)
def politique_client(quota_par_seconde: int, fenetre: int) -> Politique:
    return Politique(nom="client", quota=quota_par_seconde * fenetre, fenetre=fenetre)


@lru_cache(maxsize=8)
def politique_ip(par_minute: int) -> Politique:
    return Politique(nom="ip", quota=par_minute, fenetre=60)


@lru_cache(maxsize=32)
def politique_nommee(nom: str, texte: str) -> Politique:
    return politique_lire(nom, texte)


def limite_compter(*, politique: Politique, cle: str) -> Etat:
    """Counts one request of `cle` under `politique`, without refusing it."""
    maintenant = time.time()
    compte = disjoncteur().appeler(lambda compteurs: compteurs.compter(f"{politique.nom}:{cle}", politique.fenetre))
    if compte is None:
        return etat_ouvert(politique, maintenant)
    consommes, fin = compte
    return Etat(politique=politique, consommes=consommes, fin=fin)


def limite_verifier(*, politique: Politique, cle: str) -> Etat:
    """Counts one request of `cle`; over the quota, raises QuotaDepasse (429, `Retry-After`)."""
    etat = limite_compter(politique=politique, cle=cle)
    if etat.depasse:
        metriques.limite_refusee_compter(politique.nom)
        raise QuotaDepasse(etats=[etat], maintenant=time.time())
    return etat


def client_controler(
    *, client_id: str, quota_par_seconde: int | None, volume_journalier: int | None, personne: str | None
) -> Etat:
    """The client's quota (from its habilitation, else the default), then, when the request names a
    person, the day's distinct persons; one round trip to the counters. Returns the quota's state."""
    quota = quota_par_seconde or settings.TRAFIC_QUOTA_CLIENT_PAR_SECONDE
    politique = politique_client(quota, settings.TRAFIC_FENETRE_CLIENT_SECONDES)
    seuil = seuil_personnes(
        volume_journalier, marge=settings.TRAFIC_MARGE_VOLUME, defaut=settings.TRAFIC_VOLUME_JOURNALIER_DEFAUT
    )
    compte = Quota(cle=f"{politique.nom}:{client_id}", quota=politique.quota, fenetre=politique.fenetre)
    personnes = None
    if personne is not None:
        cle = f"personnes:{client_id}:{timezone.localdate().isoformat()}"
        personnes = Personnes(cle=cle, membre=personne, plafond=seuil, duree=PERSONNES_CONSERVATION)
    maintenant = time.time()
    resultat = disjoncteur().appeler(lambda compteurs: compteurs.client_compter(compte, personnes))
    if resultat is None:
        return etat_ouvert(politique, maintenant)
    consommes, fin, accepte = resultat
    etat = Etat(politique=politique, consommes=consommes, fin=fin)
    if etat.depasse:
        metriques.limite_refusee_compter(politique.nom)
        raise QuotaDepasse(etats=[etat], maintenant=time.time())
    if not accepte:
        alerte_usage_enregistrer(client_id=client_id, seuil=seuil, volume_journalier=volume_journalier)
        metriques.limite_refusee_compter(UsageAnormal.politique)
        raise UsageAnormal(etats=[etat], attente=_secondes_avant_demain())
    return etat


def alerte_usage_enregistrer(*, client_id: str, seuil: int, volume_journalier: int | None) -> AlerteUsage:
    """The day's alert for this client, created at the first refusal; every refusal is counted."""
    alerte, creee = AlerteUsage.objects.get_or_create(
        client_id=client_id,
        jour=timezone.localdate(),
        defaults={"seuil": seuil, "volume_journalier": volume_journalier},
    )
    AlerteUsage.objects.filter(pk=alerte.pk).update(refus=F("refus") + 1)
    if creee:
        logger.warning("alerte : usage anormal d'un client (personnes distinctes)", extra={"client_id": client_id})
    return alerte


def _secondes_avant_demain() -> int:
    maintenant = timezone.localtime()
    demain = datetime.combine(maintenant.date() + timedelta(days=1), datetime.min.time(), tzinfo=maintenant.tzinfo)
    # In UTC: between two datetimes of the same zone Python ignores a DST change in between.
    return max(1, int((demain.astimezone(UTC) - maintenant.astimezone(UTC)).total_seconds()) + 1)


def connexion_echec_enregistrer(*, identifiant: str, ip: str) -> None:
    """One failed login, for its account and its source address; failures older than the longest window
    go at the same time (the table holds the last 15 minutes or so, never more)."""
    maintenant = timezone.now()
    compteurs = connexion_compteurs(identifiant=identifiant, ip=ip)
    EchecConnexion.objects.bulk_create(
        [EchecConnexion(portee=portee, cle=cle, moment=maintenant) for portee, cle, _ in compteurs]
    )
    plus_longue = max(politique.fenetre for _, _, politique in compteurs)
    EchecConnexion.objects.filter(moment__lt=maintenant - timedelta(seconds=plus_longue)).delete()


def connexion_echecs_effacer(*, identifiant: str) -> None:
    """A successful login wipes the account's failures (not the address's)."""
    portee, cle, _ = connexion_compteurs(identifiant=identifiant, ip="")[0]
    EchecConnexion.objects.filter(portee=portee, cle=cle).delete()
