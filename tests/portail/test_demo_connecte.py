"""The sandbox's demo relying party, without a browser: its departure and the checks of its return (the whole
flow runs in chromium in test_parcours_navigateur.py)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from indemnites.oauth.models import Application
from indemnites.oauth.services import client_partenaire_creer, client_sandbox_retour_ajouter

pytestmark = pytest.mark.django_db
DEPART = "/bac-a-sable/mode-connecte/"
RETOUR = "/bac-a-sable/mode-connecte/retour"


@pytest.fixture
def http_redirect(settings):
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"]}


def test_the_departure_sends_pkce_state_and_nonce_and_registers_the_portals_return(http_redirect):
    http = Client()
    response = http.post(DEPART)

    assert response.status_code == 302
    url = urlsplit(response["Location"])
    parametres = {cle: valeurs[0] for cle, valeurs in parse_qs(url.query).items()}
    assert url.path == "/connexion/oauth2/authorize"
    assert parametres["client_id"] == "sandbox-mode-connecte"
    assert parametres["code_challenge_method"] == "S256"
    assert parametres["redirect_uri"] == "http://testserver" + RETOUR
    for cle in ("state", "nonce", "code_challenge"):
        assert len(parametres[cle]) >= 32
    garde = http.session["demo_mode_connecte"]
    assert garde["state"] == parametres["state"]
    assert garde["code_verifier"] not in response["Location"]  # the verifier never leaves the server
    assert "http://testserver" + RETOUR in Application.objects.get(client_id="sandbox-mode-connecte").redirect_uris


def test_a_return_without_the_departures_state_exchanges_nothing(http_redirect):
    http = Client()
    http.post(DEPART)

    html = http.get(RETOUR, {"state": "forge", "code": "x"}).content.decode()

    assert "Le paramètre state ne correspond à aucun départ" in html
    assert "demo_mode_connecte" not in http.session  # one attempt per departure


def test_a_refused_consent_is_told(http_redirect):
    http = Client()
    state = parse_qs(urlsplit(http.post(DEPART)["Location"]).query)["state"][0]

    html = http.get(RETOUR, {"state": state, "error": "access_denied"}).content.decode()

    assert "Le service d&#x27;authentification a répondu : access_denied." in html


def test_without_the_sandbox_there_is_no_demo(settings):
    settings.SANDBOX = False

    assert Client().post(DEPART).status_code == 404
    assert Client().get(RETOUR).status_code == 404


def test_only_sandbox_clients_get_a_demo_redirect_uri():
    client = client_partenaire_creer(
        nom="Mairie", champs=["beneficiaireAssuranceChomage"], destinataires=["13002526500013"]
    )

    with pytest.raises(ValueError, match="bac à sable"):
        client_sandbox_retour_ajouter(client_id=client.application.client_id, redirect_uri="https://x.fr/retour")
