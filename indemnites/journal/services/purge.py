"""Retention: records older than the retention period are deleted, up to a signed checkpoint that then
anchors what remains, so the remaining journal still verifies. The purge is itself journaled."""

from dataclasses import dataclass
from datetime import date, datetime, time
from time import sleep

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from indemnites.core.verrou_ecriture import verrou_ecriture
from indemnites.journal.domain import ACCES, mois_retrancher
from indemnites.journal.models import PointDeControle
from indemnites.journal.selectors import MODELES, PARIS
from indemnites.journal.services.ecriture import action_enregistrer
from indemnites.journal.services.points_de_controle import point_de_controle_creer
from indemnites.journal.services.scellement import journaux_sceller

# A year of journal holds tens of millions of records; purging a month (1.6 million) runs while the service
# answers: small ranges, a pause between them (bench/README.md, « Le journal à l'échelle d'une année »).
LOT_SUPPRESSION = 5_000
PAUSE_SECONDES = 0.05


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


def _supprimer(journal: str, premier: int, borne: int, *, lot: int, pause: float) -> int:
    """Records `premier` to `borne`, by ranges of `lot` record numbers: each range is a short transaction that
    walks the record-number index from where the previous one stopped (never over the dead entries of the
    ranges already deleted), then the purge pauses, so that the data calls' writes and the disk keep up."""
    supprimes = 0
    for debut in range(premier, borne + 1, lot):
        with verrou_ecriture(), transaction.atomic():
            tranche = MODELES[journal].objects.filter(rang__gte=debut, rang__lte=min(debut + lot - 1, borne))
            supprimes += tranche.delete()[0]
        if pause:
            sleep(pause)
    return supprimes


def journal_purger(
    *,
    journal: str,
    acteur: object,
    aujourdhui: date | None = None,
    lot: int = LOT_SUPPRESSION,
    pause: float = PAUSE_SECONDES,
) -> Purge:
    """Deletes the records past retention, `lot` record numbers at a time with a `pause` (seconds) after each
    range. Raises JournalAltere (nothing deleted) when the records to delete do not verify: evidence of
    tampering is never destroyed by a purge."""
    if lot < 1 or pause < 0:
        raise ValueError("le lot de suppression doit être d'au moins un enregistrement, la pause positive ou nulle")
    limite = _limite(journal, aujourdhui or timezone.localdate())
    journaux_sceller(journaux=(journal,))  # a record waiting for its seal is purged only once sealed
    borne = _borne(journal, limite)
    scelles = MODELES[journal].objects.filter(rang__isnull=False)
    premier = scelles.order_by("rang").values_list("rang", flat=True).first()
    if premier is None or borne < premier:
        return Purge(journal=journal, limite=limite, jusqu_au_rang=0, supprimes=0)
    point_de_controle_creer(journal=journal, rang=borne)  # verifies up to the boundary, then signs it
    supprimes = _supprimer(journal, premier, borne, lot=lot, pause=pause)
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
