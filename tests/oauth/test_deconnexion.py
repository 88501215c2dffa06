"""`GET /compte/deconnexion?id_token_hint=…&redirect_uri=…`: logs the job seeker out and redirects only
to a URI registered for the client."""

import base64
import json

import pytest

from indemnites.oauth.models import AccessToken
from tests.oauth import outils
from tests.oauth.outils import LOGOUT_URI

LOGOUT_URL = "/compte/deconnexion"


@pytest.fixture
def reponse(http, client_individu, jean) -> dict:
    return outils.jetons(http, client_individu, jean)


def connecte(http) -> bool:
    return "_auth_user_id" in http.session


def assert_erreur_sans_redirection(response) -> None:
    assert response.status_code == 400
    assert not response.has_header("Location")
    assert response.templates[0].name == "oauth/erreur.html"


def sans_signature(id_token: str) -> str:
    """The same claims, `alg: none` and no signature."""
    _, charge, _ = id_token.split(".")
    entete = base64.urlsafe_b64encode(json.dumps({"alg": "none", "typ": "JWT"}).encode()).rstrip(b"=").decode()
    return f"{entete}.{charge}."


def test_logs_out_and_redirects_to_the_registered_uri(http, reponse):
    assert connecte(http)

    response = http.get(LOGOUT_URL, {"id_token_hint": reponse["id_token"], "redirect_uri": LOGOUT_URI})

    assert response.status_code == 302
    assert response["Location"] == LOGOUT_URI
    assert not connecte(http)


def test_state_is_given_back(http, reponse):
    response = http.get(
        LOGOUT_URL, {"id_token_hint": reponse["id_token"], "redirect_uri": LOGOUT_URI, "state": "au-revoir-42"}
    )

    assert response["Location"] == f"{LOGOUT_URI}?state=au-revoir-42"


def test_standard_parameter_name_works_too(http, reponse):
    response = http.get(LOGOUT_URL, {"id_token_hint": reponse["id_token"], "post_logout_redirect_uri": LOGOUT_URI})

    assert response["Location"] == LOGOUT_URI


def test_tokens_given_by_the_person_are_revoked(http, reponse):
    http.get(LOGOUT_URL, {"id_token_hint": reponse["id_token"], "redirect_uri": LOGOUT_URI})

    assert not AccessToken.objects.exists()
    assert http.get(outils.INDEMNISATION_URL, **outils.bearer(reponse["access_token"])).status_code == 401


@pytest.mark.parametrize(
    "uri",
    ["https://attaquant.exemple/", LOGOUT_URI + "/autre", outils.REDIRECT_URI],
    ids=["autre", "allonge", "login"],
)
def test_unregistered_uri_is_an_error_page_without_redirection(http, reponse, uri):
    response = http.get(LOGOUT_URL, {"id_token_hint": reponse["id_token"], "redirect_uri": uri})

    assert_erreur_sans_redirection(response)
    assert connecte(http)


def test_redirect_uri_without_a_client_is_refused(http, jean):
    http.force_login(jean.utilisateur)

    response = http.get(LOGOUT_URL, {"redirect_uri": LOGOUT_URI})

    assert_erreur_sans_redirection(response)


def test_tampered_id_token_hint_is_refused(http, reponse):
    entete, charge, signature = reponse["id_token"].split(".")
    falsifie = f"{entete}.{charge}.{signature[:-4]}AAAA"

    response = http.get(LOGOUT_URL, {"id_token_hint": falsifie, "redirect_uri": LOGOUT_URI})

    assert_erreur_sans_redirection(response)
    assert connecte(http)


def test_unsigned_alg_none_id_token_hint_is_refused(http, reponse):
    response = http.get(LOGOUT_URL, {"id_token_hint": sans_signature(reponse["id_token"]), "redirect_uri": LOGOUT_URI})

    assert_erreur_sans_redirection(response)
    assert connecte(http)


def test_without_a_hint_the_job_seeker_confirms_on_a_page(http, jean):
    http.force_login(jean.utilisateur)

    page = http.get(LOGOUT_URL)
    response = http.post(LOGOUT_URL, {"allow": "on"})

    assert page.status_code == 200
    assert page.templates[0].name == "oauth/deconnexion.html"
    assert response.status_code == 302
    assert not connecte(http)


def test_job_seeker_may_stay_logged_in(http, jean):
    http.force_login(jean.utilisateur)

    response = http.post(LOGOUT_URL, {})

    assert connecte(http)
    assert response.status_code == 302
    assert response["Location"] == "/compte/autorisations"


def _b64(donnees: bytes) -> str:
    return base64.urlsafe_b64encode(donnees).rstrip(b"=").decode()


def _jwt(entete: dict, charge: bytes, signature: str = "c2lnbmF0dXJl") -> str:
    return f"{_b64(json.dumps(entete).encode())}.{_b64(charge)}.{signature}"


def _etranger(id_token: str) -> str:
    """The same token, its issuer changed (the signature no longer matches either)."""
    entete, charge, signature = id_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(charge + "=" * (-len(charge) % 4)))
    claims["iss"] = "https://fournisseur-etranger.exemple"
    return f"{entete}.{_b64(json.dumps(claims).encode())}.{signature}"


MALFORMES = {
    "base64-invalide": lambda _jeton: "@@@.%%%.***",
    "charge-non-json": lambda _jeton: _jwt({"alg": "RS256", "typ": "JWT"}, b"pas du json"),
    "charge-liste": lambda _jeton: _jwt({"alg": "RS256", "typ": "JWT"}, b"[1, 2]"),
    "entete-non-json": lambda _jeton: f"{_b64(b'{')}.{_b64(b'{}')}.c2ln",
    "mauvais-alg": lambda _jeton: _jwt({"alg": "HS256", "typ": "JWT"}, json.dumps({"sub": "x"}).encode()),
    "un-seul-segment": lambda _jeton: "abc",
    "emetteur-etranger": _etranger,
    "vide": lambda _jeton: "",
    "utf8-invalide": lambda _jeton: _jwt({"alg": "RS256", "typ": "JWT"}, bytes([0xFF, 0xFE])),
}


@pytest.mark.parametrize("fabriquer", MALFORMES.values(), ids=MALFORMES.keys())
def test_a_malformed_id_token_hint_is_a_400_page_and_tokens_stay(http, reponse, fabriquer):
    hint = fabriquer(reponse["id_token"])

    response = http.get(LOGOUT_URL, {"id_token_hint": hint, "redirect_uri": LOGOUT_URI})

    if hint == "":  # no hint: the confirmation page, as without one
        assert response.status_code in (200, 400)
    else:
        assert_erreur_sans_redirection(response)
    assert AccessToken.objects.filter(token_checksum__isnull=False).count() == 1
    jeton = AccessToken.objects.get()
    assert not jeton.is_expired()
    assert connecte(http)


def test_an_id_token_hint_that_is_not_utf8_in_the_url_is_a_400_page(http, reponse):
    response = http.get(f"{LOGOUT_URL}?id_token_hint=%ED%A0%80.%FF.x&redirect_uri={LOGOUT_URI}")

    assert_erreur_sans_redirection(response)
    assert not AccessToken.objects.get().is_expired()
