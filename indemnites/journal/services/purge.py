"""Retention: records older than the retention period are deleted, up to a signed checkpoint that then
anchors what remains, so the remaining journal still verifies. The purge is itself journaled."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from indemnites.journal.domain import ACCES, mois_retrancher
from indemnites.journal.models import PointDeControle
from indemnites.journal.selectors import MODELES, PARIS
from indemnites.journal.services.ecriture import action_enregistrer
from indemnites.journal.services.points_de_controle import point_de_controle_creer
from indemnites.journal.services.scellement import journaux_sceller

LOT_SUPPRESSION = 10_000


@dataclass(frozen=True)
class Purge:
    journal: str
    limite: datetime  # records written before this instant are past retention
    jusqu_au_rang: int  # records up to this number were deleted (0: none)
    supprimes: int


def retention_mois(journal: str) -> int:
    mois = settings.JOURNAL_RETENTION_MONTHS if journal == ACCES else settings.JOURNAL_ADMIN_RETENTION_MONTHS
    if mois < 1:
        raise ValueError(f"la durée de conservation du journal {journal} doit être d'au moins un mois")
    return mois


def _limite(journal: str, aujourdhui: date) -> datetime:
    return datetime.combine(mois_retrancher(aujourdhui, retention_mois(journal)), time.min, tzinfo=PARIS)


def _borne(journal: str, limite: datetime) -> int:
    """The last record to delete: the one before the first record written since `limite` (or the last one)."""
    enregistrements = MODELES[journal].objects.filter(rang__isnull=False)
    premier_garde = enregistrements.filter(horodatage__gte=limite).order_by("rang").values_list("rang", flat=True)
    rang = premier_garde.first()
    if rang is not None:
        return rang - 1
    return enregistrements.order_by("-rang").values_list("rang", flat=True).first() or 0


def journal_purger(*, journal: str, acteur: object, aujourdhui: date | None = None) -> Purge:
    """Deletes the records past retention. Raises JournalAltere (nothing deleted) when the records to delete
    do not verify: evidence of tampering is never destroyed by a purge."""
    limite = _limite(journal, aujourdhui or timezone.localdate())
    journaux_sceller(journaux=(journal,))  # a record waiting for its seal is purged only once sealed
    borne = _borne(journal, limite)
    scelles = MODELES[journal].objects.filter(rang__isnull=False)
    premier = scelles.order_by("rang").values_list("rang", flat=True).first()
    if premier is None or borne < premier:
        return Purge(journal=journal, limite=limite, jusqu_au_rang=0, supprimes=0)
    point_de_controle_creer(journal=journal, rang=borne)  # verifies up to the boundary, then signs it
    supprimes = 0
    while True:
        with transaction.atomic():
            lot = list(MODELES[journal].objects.filter(rang__lte=borne).values_list("pk", flat=True)[:LOT_SUPPRESSION])
            if not lot:
                break
            supprimes += MODELES[journal].objects.filter(pk__in=lot).delete()[0]
    with transaction.atomic():
        # Checkpoints before the boundary name deleted records; the boundary's own anchors what remains.
        PointDeControle.objects.filter(journal=journal, rang__lt=borne).delete()
        action_enregistrer(
            acteur=acteur,
            action="journal_purge",
            objet=f"journal {journal}",
            details={"limite": limite.isoformat(), "jusqu_au_rang": borne, "supprimes": supprimes},
        )
    return Purge(journal=journal, limite=limite, jusqu_au_rang=borne, supprimes=supprimes)
