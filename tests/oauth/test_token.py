"""`POST /connexion/oauth2/access_token?realm=/partenaire`: client-credentials tokens of 25 minutes at most."""

import base64
import hashlib
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.utils import timezone

from indemnites.oauth.models import AccessToken, Application
from tests.conftest import DATA_URL, TOKEN_URL

SCOPE = "api_indemnisationsv1"


@pytest.fixture
def client_cree(partenaire):
    return partenaire()


def demander(http, client_cree, url: str = TOKEN_URL, **champs: str):
    data = {
        "grant_type": "client_credentials",
        "client_id": client_cree.application.client_id,
        "client_secret": client_cree.client_secret,
        "scope": SCOPE,
        **champs,
    }
    return http.post(url, {key: value for key, value in data.items() if value is not None})


def assert_oauth_error(response, status: int, error: str) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"] == error


def test_client_credentials_token_carries_the_scope(http, client_cree):
    response = demander(http, client_cree)

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["scope"] == SCOPE
    assert body["access_token"]
    assert response["Cache-Control"] == "no-store"


def test_token_lives_25_minutes_at_most(http, client_cree):
    avant = timezone.now()

    body = demander(http, client_cree).json()

    assert 0 < body["expires_in"] <= 25 * 60
    stored = AccessToken.objects.get()
    assert stored.expires <= avant + timedelta(minutes=25, seconds=5)
    assert stored.expires >= avant + timedelta(seconds=body["expires_in"] - 5)


def test_secret_in_basic_auth_is_accepted(http, client_cree):
    credentials = f"{client_cree.application.client_id}:{client_cree.client_secret}"
    response = http.post(
        TOKEN_URL,
        {"grant_type": "client_credentials", "scope": SCOPE},
        HTTP_AUTHORIZATION=f"Basic {base64.b64encode(credentials.encode()).decode()}",
    )

    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    "url",
    [
        "/connexion/oauth2/access_token",
        "/connexion/oauth2/access_token?realm=",
        "/connexion/oauth2/access_token?realm=/autre",
        "/connexion/oauth2/access_token?realm=partenaire",
    ],
)
def test_missing_or_unknown_realm_is_an_rfc6749_error(http, client_cree, url):
    response = demander(http, client_cree, url=url)

    assert_oauth_error(response, 400, "invalid_request")
    assert "realm" in response.json()["error_description"]
    assert not AccessToken.objects.exists()


def test_individual_realm_refuses_client_credentials(http, client_cree):
    response = demander(http, client_cree, url="/connexion/oauth2/access_token?realm=/individu")

    assert_oauth_error(response, 400, "invalid_request")
    assert not AccessToken.objects.exists()


def test_wrong_secret_is_invalid_client(http, client_cree):
    response = demander(http, client_cree, client_secret="pas-le-bon-secret")

    assert_oauth_error(response, 401, "invalid_client")
    assert not AccessToken.objects.exists()


def test_disabled_client_is_invalid_client(http, client_cree):
    Application.objects.update(actif=False)

    assert_oauth_error(demander(http, client_cree), 401, "invalid_client")
    assert not AccessToken.objects.exists()


def test_scope_not_granted_is_invalid_scope(http, client_cree):
    response = demander(http, client_cree, scope=f"{SCOPE} openid")

    assert_oauth_error(response, 400, "invalid_scope")
    assert not AccessToken.objects.exists()


def test_no_scope_requested_grants_no_scope(http, client_cree):
    response = demander(http, client_cree, scope=None)

    assert response.status_code == 200
    assert response.json()["scope"] == ""
    assert AccessToken.objects.get().scope == ""
    assert settings.OAUTH2_PROVIDER["DEFAULT_SCOPES"] == []


def test_token_without_scope_does_not_open_the_data_route(http, client_cree):
    token = demander(http, client_cree, scope=None).json()["access_token"]

    response = http.post(DATA_URL, data="{}", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"


def test_other_grant_types_are_refused_on_the_partner_realm(http, client_cree):
    response = demander(http, client_cree, grant_type="password", username="x", password="y")

    assert_oauth_error(response, 400, "invalid_request")


def test_client_secret_is_stored_hashed_with_the_fast_hasher(client_cree):
    stored = Application.objects.get().client_secret

    assert stored.startswith("client_secret_sha256$")
    assert client_cree.client_secret not in stored
    assert check_password(client_cree.client_secret, stored)
    assert not check_password("autre-secret", stored)


def test_token_is_stored_only_as_its_checksum(http, client_cree):
    token = demander(http, client_cree).json()["access_token"]

    stored = AccessToken.objects.get()
    assert stored.token == ""
    assert stored.token_checksum == hashlib.sha256(token.encode()).hexdigest()
    assert not AccessToken.objects.filter(token__contains=token).exists()
