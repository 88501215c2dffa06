"""Demo accounts for the sandbox: one applicant agent and one instructor (idempotent)."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from indemnites.habilitations.services.comptes import (
    agent_identite_externe_rattacher,
    agent_roles_definir,
)

# Public, fictitious credentials: they exist only where SANDBOX is on (README, docs/habilitations.md).
DEMO_AGENT_MOT_DE_PASSE = "demo-habilitations-2026"


@dataclass(frozen=True)
class AgentDemo:
    courriel: str
    role: str
    organisation: str
    siret: str
    instructeur: bool


AGENTS_DEMO = (
    AgentDemo("agent@commune-demo.example", "demandeur", "Commune de démonstration", "99999999900017", False),
    AgentDemo("instruction@ft-demo.example", "instructeur", "France Travail (démo)", "99999999800019", True),
)


@transaction.atomic
def agents_demo_charger() -> tuple[AgentDemo, ...]:
    """Creates the demo agents, verified, with their password; a second call changes nothing."""
    for demo in AGENTS_DEMO:
        agent = agent_identite_externe_rattacher(
            courriel=demo.courriel, prenom="Démo", nom=demo.role.capitalize(), siret=demo.siret,
            organisation_nom=demo.organisation,
        )  # fmt: skip
        user = get_user_model().objects.get(pk=agent.user_id)
        if not user.has_usable_password():
            user.set_password(DEMO_AGENT_MOT_DE_PASSE)
            user.save(update_fields=["password"])
        if demo.instructeur and not agent.instructeur:
            agent_roles_definir(agent=agent, instructeur=True, administrateur=False)
    return AGENTS_DEMO
