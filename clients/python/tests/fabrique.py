"""A fake API indemnités for httpx.MockTransport: scripted answers, every request kept, proofs signed with
a throwaway key."""

import hashlib
import json
from collections.abc import Callable
from typing import Any

import httpx
from joserfc import jwt
from joserfc.jwk import ECKey

BASE_URL = "https://api.example"
SIRET = "13002526500013"
Repondre = Callable[[httpx.Request], httpx.Response]


def probleme(status: int, code: str, **extra: Any) -> httpx.Response:
    corps = {"type": "t", "title": "titre", "status": status, "detail": "détail", "code": code}
    corps |= {"instance": "/x", "requestId": f"rid-{code}", **extra}
    return httpx.Response(status, json=corps, headers={"Content-Type": "application/problem+json"})


def jeton_reponse(valeur: str = "jeton-1", expires_in: int = 1500) -> httpx.Response:
    return httpx.Response(200, json={"access_token": valeur, "token_type": "Bearer", "expires_in": expires_in})


class Cle:
    def __init__(self) -> None:
        self.cle = ECKey.generate_key("P-256")

    @property
    def jwks(self) -> dict[str, Any]:
        return {"keys": [{**self.cle.as_dict(private=False), "kid": self.cle.thumbprint(), "alg": "ES256"}]}

    def signer(self, claims: dict[str, Any]) -> str:
        return jwt.encode({"alg": "ES256", "kid": self.cle.thumbprint()}, claims, self.cle)


def preuve_reponse(cle: Cle, identite: str, sel: str = "00" * 16, **donnees: bool) -> httpx.Response:
    empreinte = hashlib.sha256((sel + identite).encode()).hexdigest()
    claims = {"iss": BASE_URL, "jti": "rid-preuve", "empreinteIdentite": empreinte, **donnees}
    return httpx.Response(
        200,
        content=cle.signer(claims).encode(),
        headers={"Content-Type": "application/jwt", "X-Preuve-Sel": sel, "X-Request-ID": "rid-preuve"},
    )


class FausseApi:
    """Answers the token route with fresh tokens, the JWKS route with `cle`, the data route from `donnees`
    (a list of answers, consumed in order)."""

    def __init__(self, donnees: list[httpx.Response], *, cle: Cle | None = None, expires_in: int = 1500) -> None:
        self.donnees, self.cle, self.expires_in = donnees, cle or Cle(), expires_in
        self.requetes: list[httpx.Request] = []
        self.jetons = 0

    def __call__(self, requete: httpx.Request) -> httpx.Response:
        self.requetes.append(requete)
        if requete.url.path == "/connexion/oauth2/access_token":
            self.jetons += 1
            return jeton_reponse(f"jeton-{self.jetons}", self.expires_in)
        if requete.url.path == "/preuves/jwks.json":
            return httpx.Response(200, json=self.cle.jwks)
        return self.donnees.pop(0)

    def appels_donnees(self) -> list[httpx.Request]:
        return [r for r in self.requetes if r.url.path.endswith("/indemnisation")]

    def corps(self, rang: int = -1) -> dict[str, Any]:
        resultat: dict[str, Any] = json.loads(self.appels_donnees()[rang].content)
        return resultat


def donnees(status: int = 200, **champs: bool) -> httpx.Response:
    return httpx.Response(status, json=champs, headers={"X-Request-ID": "rid-ok"})
