"""Done when: an existing PE Connect integration works by changing only its base URLs.

1. A legacy-flagged client (`sandbox-pe-connect-historique`, exempted from PKCE) sends the whole PE Connect
   scope catalogue with `client_secret_post` and a nonce, and no PKCE; a demo person logs in on the login
   page and consents; the client reads userinfo and the indemnisation route. Each HTTP exchange is spelt
   out, as an integrator's server and the person's browser make it, against the live test server.
2. The same catalogue with Authlib and PKCE S256, configured from the discovery document only.
"""

import base64
import json
import re
import secrets
from html import unescape
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from joserfc import jwt
from joserfc.jwk import KeySet

from indemnites.droits.services.demo import DEMO_MOT_DE_PASSE
from indemnites.oauth.domain import SCOPES_INDIVIDU, SCOPES_NON_SERVIS
from tests.oauth import outils
from tests.oauth.test_parcours_authlib import champs_caches, navigateur, relying_party, se_connecter_et_consentir

pytestmark = pytest.mark.django_db(transaction=True)

__all__ = ["navigateur", "relying_party"]  # fixtures shared with test_parcours_authlib

# The whole catalogue, as a PE Connect integration sends it in one authorization request.
CATALOGUE = (
    "openid profile email api_peconnect-individuv1 api_peconnect-indemnisationsv1 indemnisation "
    "api_peconnect-coordonneesv1 coordonnees api_peconnect-statutv1 statut "
    "api_peconnect-datenaissancev1 datenaissance api_peconnect-formationsv1 pfcformations pfcpermis "
    "api_peconnect-experiencesv1 pfcexperiences "
    "api_peconnect-experiencesprofessionellesdeclareesparlemployeurv1 passeprofessionnel "
    "api_peconnect-competencesv2 pfccompetences pfclangues pfccentresinteret"
)
CLIENT_ID = "sandbox-pe-connect-historique"
CLIENT_SECRET = "sandbox-secret-pe-connect-historique"
REDIRECT_URI = "https://127.0.0.1:8765/callback"  # registered for the sandbox clients (https outside dev)


def test_the_catalogue_constant_is_the_whole_catalogue():
    assert set(CATALOGUE.split()) == set(SCOPES_INDIVIDU) | SCOPES_NON_SERVIS


def test_legacy_client_whole_catalogue_client_secret_post_nonce_no_pkce(navigateur):
    call_command("demo_charger", verbosity=0)
    nonce, state = secrets.token_urlsafe(16), secrets.token_urlsafe(16)

    # 1. The browser is sent to the authorization endpoint (no code_challenge).
    authorize = "/connexion/oauth2/authorize?" + urlencode(
        {
            "realm": "/individu",
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT_URI,
            "scope": CATALOGUE,
            "state": state,
            "nonce": nonce,
        }
    )
    vers_connexion = navigateur.get(authorize)
    assert vers_connexion.status_code == 302
    assert vers_connexion.headers["location"].startswith("/compte/connexion?next=")

    # 2. The demo person logs in on the login page.
    page = navigateur.get(vers_connexion.headers["location"])
    assert page.status_code == 200
    connexion = navigateur.post(
        str(page.url),
        data={**champs_caches(page.text), "identifiant": "jean.are", "mot_de_passe": DEMO_MOT_DE_PASSE},
    )
    assert connexion.status_code == 302, connexion.text

    # 3. The consent page names only what is served; the person accepts.
    consentement = navigateur.get(connexion.headers["location"])
    assert consentement.status_code == 200
    html = unescape(consentement.text)
    assert "Si vous percevez une allocation d'assurance chômage (ARE ou ASP)" in html
    assert "pfccompetences" not in html
    retour = navigateur.post(str(consentement.url), data={**champs_caches(consentement.text), "allow": "Autoriser"})
    assert retour.status_code == 302
    parametres = outils.query(retour.headers["location"])
    assert retour.headers["location"].startswith(REDIRECT_URI + "?")
    assert parametres["state"] == state
    assert parametres["iss"] == str(navigateur.base_url).rstrip("/")

    # 4. The administration's server exchanges the code: client_secret_post, realm in the URL, no verifier.
    token = navigateur.post(
        "/connexion/oauth2/access_token?realm=/individu",
        data={
            "grant_type": "authorization_code",
            "code": parametres["code"],
            "redirect_uri": REDIRECT_URI,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
    )
    assert token.status_code == 200, token.text
    jetons = token.json()
    assert set(jetons["scope"].split()) == set(SCOPES_INDIVIDU)
    assert jetons["nonce"] == nonce
    charge = jetons["id_token"].split(".")[1]
    assert json.loads(base64.urlsafe_b64decode(charge + "=" * (-len(charge) % 4)))["nonce"] == nonce
    entete = {"Authorization": f"Bearer {jetons['access_token']}"}

    # 5. userinfo, then the data.
    userinfo = navigateur.get("/partenaire/peconnect-individu/v1/userinfo", headers=entete)
    assert userinfo.status_code == 200
    assert {"sub", "given_name", "family_name", "email"} <= set(userinfo.json())
    indemnisation = navigateur.get("/partenaire/peconnect-indemnisations/v1/indemnisation", headers=entete)
    assert indemnisation.status_code == 200
    assert indemnisation.json() == {"beneficiairePrestationSolidarite": False, "beneficiaireAssuranceChomage": True}

    # 6. The other PE Connect APIs it asked for: a documented 404, which such integrations read as "no data".
    statut = navigateur.get("/partenaire/peconnect-statut/v1/statut", headers=entete)
    assert statut.status_code == 404
    assert statut.json()["code"] == "api-non-servie"


def test_authlib_with_pkce_and_the_whole_catalogue(live_server, navigateur, relying_party):
    jean = outils.personne("jean.are", ("ARE",))
    client = outils.client_individu()
    decouverte = navigateur.get("/.well-known/openid-configuration").json()
    rp = relying_party(client)
    rp.scope = CATALOGUE
    verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
    url, state = rp.create_authorization_url(decouverte["authorization_endpoint"], code_verifier=verifier, nonce=nonce)

    retour = se_connecter_et_consentir(navigateur, url)
    jetons = rp.fetch_token(
        decouverte["token_endpoint"], authorization_response=retour, state=state, code_verifier=verifier
    )

    assert set(jetons["scope"].split()) == set(SCOPES_INDIVIDU)
    cles = KeySet.import_key_set(navigateur.get(decouverte["jwks_uri"]).json())
    id_token = jwt.decode(jetons["id_token"], cles, algorithms=["RS256"])
    assert id_token.claims["nonce"] == nonce
    assert id_token.claims["sub"] == str(jean.demandeur.pseudonyme)
    assert rp.get(decouverte["userinfo_endpoint"]).json()["sub"] == id_token.claims["sub"]
    indemnisation = rp.get(f"{live_server.url}{outils.INDEMNISATION_URL}")
    assert indemnisation.json() == {"beneficiairePrestationSolidarite": False, "beneficiaireAssuranceChomage": True}
    assert re.search(r"iss=", retour)
