"""RFC 7662 introspection and RFC 7009 revocation: the caller authenticates as a client and deals with
its own tokens only."""

import base64
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.oauth import outils
from tests.oauth.outils import INDEMNISATION_URL, assert_oauth_error, bearer

INTROSPECT_URL = "/connexion/oauth2/introspect"
REVOKE_URL = "/connexion/oauth2/token/revoke"


@pytest.fixture
def jeton(http, client_individu, jean) -> str:
    return outils.jetons(http, client_individu, jean)["access_token"]


def basic(client: outils.ClientCree) -> dict[str, str]:
    identifiants = f"{client.application.client_id}:{client.client_secret}"
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(identifiants.encode()).decode()}


def introspecter(http, client: outils.ClientCree, token: str) -> dict:
    response = http.post(INTROSPECT_URL, {"token": token}, **basic(client))
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    return response.json()


class TestIntrospection:
    def test_live_token_is_active_with_its_scope_client_expiry_and_subject(self, http, client_individu, jean, jeton):
        reponse = introspecter(http, client_individu, jeton)

        assert reponse["active"] is True
        assert reponse["client_id"] == client_individu.application.client_id
        assert reponse["scope"].split() == outils.SCOPES.split()
        assert reponse["token_type"] == "Bearer"
        assert reponse["exp"] > reponse["iat"]
        assert reponse["sub"] == str(jean.demandeur.pseudonyme)
        assert "username" not in reponse

    def test_client_secret_post_is_accepted(self, http, client_individu, jeton):
        response = http.post(
            INTROSPECT_URL,
            {
                "token": jeton,
                "client_id": client_individu.application.client_id,
                "client_secret": client_individu.client_secret,
            },
        )

        assert response.json()["active"] is True

    @pytest.mark.parametrize("entetes", [{}, {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"x:y").decode()}])
    def test_caller_must_authenticate_as_a_client(self, http, jeton, entetes):
        response = http.post(INTROSPECT_URL, {"token": jeton}, **entetes)

        assert_oauth_error(response, "invalid_client", status=401)
        assert "active" not in response.json()

    def test_a_bearer_token_does_not_authenticate_the_caller(self, http, jeton):
        response = http.post(INTROSPECT_URL, {"token": jeton}, **bearer(jeton))

        assert_oauth_error(response, "invalid_client", status=401)

    def test_unknown_token_is_inactive(self, http, client_individu):
        assert introspecter(http, client_individu, "inconnu") == {"active": False}

    def test_expired_token_is_inactive(self, http, client_individu, jeton):
        with time_machine.travel(timezone.now() + timedelta(minutes=11)):
            assert introspecter(http, client_individu, jeton) == {"active": False}

    def test_revoked_token_is_inactive(self, http, client_individu, jeton):
        http.post(REVOKE_URL, {"token": jeton}, **basic(client_individu))

        assert introspecter(http, client_individu, jeton) == {"active": False}

    def test_another_clients_token_is_inactive(self, http, jeton):
        autre = outils.client_individu(nom="Autre mairie")

        assert introspecter(http, autre, jeton) == {"active": False}

    def test_get_is_not_accepted(self, http, client_individu, jeton):
        response = http.get(INTROSPECT_URL, {"token": jeton}, **basic(client_individu))

        assert response.status_code == 405


class TestRevocation:
    def test_owner_revokes_its_token_which_then_gets_401(self, http, client_individu, jeton):
        assert http.get(INDEMNISATION_URL, **bearer(jeton)).status_code == 200

        response = http.post(REVOKE_URL, {"token": jeton}, **basic(client_individu))

        assert response.status_code == 200
        assert http.get(INDEMNISATION_URL, **bearer(jeton)).status_code == 401

    def test_another_client_cannot_revoke_it(self, http, jeton):
        autre = outils.client_individu(nom="Autre mairie")

        response = http.post(REVOKE_URL, {"token": jeton}, **basic(autre))

        assert response.status_code == 200  # RFC 7009 §2.2: nothing tells whether the token exists
        assert http.get(INDEMNISATION_URL, **bearer(jeton)).status_code == 200

    def test_unknown_token_is_200(self, http, client_individu):
        assert http.post(REVOKE_URL, {"token": "inconnu"}, **basic(client_individu)).status_code == 200

    def test_caller_must_authenticate(self, http, client_individu, jeton):
        response = http.post(REVOKE_URL, {"token": jeton, "client_id": client_individu.application.client_id})

        assert_oauth_error(response, "invalid_client", status=401)
        assert http.get(INDEMNISATION_URL, **bearer(jeton)).status_code == 200

    def test_realm_may_be_sent_as_on_the_token_endpoint(self, http, client_individu, jeton):
        response = http.post(f"{REVOKE_URL}?realm=/individu", {"token": jeton}, **basic(client_individu))

        assert response.status_code == 200
        assert http.get(INDEMNISATION_URL, **bearer(jeton)).status_code == 401

    def test_revoking_the_refresh_token_kills_the_access_token_too(self, http, jean):
        client = outils.client_individu(refresh_autorise=True)
        reponse = outils.jetons(http, client, jean)

        http.post(REVOKE_URL, {"token": reponse["refresh_token"]}, **basic(client))

        assert http.get(INDEMNISATION_URL, **bearer(reponse["access_token"])).status_code == 401
