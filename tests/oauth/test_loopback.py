"""The loopback redirect rule, exactly as it behaves (docs/connexion-demandeur.md): RFC 8252 §7.3 (any
port on a registered `http://127.0.0.1` or `http://[::1]` redirect URI) applies only where the settings
allow `http` redirects, i.e. in development; `localhost` and `https` keep their registered port; in
production (`https` only) an `http` loopback URI can be neither registered nor used."""

import pytest
from django.core.exceptions import ValidationError
from oauth2_provider.settings import oauth2_settings

from tests.oauth import outils
from tests.oauth.outils import authorize_url, pkce

ENREGISTREES = [
    "http://127.0.0.1:8765/callback",
    "http://[::1]:8765/callback",
    "http://localhost:8765/callback",
    "https://127.0.0.1:8765/callback",
]


@pytest.fixture
def developpement(monkeypatch):
    monkeypatch.setattr(oauth2_settings, "ALLOWED_REDIRECT_URI_SCHEMES", ["https", "http"])


@pytest.fixture
def client_local(developpement):
    return outils.client_individu(client_id="client-local", redirect_uris=ENREGISTREES)


def demander(http, client, redirect_uri: str):
    return http.get(authorize_url(client, pkce()[1], redirect_uri=redirect_uri))


@pytest.mark.parametrize(
    "redirect_uri",
    ["http://127.0.0.1:8765/callback", "http://127.0.0.1:51234/callback", "http://[::1]:40000/callback"],
)
def test_in_development_an_http_loopback_ip_takes_any_port(http, client_local, jean, redirect_uri):
    http.force_login(jean.utilisateur)

    assert demander(http, client_local, redirect_uri).status_code == 200


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "http://localhost:51234/callback",  # localhost is no loopback IP: its port is compared
        "https://127.0.0.1:51234/callback",  # https keeps its registered port
        "http://127.0.0.1:51234/autre",  # the path is still compared exactly
        "http://127.0.0.1:51234/callback?x=1",
    ],
)
def test_in_development_the_rest_of_the_uri_is_still_exact(http, client_local, jean, redirect_uri):
    http.force_login(jean.utilisateur)

    response = demander(http, client_local, redirect_uri)

    assert response.status_code == 400
    assert not response.has_header("Location")


def test_in_production_an_http_loopback_uri_cannot_be_registered():
    with pytest.raises(ValidationError):
        outils.client_individu(redirect_uris=["http://127.0.0.1:8765/callback"])


def test_in_production_an_http_loopback_uri_registered_earlier_is_refused(http, client_local, jean, monkeypatch):
    monkeypatch.setattr(oauth2_settings, "ALLOWED_REDIRECT_URI_SCHEMES", ["https"])
    http.force_login(jean.utilisateur)

    response = demander(http, client_local, "http://127.0.0.1:51234/callback")

    assert response.status_code == 400
    assert not response.has_header("Location")
