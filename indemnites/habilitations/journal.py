"""Instructors' and administrators' actions (decisions, secret rotations, revocations) in the
administrative journal of `indemnites.journal`, besides the request's own append-only events.

Written in the caller's transaction: if the journal cannot be written, the action is rolled back.
"""

from indemnites.habilitations.models import Agent
from indemnites.journal.services import action_enregistrer


def action_administrative_tracer(*, auteur: Agent, action: str, objet: str, motif: str = "") -> None:
    action_enregistrer(
        acteur=auteur, action=f"habilitation.{action}", objet=objet, details={"motif": motif} if motif else {}
    )
