"""The whole connected-mode flow, end to end, with a real OAuth 2 / OpenID Connect client library
(Authlib) against the live test server, configured from the discovery document only:
authorize → login → consent → code → token → id_token checked with the JWKS → userinfo → indemnisation."""

import re
import secrets
import warnings
from collections.abc import Callable, Iterator
from html import unescape
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.oauth import outils

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def relying_party() -> Iterator[Callable[[outils.ClientCree], Any]]:
    """The administration's server: Authlib's OAuth 2 client for one of our connected-mode clients."""
    # Authlib falls back on httpx with a deprecation notice when httpx2 is not installed: import it here,
    # where that notice is expected, rather than at collection.
    from authlib.deprecate import AuthlibDeprecationWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AuthlibDeprecationWarning)
        from authlib.integrations.httpx_client import OAuth2Client

    ouverts: list[Any] = []

    def creer(client: outils.ClientCree) -> Any:
        rp = OAuth2Client(
            client_id=client.application.client_id,
            client_secret=client.client_secret,
            scope=outils.SCOPES,
            redirect_uri=outils.REDIRECT_URI,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_basic",
            # One connection per request: a kept-alive one would outlive the test on the live server's side.
            headers={"Connection": "close"},
            timeout=10,
        )
        ouverts.append(rp)
        return rp

    yield creer
    for rp in ouverts:
        rp.close()


def champs_caches(html: str) -> dict[str, str]:
    """Hidden fields of the page's main form (the header's logout form is left out, as a browser would)."""
    principal = html[html.index("<main") : html.index("</main>")]
    champs = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', principal)
    return {nom: unescape(valeur) for nom, valeur in champs}


@pytest.fixture
def navigateur(live_server, settings) -> Iterator[httpx.Client]:
    """The job seeker's browser. The test server speaks plain http: cookies may not be Secure-only here."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    entetes = {"Connection": "close"}  # see oauth2_client()
    with httpx.Client(base_url=live_server.url, follow_redirects=False, timeout=10, headers=entetes) as client:
        yield client


def se_connecter_et_consentir(navigateur: httpx.Client, url: str, *, autoriser: bool = True) -> str:
    """What the person does in their browser; returns where the browser is finally sent."""
    vers_connexion = navigateur.get(url)
    assert vers_connexion.status_code == 302
    page = navigateur.get(vers_connexion.headers["location"])
    connexion = navigateur.post(
        str(page.url),
        data={
            **champs_caches(page.text),
            "identifiant": "jean.are",
            "mot_de_passe": outils.MOT_DE_PASSE,
        },
    )
    assert connexion.status_code == 302, connexion.text
    consentement = navigateur.get(connexion.headers["location"])
    assert "Autoriser Mairie de Test" in unescape(consentement.text)
    decision = {"allow": "Autoriser"} if autoriser else {}
    reponse = navigateur.post(str(consentement.url), data={**champs_caches(consentement.text), **decision})
    assert reponse.status_code == 302
    return reponse.headers["location"]


def test_authorize_login_consent_token_id_token_userinfo_indemnisation(live_server, navigateur, relying_party):
    jean = outils.personne("jean.are", ("ARE",))
    client = outils.client_individu()
    decouverte = navigateur.get("/.well-known/openid-configuration").json()
    rp = relying_party(client)
    verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
    url, state = rp.create_authorization_url(decouverte["authorization_endpoint"], code_verifier=verifier, nonce=nonce)

    retour = se_connecter_et_consentir(navigateur, url)
    assert retour.startswith(outils.REDIRECT_URI)
    jetons = rp.fetch_token(
        decouverte["token_endpoint"], authorization_response=retour, state=state, code_verifier=verifier
    )

    cles = KeySet.import_key_set(navigateur.get(decouverte["jwks_uri"]).json())
    id_token = jwt.decode(jetons["id_token"], cles, algorithms=["RS256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": decouverte["issuer"]},
        aud={"essential": True, "value": client.application.client_id},
        nonce={"essential": True, "value": nonce},
        sub={"essential": True, "value": str(jean.demandeur.pseudonyme)},
        exp={"essential": True},
    ).validate(id_token.claims)
    assert jetons["expires_in"] <= 600

    userinfo = rp.get(decouverte["userinfo_endpoint"])
    assert userinfo.status_code == 200
    assert userinfo.json()["sub"] == id_token.claims["sub"]
    assert userinfo.json()["family_name"] == "MARTIN"
    assert userinfo.json()["gender"] == id_token.claims["gender"] == "male"

    indemnisation = rp.get(f"{live_server.url}{outils.INDEMNISATION_URL}")
    assert indemnisation.status_code == 200
    assert indemnisation.json() == {"beneficiairePrestationSolidarite": False, "beneficiaireAssuranceChomage": True}


def test_refusal_comes_back_as_access_denied_to_the_client_library(navigateur, relying_party):
    outils.personne("jean.are", ("ARE",))
    decouverte = navigateur.get("/.well-known/openid-configuration").json()
    rp = relying_party(outils.client_individu())
    url, _ = rp.create_authorization_url(decouverte["authorization_endpoint"], code_verifier=secrets.token_urlsafe(48))

    retour = se_connecter_et_consentir(navigateur, url, autoriser=False)

    assert outils.query(retour)["error"] == "access_denied"
    assert "code" not in outils.query(retour)
