"""Django admin for administrators: roles are edited there; history and snapshots are read-only."""

import pytest
from django.test import Client

from indemnites.habilitations import services
from indemnites.habilitations.models import Evenement
from tests.habilitations.conftest import agent_creer


@pytest.fixture
def administrateur():
    agent = agent_creer(siret="13000548100010", nom="France Travail")
    services.agent_roles_definir(agent=agent, instructeur=False, administrateur=True)
    http = Client()
    http.force_login(agent.user)
    return http


def test_an_administrator_sees_requests_habilitations_and_events(administrateur, validee):
    for modele in ("demande", "habilitation", "evenement", "agent", "organisation"):
        assert administrateur.get(f"/admin/habilitations/{modele}/").status_code == 200, modele


def test_events_and_snapshots_cannot_be_changed_in_the_admin(administrateur, validee):
    evenement = Evenement.objects.first()
    habilitation = validee.habilitations.get()

    assert (
        administrateur.post(f"/admin/habilitations/evenement/{evenement.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert administrateur.post(f"/admin/habilitations/habilitation/{habilitation.pk}/change/", {}).status_code == 403
    assert Evenement.objects.filter(pk=evenement.pk).exists()


def test_an_administrator_grants_the_instructor_role(administrateur):
    agent = agent_creer()

    administrateur.post(
        f"/admin/habilitations/agent/{agent.pk}/change/",
        {
            "instructeur": "on",
            "appartenance_set-TOTAL_FORMS": "0",
            "appartenance_set-INITIAL_FORMS": "0",
        },
    )

    agent.refresh_from_db()
    assert agent.instructeur


def test_agents_without_the_role_do_not_enter_the_admin(validee):
    http = Client()
    http.force_login(validee.demandeur.user)
    assert http.get("/admin/habilitations/demande/").status_code == 302
