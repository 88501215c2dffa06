"""Signed checkpoints: the chain head signed with JOURNAL_SIGNING_KEY, after sealing what waits and checking
the records sealed since the previous checkpoint (a tampered journal is never signed). Each checkpoint is also
written to the `indemnites.journal.points_de_controle` log, which production ships to another system: an
anchor kept out of the database's reach (`journal_verify --ancre`)."""

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from indemnites.journal import domain
from indemnites.journal.domain import JOURNAUX, Rapport
from indemnites.journal.models import PointDeControle
from indemnites.journal.selectors import MODELES, cle_signature, dernier_point_de_controle, journal_verifier, tete_lire
from indemnites.journal.services.scellement import journaux_sceller

logger = logging.getLogger("indemnites.journal.points_de_controle")


class JournalAltere(Exception):
    """The journal does not verify: nothing is signed, nothing is purged."""

    def __init__(self, rapport: Rapport) -> None:
        premiere = rapport.anomalies[0]
        super().__init__(
            f"journal {rapport.journal} altéré : {premiere.message} ({len(rapport.anomalies)} anomalie(s))"
        )
        self.rapport = rapport


def point_de_controle_creer(*, journal: str, rang: int | None = None) -> PointDeControle | None:
    """Signs the journal's head (or record `rang`, for a purge boundary); None when it is empty or that
    record is already signed. Raises JournalAltere when the records since the previous checkpoint do not verify, and
    ImproperlyConfigured without a signing key."""
    cle = cle_signature()
    journaux_sceller(journaux=(journal,))  # what waits for its seal is signed too
    tete = tete_lire(journal=journal)
    cible = rang if rang is not None else (tete[0] if tete else 0)
    points = PointDeControle.objects.filter(journal=journal)
    if cible == 0 or points.filter(rang=cible).exists():
        return None
    precedent = points.filter(rang__lt=cible).order_by("-rang").first()
    depuis = precedent.rang if precedent is not None else 0
    rapport = journal_verifier(journal=journal, depuis=depuis, jusqu_a=cible)
    if not rapport.integre or rapport.dernier != cible:
        if rapport.integre:  # the head names a record that is not there
            rapport.anomalies.append(domain.Anomalie(cible, "tronque", f"enregistrement n° {cible} absent"))
        logger.error("point de contrôle refusé : %s", rapport.anomalies[0].message)
        raise JournalAltere(rapport)
    dernier = dernier_point_de_controle(journal=journal)
    return _signer(cle, journal=journal, rang=cible, numero=(dernier.numero + 1) if dernier else 1)


def _signer(cle: domain.Ed25519PrivateKey, *, journal: str, rang: int, numero: int) -> PointDeControle:
    empreinte = MODELES[journal].objects.filter(rang=rang).values_list("empreinte", flat=True).get()
    point, signe = point_de_controle_construire(
        cle, journal=journal, numero=numero, rang=rang, empreinte=empreinte, signe_le=timezone.now()
    )
    with transaction.atomic():
        point.save(force_insert=True)
    logger.info("point de contrôle %s", signe.en_json())  # read back by `journal_verify --ancre`
    return point


def point_de_controle_construire(
    cle: domain.Ed25519PrivateKey, *, journal: str, numero: int, rang: int, empreinte: str, signe_le: datetime
) -> tuple[PointDeControle, domain.PointDeControle]:
    """The checkpoint (not saved) that signs record `rang` and its fingerprint at `signe_le`, with its signature."""
    signe = domain.point_de_controle_signer(
        cle,
        journal=journal,
        numero=numero,
        rang=rang,
        empreinte=empreinte,
        horodatage=domain.horodatage_canonique(signe_le),
    )
    point = PointDeControle(
        journal=journal,
        numero=numero,
        rang=rang,
        empreinte=empreinte,
        horodatage=signe_le,
        cle=signe.cle,
        signature=signe.signature,
    )
    return point, signe


def points_de_controle_creer() -> list[PointDeControle]:
    """Signs every journal's head that moved since its last checkpoint."""
    crees = []
    for journal in JOURNAUX:
        try:
            point = point_de_controle_creer(journal=journal)
        except IntegrityError:  # another process signed the same head at the same moment
            continue
        if point is not None:
            crees.append(point)
    return crees
