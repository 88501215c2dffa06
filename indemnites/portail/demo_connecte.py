"""The sandbox's "Essayer le mode connecté": the portal plays an administration's relying party for the public
sandbox client. Everything a real integrator must do happens here, server side: PKCE (S256), `state`, `nonce`,
the code exchanged with the client's secret, the id_token's signature, issuer, audience and nonce checked,
then userinfo and the indemnisation data read with the access token, over HTTP, as any client would."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.jwk import KeySet

from indemnites.oauth.domain import SCOPES_INDIVIDU
from indemnites.oauth.services import CLIENTS_INDIVIDU_SANDBOX

CLIENT = next(client for client in CLIENTS_INDIVIDU_SANDBOX if not client.pkce_exempte)
REALM = "/individu"
AUTORISATION = "/connexion/oauth2/authorize"
JETON = "/connexion/oauth2/access_token?realm=/individu"
DECOUVERTE = "/.well-known/openid-configuration"
USERINFO = "/partenaire/peconnect-individu/v1/userinfo"
INDEMNISATION = "/partenaire/peconnect-indemnisations/v1/indemnisation"
DELAI = 10.0


@dataclass(frozen=True)
class Depart:
    """What the portal keeps in the visitor's session between the departure and the return."""

    url: str
    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True)
class Resultat:
    id_token: dict[str, Any]
    userinfo: dict[str, Any]
    indemnisation: dict[str, Any]
    statut_indemnisation: int


class EchecDemo(Exception):
    """The flow did not complete; the message is shown to the visitor as is (no secret in it)."""


def demo_demarrer(*, base: str, redirect_uri: str) -> Depart:
    """The authorization URL (with PKCE, state and nonce) and what to keep for the return."""
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    parametres = {
        "realm": REALM,
        "response_type": "code",
        "client_id": CLIENT.client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(SCOPES_INDIVIDU),
        "state": state,
        "nonce": nonce,
        "code_challenge": create_s256_code_challenge(verifier),
        "code_challenge_method": "S256",
    }
    return Depart(
        url=f"{base}{AUTORISATION}?{urlencode(parametres)}", state=state, nonce=nonce, code_verifier=verifier
    )


def _id_token_verifier(*, id_token: str, jwks: dict[str, Any], issuer: str, nonce: str) -> dict[str, Any]:
    try:
        decode = jwt.decode(id_token, KeySet.import_key_set(jwks), algorithms=["RS256"])  # type: ignore[arg-type]  # a JWKS as fetched: joserfc checks it
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": CLIENT.client_id},
            nonce={"essential": True, "value": nonce},
        ).validate(decode.claims)
    except Exception as erreur:  # joserfc raises one class per check: all mean "do not trust it"
        raise EchecDemo(f"id_token refusé : {type(erreur).__name__}.") from erreur
    return dict(decode.claims)


def demo_terminer(*, base: str, redirect_uri: str, depart: Depart, code: str) -> Resultat:
    """Exchanges the code, checks the id_token (issuer and keys from the discovery document), reads userinfo
    and the indemnisation data."""
    with httpx.Client(base_url=base, timeout=DELAI) as http:
        jeton = http.post(
            JETON,
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": depart.code_verifier,
                "client_id": CLIENT.client_id,
                "client_secret": CLIENT.client_secret,
            },
        )
        if jeton.status_code != 200:
            raise EchecDemo(f"Échange du code refusé : {jeton.json().get('error', jeton.status_code)}.")
        jetons = jeton.json()
        decouverte = http.get(DECOUVERTE).json()
        jwks = http.get(decouverte["jwks_uri"]).json()
        claims = _id_token_verifier(
            id_token=jetons["id_token"], jwks=jwks, issuer=decouverte["issuer"], nonce=depart.nonce
        )
        porteur = {"Authorization": f"Bearer {jetons['access_token']}"}
        userinfo = http.get(USERINFO, headers=porteur)
        indemnisation = http.get(INDEMNISATION, headers=porteur)
    return Resultat(claims, userinfo.json(), indemnisation.json(), indemnisation.status_code)
