"""Use case: erase the persons the registry no longer needs (`manage.py droits_purge`).

A person is kept as long as a data call may still concern one of their rights: a call looks at most
DROITS_CONSERVATION_MOIS back (the oldest `dateReference` allowed). Once no right of theirs is open or ended
within that window, and they have not been created or changed within it, nothing needs them: they are erased
with their rights. The access journal never held more than their pseudonym; the administrative journal
records the erased pseudonyms, nothing else.
"""

import uuid
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from indemnites.core.actions import action_enregistrer
from indemnites.droits.domain import mois_avant
from indemnites.droits.models import DemandeurEmploi, Droit
from indemnites.droits.services.generations import import_exclusif

PSEUDONYMES_PAR_ACTION = 1_000


@dataclass(frozen=True)
class Purge:
    limite: date  # rights ended before this day no longer keep a person
    personnes: int
    executee: bool


def personnes_sans_droit(*, limite: date) -> QuerySet[DemandeurEmploi]:
    """Persons with no right open or ended on or after `limite`, created and last changed before it."""
    recents = Droit.objects.filter(demandeur=OuterRef("pk")).filter(Q(date_fin__isnull=True) | Q(date_fin__gte=limite))
    return DemandeurEmploi.objects.filter(created_at__date__lt=limite, updated_at__date__lt=limite).exclude(
        Exists(recents)
    )


def droits_purger(*, conservation_mois: int, acteur: str, executer: bool = False) -> Purge:
    """Counts, or with `executer` erases, the persons past retention; the journal entries come first, in
    the same transaction. Erasing waits for no import but runs only while none runs (ImportEnCours): an
    import writing new rights for a person between the purge's read and its delete would lose them."""
    if not executer:
        return _purger(conservation_mois=conservation_mois, acteur=acteur, executer=False)
    with import_exclusif():
        return _purger(conservation_mois=conservation_mois, acteur=acteur, executer=True)


def _purger(*, conservation_mois: int, acteur: str, executer: bool) -> Purge:
    limite = mois_avant(timezone.localdate(), conservation_mois)
    with transaction.atomic():
        pseudonymes = [
            str(uuid.UUID(str(p))) for p in personnes_sans_droit(limite=limite).values_list("pseudonyme", flat=True)
        ]
        if executer and pseudonymes:
            lots = [
                pseudonymes[i : i + PSEUDONYMES_PAR_ACTION] for i in range(0, len(pseudonymes), PSEUDONYMES_PAR_ACTION)
            ]
            for lot in lots:
                details = {"limite": limite.isoformat(), "conservation_mois": conservation_mois, "pseudonymes": lot}
                action_enregistrer(
                    acteur=acteur, action="droits.purge", objet=f"{len(lot)} personne(s)", details=details
                )
            for lot in lots:
                DemandeurEmploi.objects.filter(pseudonyme__in=lot).delete()
    return Purge(limite=limite, personnes=len(pseudonymes), executee=executer)
