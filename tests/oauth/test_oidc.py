"""OpenID Connect: discovery, JWKS and the id_token are consistent with each other and with the routes
of the PE Connect contract."""

import base64
import json

import pytest
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from tests.oauth import outils


@pytest.fixture
def decouverte(http) -> dict:
    response = http.get("/.well-known/openid-configuration")
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def jwks(http, decouverte) -> KeySet:
    response = http.get(decouverte["jwks_uri"].removeprefix("http://testserver"))
    assert response.status_code == 200
    return KeySet.import_key_set(response.json())


@pytest.fixture
def reponse(http, client_individu, jean) -> dict:
    return outils.jetons(http, client_individu, jean)


def segments(token: str) -> list[dict]:
    return [json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))) for part in token.split(".")[:2]]


def test_discovery_gives_the_routes_of_the_contract(decouverte):
    base = "http://testserver"
    assert decouverte["issuer"] == base
    assert decouverte["authorization_endpoint"] == f"{base}/connexion/oauth2/authorize?realm=/individu"
    assert decouverte["token_endpoint"] == f"{base}/connexion/oauth2/access_token?realm=/individu"
    assert decouverte["userinfo_endpoint"] == f"{base}/partenaire/peconnect-individu/v1/userinfo"
    assert decouverte["end_session_endpoint"] == f"{base}/compte/deconnexion"
    assert decouverte["introspection_endpoint"] == f"{base}/connexion/oauth2/introspect"
    assert decouverte["revocation_endpoint"] == f"{base}/connexion/oauth2/token/revoke"


def test_discovery_announces_only_what_the_server_accepts(decouverte):
    assert decouverte["response_types_supported"] == ["code"]
    assert decouverte["grant_types_supported"] == ["authorization_code", "refresh_token"]
    assert decouverte["code_challenge_methods_supported"] == ["S256"]
    assert decouverte["id_token_signing_alg_values_supported"] == ["RS256"]
    assert set(decouverte["token_endpoint_auth_methods_supported"]) == {"client_secret_post", "client_secret_basic"}
    assert set(outils.SCOPES.split()) <= set(decouverte["scopes_supported"])
    assert decouverte["authorization_response_iss_parameter_supported"] is True
    assert decouverte["claims_supported"] == ["email", "family_name", "gender", "given_name", "sub"]


def test_every_endpoint_of_the_discovery_document_answers(http, decouverte):
    for cle in ("jwks_uri", "authorization_endpoint", "token_endpoint", "userinfo_endpoint", "end_session_endpoint"):
        response = http.get(decouverte[cle].removeprefix("http://testserver"))
        assert response.status_code != 404, cle


def test_id_token_is_rs256_and_verifies_with_the_jwks(reponse, jwks, decouverte, client_individu, jean):
    token = jwt.decode(reponse["id_token"], jwks, algorithms=["RS256"])

    assert token.header["alg"] == "RS256"
    assert token.header["kid"] in {cle.kid for cle in jwks.keys}
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": decouverte["issuer"]},
        aud={"essential": True, "value": client_individu.application.client_id},
        nonce={"essential": True, "value": "nonce-42"},
        sub={"essential": True, "value": str(jean.demandeur.pseudonyme)},
        exp={"essential": True},
        iat={"essential": True},
    ).validate(token.claims)


def test_id_token_carries_the_claims_the_scopes_allow(reponse, jwks):
    claims = jwt.decode(reponse["id_token"], jwks).claims

    assert claims["given_name"] == "Jean"
    assert claims["family_name"] == "MARTIN"
    assert claims["gender"] == "male"
    assert claims["email"] == "jean.are@exemple.fr"


def test_id_token_omits_the_claims_of_scopes_not_asked(http, client_individu, jean, jwks):
    reponse = outils.jetons(http, client_individu, jean, scope="openid api_peconnect-indemnisationsv1 indemnisation")

    claims = jwt.decode(reponse["id_token"], jwks).claims

    assert claims["sub"] == str(jean.demandeur.pseudonyme)
    assert not {"given_name", "family_name", "gender", "email"} & set(claims)


def test_sub_is_the_pseudonym_never_the_account_key_or_identifiant(reponse, jean):
    _, claims = segments(reponse["id_token"])

    assert claims["sub"] not in (str(jean.utilisateur.pk), "jean.are")


def test_tampered_id_token_fails_verification(reponse, jwks):
    entete, charge, signature = reponse["id_token"].split(".")
    _, claims = segments(reponse["id_token"])
    falsifie = base64.urlsafe_b64encode(json.dumps({**claims, "sub": "quelquun-d-autre"}).encode()).rstrip(b"=")

    with pytest.raises(BadSignatureError):
        jwt.decode(f"{entete}.{falsifie.decode()}.{signature}", jwks)


def test_jwks_publishes_public_keys_only(http, decouverte):
    cles = http.get(decouverte["jwks_uri"].removeprefix("http://testserver")).json()["keys"]

    assert cles
    for cle in cles:
        assert cle["kty"] == "RSA"
        assert cle["use"] == "sig"
        assert not {"d", "p", "q", "dp", "dq", "qi"} & set(cle)
