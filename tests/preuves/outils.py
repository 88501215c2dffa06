"""Reading and checking proofs in tests: the published key set, a fresh key, a one-byte change."""

from django.test import Client
from joserfc.jwk import ECKey

from indemnites.preuves.domain import Verification, preuve_verifier

JWT = "application/jwt"


def jwks(http: Client) -> dict:
    response = http.get("/preuves/jwks.json")
    assert response.status_code == 200
    return response.json()


def verifier(http: Client, jws: str, **identite: str) -> Verification:
    return preuve_verifier(jws, jwks(http), **identite)


def cle_pem() -> str:
    return ECKey.generate_key("P-256").as_pem(private=True).decode()


def un_octet_change(jws: str) -> str:
    """The same proof with one character of its payload changed (the claims say something else)."""
    entete, contenu, signature = jws.split(".")
    milieu = len(contenu) // 2
    remplacant = "A" if contenu[milieu] != "A" else "B"
    return ".".join([entete, contenu[:milieu] + remplacant + contenu[milieu + 1 :], signature])
