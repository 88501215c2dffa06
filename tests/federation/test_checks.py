"""`manage.py check --deploy` catches a production where nobody can sign in or a provider is half set up."""

import pytest

from indemnites.federation.checks import federation_verifier

FC = "https://franceconnect.example/api/v2/.well-known/openid-configuration"


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.DEMANDEUR_MOTS_DE_PASSE_LOCAUX = False
    settings.FRANCECONNECT_DISCOVERY_URL, settings.FRANCECONNECT_CLIENT_ID = FC, "api"
    settings.FRANCECONNECT_CLIENT_SECRET = "secret"
    settings.HABILITATIONS_IDENTITE = "mot_de_passe"
    return settings


def codes(settings) -> list[str]:
    return [alerte.id for alerte in federation_verifier()]


def test_a_complete_configuration_passes(production):
    assert codes(production) == []


def test_no_way_for_job_seekers_to_sign_in(production):
    production.FRANCECONNECT_DISCOVERY_URL = ""
    assert codes(production) == ["federation.W001"]
    production.DEMANDEUR_MOTS_DE_PASSE_LOCAUX = True  # the operator's explicit choice
    assert codes(production) == []


def test_a_half_configured_or_plain_http_provider(production):
    production.HABILITATIONS_IDENTITE = "proconnect"
    assert codes(production) == ["federation.W002"]
    production.FRANCECONNECT_DISCOVERY_URL = "http://franceconnect.example/.well-known/openid-configuration"
    assert "federation.W003" in codes(production)
