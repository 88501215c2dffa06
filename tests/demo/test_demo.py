"""`manage.py demo_charger`: fictitious personas and sandbox clients, loaded once, only in the sandbox."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from indemnites.droits.models import DemandeurEmploi, Droit
from indemnites.oauth.models import Application
from indemnites.oauth.services import CLIENTS_SANDBOX, SANDBOX_DESTINATAIRE
from tests.conftest import DATA_URL, TOKEN_URL


def charger() -> str:
    sortie = StringIO()
    call_command("demo_charger", stdout=sortie)
    return sortie.getvalue()


def etat() -> dict[str, list]:
    return {
        "demandeurs": list(DemandeurEmploi.objects.order_by("pk").values_list("pk", "updated_at")),
        "droits": list(Droit.objects.order_by("pk").values_list("pk", "updated_at")),
        "clients": list(Application.objects.order_by("pk").values_list("pk", "updated", "client_secret")),
    }


def test_loads_11_personas_and_2_server_to_server_sandbox_clients():
    charger()

    assert DemandeurEmploi.objects.count() == 11
    assert DemandeurEmploi.objects.filter(identifiant__isnull=True).count() == 1
    assert len(CLIENTS_SANDBOX) == 2
    assert Application.objects.filter(client_id__in=[c.client_id for c in CLIENTS_SANDBOX]).count() == 2


def test_loading_twice_changes_nothing():
    charger()
    avant = etat()

    charger()

    assert etat() == avant


@override_settings(SANDBOX=False)
def test_refuses_outside_the_sandbox():
    with pytest.raises(CommandError, match="SANDBOX"):
        charger()

    assert not DemandeurEmploi.objects.exists()
    assert not Application.objects.exists()


def test_sandbox_client_answers_the_documented_persona(http):
    charger()
    client = CLIENTS_SANDBOX[1]  # unemployment insurance only
    token = http.post(
        TOKEN_URL,
        {
            "grant_type": "client_credentials",
            "client_id": client.client_id,
            "client_secret": client.client_secret,
            "scope": "api_indemnisationsv1",
        },
    ).json()["access_token"]

    response = http.post(
        DATA_URL,
        {"identifiant": "luc.are.rsa", "recipient": SANDBOX_DESTINATAIRE},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )

    assert response.json() == {"beneficiaireAssuranceChomage": True}


def test_printed_links_follow_the_public_address(settings):
    settings.URL_PUBLIQUE = "http://127.0.0.1:8123"

    assert "http://127.0.0.1:8123/habilitations/" in charger()
