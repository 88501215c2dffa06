"""The citizen's page: every record about the logged-in job seeker, and how to show it."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.db.models import QuerySet

from indemnites.journal import domain
from indemnites.journal.models import Enregistrement, Mode
from indemnites.journal.selectors.habilitations import (
    Presentation,
    habilitation_en_vigueur,
    habilitations_des_clients,
    presentations_lire,
)


@dataclass(frozen=True)
class Consultation:
    horodatage: datetime  # UTC; the page shows Europe/Paris
    presentation: Presentation
    donnees: tuple[str, ...]
    reference_dossier: str
    connecte: bool  # mode A: the person was connected and had consented


def sujet_du_utilisateur(*, utilisateur_id: int) -> str | None:
    """The pseudonymous reference the journal uses for this login account's job seeker, if any."""
    demandeur = apps.get_model("droits", "DemandeurEmploi")
    pseudonyme = demandeur.objects.filter(utilisateur_id=utilisateur_id).values_list("pseudonyme", flat=True).first()
    return str(pseudonyme) if pseudonyme else None


def consultations_du_sujet(*, sujet: str) -> QuerySet[Enregistrement]:
    """Every record about this person, newest first: only theirs, whatever the mode."""
    return Enregistrement.objects.filter(sujet=sujet).order_by("-horodatage", "-id")


def consultations_presenter(enregistrements: Iterable[Enregistrement]) -> list[Consultation]:
    enregistrements = list(enregistrements)
    # A record not sealed yet has no habilitation: the one in force at its instant, as the sealer will write.
    periodes = habilitations_des_clients(e.client_id for e in enregistrements if not e.habilitation)
    habilitations = [
        e.habilitation
        or habilitation_en_vigueur(periodes.get(e.client_id, []), domain.horodatage_canonique(e.horodatage))
        for e in enregistrements
    ]
    cles = [(e.client_id, h, e.destinataire) for e, h in zip(enregistrements, habilitations, strict=True)]
    presentations = presentations_lire(cles)
    return [
        Consultation(
            horodatage=e.horodatage,
            presentation=presentations[cle],
            donnees=tuple(champ for champ in e.champs.split(",") if champ),
            reference_dossier=e.reference_dossier,
            connecte=e.mode == Mode.INDIVIDU,
        )
        for e, cle in zip(enregistrements, cles, strict=True)
    ]
