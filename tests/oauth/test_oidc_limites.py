"""OpenID Connect edge cases at the authorization endpoint: `prompt=none`, `prompt=login`, `max_age`,
`iss` on every redirection (RFC 9207), the consent POST checked as the GET was, and no caching of the
pages that show personal data or carry a form."""

import base64
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from indemnites.oauth.models import Consentement, Grant
from tests.oauth import outils
from tests.oauth.outils import REDIRECT_URI, authorize_url, consentir, echanger, pkce, query

ISSUER = "http://testserver"


@pytest.fixture
def defi() -> tuple[str, str]:
    return pkce()


def redirige(response, **attendu: str) -> dict[str, str]:
    assert response.status_code == 302, response.content
    assert response["Location"].startswith(REDIRECT_URI + "?"), response["Location"]
    parametres = query(response["Location"])
    assert parametres["iss"] == ISSUER
    for cle, valeur in attendu.items():
        assert parametres[cle] == valeur, parametres
    return parametres


# --- prompt=none ------------------------------------------------------------------------------------


def test_prompt_none_nobody_logged_in_is_login_required(http, client_individu, defi):
    response = http.get(authorize_url(client_individu, defi[1], prompt="none"))

    redirige(response, error="login_required", state="etat-42")


def test_prompt_none_without_consent_is_consent_required(http, client_individu, jean, defi):
    http.force_login(jean.utilisateur)

    response = http.get(authorize_url(client_individu, defi[1], prompt="none"))

    redirige(response, error="consent_required", state="etat-42")


def test_prompt_none_after_consent_gives_a_code_that_works(http, client_individu, jean, defi):
    outils.code_obtenir(http, client_individu, jean, pkce()[1])
    decisions = Consentement.objects.count()
    verifier, challenge = defi

    response = http.get(authorize_url(client_individu, challenge, prompt="none"))

    code = redirige(response, state="etat-42")["code"]
    assert Consentement.objects.count() == decisions  # no new decision: the earlier one covers it
    assert echanger(http, client_individu, code, verifier).status_code == 200


def test_prompt_none_asking_more_than_consented_is_consent_required(http, client_individu, jean, defi):
    outils.code_obtenir(http, client_individu, jean, pkce()[1], scope="openid api_peconnect-individuv1")

    response = http.get(authorize_url(client_individu, defi[1], prompt="none"))

    redirige(response, error="consent_required")


def test_prompt_none_after_withdrawal_is_consent_required(http, client_individu, jean, defi):
    outils.code_obtenir(http, client_individu, jean, pkce()[1])
    http.post(f"/compte/autorisations/{client_individu.application.client_id}/retirer")

    response = http.get(authorize_url(client_individu, defi[1], prompt="none"))

    redirige(response, error="consent_required")


def test_prompt_none_with_another_value_is_invalid_request(http, client_individu, jean, defi):
    http.force_login(jean.utilisateur)

    response = http.get(authorize_url(client_individu, defi[1], prompt="none login"))

    redirige(response, error="invalid_request")


# --- prompt=login and max_age -------------------------------------------------------------------------


def test_prompt_login_ends_the_session_and_asks_for_a_fresh_login(http, client_individu, jean, defi):
    http.force_login(jean.utilisateur)

    response = http.get(authorize_url(client_individu, defi[1], prompt="login"))

    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion?next=")
    assert "prompt" not in response["Location"]
    assert "_auth_user_id" not in http.session


def test_max_age_exceeded_asks_for_a_fresh_login(http, client_individu, jean, defi):
    http.force_login(jean.utilisateur)
    type(jean.utilisateur).objects.filter(pk=jean.utilisateur.pk).update(
        last_login=timezone.now() - timedelta(minutes=10)
    )

    response = http.get(authorize_url(client_individu, defi[1], max_age="60"))

    assert response["Location"].startswith("/compte/connexion?next=")
    assert "max_age" not in response["Location"]
    assert "_auth_user_id" not in http.session


def test_max_age_exceeded_with_prompt_none_is_login_required(http, client_individu, jean, defi):
    outils.code_obtenir(http, client_individu, jean, pkce()[1])
    type(jean.utilisateur).objects.filter(pk=jean.utilisateur.pk).update(
        last_login=timezone.now() - timedelta(minutes=10)
    )

    response = http.get(authorize_url(client_individu, defi[1], prompt="none", max_age="60"))

    redirige(response, error="login_required")


def test_max_age_honoured_puts_auth_time_in_the_id_token(http, client_individu, jean, defi):
    http.force_login(jean.utilisateur)
    connexion = timezone.now()
    type(jean.utilisateur).objects.filter(pk=jean.utilisateur.pk).update(last_login=connexion)
    verifier, challenge = defi

    code = query(consentir(http, authorize_url(client_individu, challenge, max_age="600"))["Location"])["code"]
    id_token = echanger(http, client_individu, code, verifier).json()["id_token"]

    charge = id_token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(charge + "=" * (-len(charge) % 4)))
    assert claims["auth_time"] == int(connexion.timestamp())


@pytest.mark.parametrize("max_age", ["-1", "dix", "1e3", "99999999999"])
def test_a_malformed_max_age_is_invalid_request(http, client_individu, jean, defi, max_age):
    http.force_login(jean.utilisateur)

    response = http.get(authorize_url(client_individu, defi[1], max_age=max_age))

    redirige(response, error="invalid_request")


# --- iss (RFC 9207) -------------------------------------------------------------------------------------


def test_iss_on_a_code(http, client_individu, jean, defi):
    http.force_login(jean.utilisateur)

    redirige(consentir(http, authorize_url(client_individu, defi[1])), state="etat-42")


def test_iss_on_a_refusal(http, client_individu, jean, defi):
    http.force_login(jean.utilisateur)

    redirige(consentir(http, authorize_url(client_individu, defi[1]), autoriser=False), error="access_denied")


@pytest.mark.parametrize(
    "params",
    [
        {"scope": "openid inconnu"},
        {"code_challenge_method": "plain"},
        {"realm": "/partenaire"},
        {"response_type": "token"},
    ],
)
def test_iss_on_every_error_sent_back(http, client_individu, defi, params):
    redirige(http.get(authorize_url(client_individu, defi[1], **params)))


def test_discovery_says_iss_is_sent(http):
    assert http.get("/.well-known/openid-configuration").json()["authorization_response_iss_parameter_supported"]


# --- the consent POST re-checks the request -----------------------------------------------------------


def formulaire(http, jean, url: str) -> dict[str, str]:
    http.force_login(jean.utilisateur)
    page = http.get(url)
    assert page.status_code == 200
    donnees = {nom: valeur for nom, valeur in page.context["form"].initial.items() if valeur is not None}
    return {**donnees, "allow": "Autoriser"}


@pytest.mark.parametrize(
    ("champ", "valeur", "erreur"),
    [
        ("code_challenge_method", "plain", "invalid_request"),
        ("scope", "openid api_indemnisationsv1", "invalid_scope"),
        ("scope", "openid inconnu", "invalid_scope"),
        ("response_type", "token", "unauthorized_client"),
    ],
)
def test_a_tampered_hidden_field_gets_the_error_of_the_get(http, client_individu, jean, defi, champ, valeur, erreur):
    url = authorize_url(client_individu, defi[1])
    donnees = {**formulaire(http, jean, url), champ: valeur}
    au_get = http.get(authorize_url(client_individu, defi[1], **{champ: valeur}))

    response = http.post(url, donnees)

    redirige(response, error=erreur)
    assert query(au_get["Location"])["error"] == erreur
    assert not Grant.objects.exists()


def test_a_removed_challenge_is_refused_at_post_as_at_get(http, client_individu, jean, defi):
    url = authorize_url(client_individu, defi[1])
    donnees = formulaire(http, jean, url)
    del donnees["code_challenge"], donnees["code_challenge_method"]

    response = http.post(url, donnees)

    redirige(response, error="invalid_request")
    assert not Grant.objects.exists()


@pytest.mark.parametrize(
    ("champ", "valeur"), [("redirect_uri", "https://attaquant.exemple/retour"), ("client_id", "inconnu")]
)
def test_a_tampered_client_or_redirect_uri_is_our_error_page(http, client_individu, jean, defi, champ, valeur):
    url = authorize_url(client_individu, defi[1])
    donnees = {**formulaire(http, jean, url), champ: valeur}

    response = http.post(url, donnees)

    assert response.status_code == 400
    assert not response.has_header("Location")
    assert not Grant.objects.exists()


def test_a_tampered_realm_in_the_post_url_is_refused(http, client_individu, jean, defi):
    donnees = formulaire(http, jean, authorize_url(client_individu, defi[1]))

    response = http.post(authorize_url(client_individu, defi[1], realm="/partenaire"), donnees)

    redirige(response, error="invalid_request")


# --- no caching of personal pages -------------------------------------------------------------------


def sans_cache(response) -> None:
    assert "no-store" in response["Cache-Control"], response.get("Cache-Control")


def test_login_consent_and_authorisations_pages_are_not_stored(http, client_individu, jean, defi):
    sans_cache(http.get("/compte/connexion"))
    http.force_login(jean.utilisateur)
    sans_cache(http.get(authorize_url(client_individu, defi[1])))
    sans_cache(http.get("/compte/autorisations"))
    sans_cache(http.get("/compte/consultations"))
