"""`POST /connexion/oauth2/access_token?realm=/individu`: a code for tokens, under every rule of the
contract (PKCE, single use, 60 seconds, bound to its client and redirect URI)."""

import base64
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from indemnites.oauth.models import AccessToken, Application, RefreshToken
from indemnites.oauth.pkce import pkce_requis
from tests.oauth import outils
from tests.oauth.outils import (
    INDEMNISATION_URL,
    REDIRECT_URI,
    TOKEN_URL,
    assert_oauth_error,
    bearer,
    code_obtenir,
    echanger,
    pkce,
)


@pytest.fixture
def verifier_code(http, client_individu, jean) -> tuple[str, str]:
    verifier, challenge = pkce()
    return verifier, code_obtenir(http, client_individu, jean, challenge)


def donnees_lisibles(http, token: str) -> bool:
    return http.get(INDEMNISATION_URL, **bearer(token)).status_code == 200


def test_code_and_verifier_give_the_contract_answer(http, client_individu, verifier_code):
    verifier, code = verifier_code

    response = echanger(http, client_individu, code, verifier)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert {"access_token", "token_type", "expires_in", "scope", "id_token"} <= set(body)
    assert body["token_type"] == "Bearer"
    assert body["scope"].split() == outils.SCOPES.split()
    assert body["nonce"] == "nonce-42"
    assert "refresh_token" not in body


def test_user_access_token_lives_10_minutes_at_most(http, client_individu, verifier_code):
    avant = timezone.now()

    body = echanger(http, client_individu, *reversed(verifier_code)).json()

    assert 0 < body["expires_in"] <= 600
    assert AccessToken.objects.get().expires <= avant + timedelta(minutes=10, seconds=5)


def test_client_secret_basic_is_accepted(http, client_individu, verifier_code):
    verifier, code = verifier_code
    identifiants = f"{client_individu.application.client_id}:{client_individu.client_secret}"

    response = http.post(
        TOKEN_URL,
        {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "code_verifier": verifier},
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(identifiants.encode()).decode(),
    )

    assert response.status_code == 200, response.content


def test_wrong_client_secret_is_invalid_client(http, client_individu, verifier_code):
    verifier, code = verifier_code

    response = echanger(http, client_individu, code, verifier, client_secret="faux")

    assert_oauth_error(response, "invalid_client", status=401)


def test_missing_verifier_is_refused(http, client_individu, verifier_code):
    _, code = verifier_code

    response = echanger(http, client_individu, code, None)

    assert_oauth_error(response, "invalid_request")
    assert not AccessToken.objects.exists()


def test_wrong_verifier_is_invalid_grant(http, client_individu, verifier_code):
    _, code = verifier_code

    response = echanger(http, client_individu, code, pkce()[0])

    assert_oauth_error(response, "invalid_grant")
    assert not AccessToken.objects.exists()


def test_reused_code_is_invalid_grant_and_revokes_the_first_tokens(http, client_individu, verifier_code):
    verifier, code = verifier_code
    premier = echanger(http, client_individu, code, verifier).json()["access_token"]
    assert donnees_lisibles(http, premier)

    response = echanger(http, client_individu, code, verifier)

    assert_oauth_error(response, "invalid_grant")
    assert not donnees_lisibles(http, premier)
    assert not AccessToken.objects.exists()


def test_reused_code_also_revokes_the_refresh_tokens_it_produced(http, jean):
    client = outils.client_individu(refresh_autorise=True)
    verifier, challenge = pkce()
    code = code_obtenir(http, client, jean, challenge)
    premier = echanger(http, client, code, verifier).json()
    rafraichi = http.post(
        TOKEN_URL,
        {
            "grant_type": "refresh_token",
            "refresh_token": premier["refresh_token"],
            "client_id": client.application.client_id,
            "client_secret": client.client_secret,
        },
    ).json()
    assert donnees_lisibles(http, rafraichi["access_token"])

    assert_oauth_error(echanger(http, client, code, verifier), "invalid_grant")

    assert not donnees_lisibles(http, rafraichi["access_token"])
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()


def test_code_of_another_client_is_invalid_grant(http, client_individu, verifier_code):
    verifier, code = verifier_code
    autre = outils.client_individu(nom="Autre mairie")

    response = echanger(http, autre, code, verifier)

    assert_oauth_error(response, "invalid_grant")
    assert not AccessToken.objects.exists()


def test_code_is_bound_to_its_redirect_uri(http, client_individu, jean):
    client = outils.client_individu(nom="Deux adresses")
    client.application.redirect_uris = f"{REDIRECT_URI} https://demarche.exemple.fr/autre"
    client.application.save()
    verifier, challenge = pkce()
    code = code_obtenir(http, client, jean, challenge)

    response = echanger(http, client, code, verifier, redirect_uri="https://demarche.exemple.fr/autre")

    assert response.status_code == 400
    assert "access_token" not in response.json()


def test_expired_code_is_invalid_grant(http, client_individu, verifier_code):
    verifier, code = verifier_code

    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        response = echanger(http, client_individu, code, verifier)

    assert_oauth_error(response, "invalid_grant")


def test_code_is_valid_60_seconds(http, client_individu, verifier_code):
    verifier, code = verifier_code

    with time_machine.travel(timezone.now() + timedelta(seconds=55)):
        response = echanger(http, client_individu, code, verifier)

    assert response.status_code == 200


@pytest.mark.parametrize("url", [TOKEN_URL.replace("/individu", "/partenaire"), TOKEN_URL.split("?")[0]])
def test_wrong_or_missing_realm_is_refused(http, client_individu, verifier_code, url):
    verifier, code = verifier_code

    response = echanger(http, client_individu, code, verifier, url=url)

    assert_oauth_error(response, "invalid_request")


@pytest.mark.parametrize("realm", ["/individu", "/partenaire"])
def test_password_grant_is_refused(http, client_individu, jean, realm):
    response = http.post(
        f"/connexion/oauth2/access_token?realm={realm}",
        {
            "grant_type": "password",
            "username": "jean.are",
            "password": outils.MOT_DE_PASSE,
            "client_id": client_individu.application.client_id,
            "client_secret": client_individu.client_secret,
        },
    )

    assert response.status_code == 400
    assert "access_token" not in response.json()
    assert not AccessToken.objects.exists()


def test_client_credentials_is_refused_to_a_connected_mode_client(http, client_individu):
    response = http.post(
        "/connexion/oauth2/access_token?realm=/partenaire",
        {
            "grant_type": "client_credentials",
            "client_id": client_individu.application.client_id,
            "client_secret": client_individu.client_secret,
        },
    )

    assert response.status_code in (400, 401)
    assert "access_token" not in response.json()


def test_refresh_token_only_for_clients_allowed_one(http, jean):
    client = outils.client_individu(refresh_autorise=True)

    body = outils.jetons(http, client, jean)

    assert body["refresh_token"]


def test_refresh_token_gives_a_new_access_token_then_dies(http, jean):
    client = outils.client_individu(refresh_autorise=True)
    body = outils.jetons(http, client, jean)
    demande = {
        "grant_type": "refresh_token",
        "refresh_token": body["refresh_token"],
        "client_id": client.application.client_id,
        "client_secret": client.client_secret,
    }

    rafraichi = http.post(TOKEN_URL, demande)

    assert rafraichi.status_code == 200
    assert donnees_lisibles(http, rafraichi.json()["access_token"])
    assert not donnees_lisibles(http, body["access_token"])


def test_replayed_refresh_token_is_refused_and_revokes_its_family(http, jean):
    client = outils.client_individu(refresh_autorise=True)
    body = outils.jetons(http, client, jean)
    demande = {
        "grant_type": "refresh_token",
        "refresh_token": body["refresh_token"],
        "client_id": client.application.client_id,
        "client_secret": client.client_secret,
    }
    rafraichi = http.post(TOKEN_URL, demande).json()

    rejoue = http.post(TOKEN_URL, demande)

    assert_oauth_error(rejoue, "invalid_grant")
    assert not donnees_lisibles(http, rafraichi["access_token"])


class TestClientPeConnectHistorique:
    """A confidential client may skip PKCE only through its recorded "legacy PE Connect client" flag."""

    @pytest.fixture
    def historique(self):
        return outils.client_individu(nom="Client historique", pkce_exempte=True)

    def test_exchanges_a_code_obtained_without_pkce(self, http, historique, jean):
        code = code_obtenir(http, historique, jean, None)

        response = echanger(http, historique, code, None)

        assert response.status_code == 200, response.content

    def test_verifier_without_challenge_is_refused(self, http, historique, jean):
        code = code_obtenir(http, historique, jean, None)

        response = echanger(http, historique, code, pkce()[0])

        assert_oauth_error(response, "invalid_grant")
        assert not AccessToken.objects.exists()

    def test_pkce_is_still_checked_when_it_sends_a_challenge(self, http, historique, jean):
        _, challenge = pkce()
        code = code_obtenir(http, historique, jean, challenge)

        response = echanger(http, historique, code, pkce()[0])

        assert_oauth_error(response, "invalid_grant")

    def test_flag_is_ignored_on_a_public_client(self, historique):
        Application.objects.filter(pk=historique.application.pk).update(client_type=Application.CLIENT_PUBLIC)

        assert pkce_requis(historique.application.client_id)

    def test_other_clients_need_pkce(self, client_individu, historique):
        assert pkce_requis(client_individu.application.client_id)
        assert not pkce_requis(historique.application.client_id)


def test_refresh_grant_is_refused_once_the_client_is_no_longer_allowed_one(http, jean):
    client = outils.client_individu(refresh_autorise=True)
    body = outils.jetons(http, client, jean)
    Application.objects.filter(pk=client.application.pk).update(refresh_autorise=False)

    response = http.post(
        TOKEN_URL,
        {
            "grant_type": "refresh_token",
            "refresh_token": body["refresh_token"],
            "client_id": client.application.client_id,
            "client_secret": client.client_secret,
        },
    )

    assert_oauth_error(response, "unauthorized_client")
