"""The demo agents of the sandbox: an applicant and an instructor who can log in, loaded idempotently."""

from io import StringIO

from django.core.management import call_command
from django.test import Client

from indemnites.habilitations.models import Agent
from indemnites.habilitations.services.demo import AGENTS_DEMO, DEMO_AGENT_MOT_DE_PASSE


def test_demo_agents_are_loaded_once_and_can_log_in():
    sortie = StringIO()
    call_command("demo_charger", stdout=sortie)
    call_command("demo_charger", stdout=StringIO())

    assert Agent.objects.count() == 2
    demandeur, instructeur = (Agent.objects.get(user__email=demo.courriel) for demo in AGENTS_DEMO)
    assert demandeur.verifie
    assert not demandeur.instructeur
    assert instructeur.instructeur
    assert set(demandeur.organisations.all()).isdisjoint(instructeur.organisations.all())
    assert f"instruction@ft-demo.example ; mot de passe {DEMO_AGENT_MOT_DE_PASSE}" in sortie.getvalue()
    http = Client()
    response = http.post(
        "/habilitations/compte/connexion/",
        {"courriel": instructeur.user.email, "mot_de_passe": DEMO_AGENT_MOT_DE_PASSE},
    )
    assert response.status_code == 302
    assert http.get("/instruction/").status_code == 200
