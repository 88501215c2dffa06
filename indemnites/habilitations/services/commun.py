"""Helpers shared by the habilitation services: rights, row locks, the request's event log."""

from django.utils import timezone

from indemnites.habilitations import journal
from indemnites.habilitations.domain import Acteur, RegleEnfreinte, peut_agir
from indemnites.habilitations.models import Agent, Demande, Evenement
from indemnites.habilitations.selectors import qualite_calculer


class ActionNonPermise(RegleEnfreinte):
    pass


def exiger(agent: Agent, demande: Demande, acteur: Acteur) -> None:
    if not peut_agir(qualite_calculer(agent, demande), acteur):
        if acteur == Acteur.INSTRUCTEUR:
            raise ActionNonPermise("Seul un instructeur extérieur à l'organisation demandeuse peut décider.")
        raise ActionNonPermise("Seul l'agent qui a déposé la demande peut agir sur elle.")


def verrouiller(demande: Demande) -> Demande:
    """Re-read under a row lock: two people acting at once cannot both win."""
    return (
        Demande.objects.select_for_update(of=("self",))
        .select_related("organisation", "demandeur__user", "application")
        .get(pk=demande.pk)
    )


def evenement_ajouter(
    *, demande: Demande, auteur: Agent | None, quoi: str, motif: str = "", diff: dict | None = None
) -> Evenement:
    return Evenement.objects.create(
        demande=demande, auteur=auteur, horodatage=timezone.now(), quoi=quoi, motif=motif, diff=diff or {}
    )


def action_tracer(*, demande: Demande, auteur: Agent, quoi: str, motif: str = "", diff: dict | None = None) -> None:
    """An instructor's or administrator's action: on the request's timeline and in the administrative journal."""
    evenement_ajouter(demande=demande, auteur=auteur, quoi=quoi, motif=motif, diff=diff)
    journal.action_administrative_tracer(auteur=auteur, action=quoi, objet=f"D{demande.pk}", motif=motif)
