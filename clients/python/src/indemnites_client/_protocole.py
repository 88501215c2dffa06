"""What the sync and async clients share: the request they send, how they read answers, when they retry,
and the token cache. No I/O here."""

import email.utils
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx

from indemnites_client.erreurs import ErreurApi, ErreurJeton, ReponseInattendue, erreur_api
from indemnites_client.preuve import PreuveVerifiee, identite_canonique

TOKEN_PATH = "/connexion/oauth2/access_token"
DATA_PATH = "/partenaire/indemnisations/v1/indemnisation"
JWKS_PATH = "/preuves/jwks.json"
SCOPE = "api_indemnisationsv1"
JWT = "application/jwt"
SEL_EN_TETE = "X-Preuve-Sel"
REESSAYABLES = frozenset({429, 503})
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
CHAMPS = ("beneficiairePrestationSolidarite", "beneficiaireAssuranceChomage")


@dataclass(frozen=True)
class Indemnisation:
    """La réponse : chaque booléen vaut None quand l'habilitation du client ne l'accorde pas."""

    beneficiaire_prestation_solidarite: bool | None
    beneficiaire_assurance_chomage: bool | None
    request_id: str
    preuve: PreuveVerifiee | None = None  # avec preuve=True : la preuve vérifiée, son sel compris


@dataclass(frozen=True)
class Demande:
    corps: dict[str, Any]
    identite: str  # canonique, pour vérifier une preuve


def demande_construire(
    *,
    recipient: str,
    identifiant: str | None,
    nir: str | None,
    date_naissance: date | str | None,
    reference_dossier: str | None,
    date_reference: date | str | None,
) -> Demande:
    if (identifiant is None) == (nir is None):
        raise ValueError("indiquez identifiant, ou nir avec date_naissance (une seule identité)")
    if nir is not None and date_naissance is None:
        raise ValueError("le nir s'accompagne de date_naissance")
    corps: dict[str, Any] = {"recipient": recipient}
    if identifiant is not None:
        corps["identifiant"] = identifiant
    else:
        corps["nir"], corps["dateNaissance"] = nir, _jour(date_naissance)
    if reference_dossier is not None:
        corps["referenceDossier"] = reference_dossier
    if date_reference is not None:
        corps["dateReference"] = _jour(date_reference)
    identite = identite_canonique(identifiant=identifiant, nir=nir, date_naissance=_jour(date_naissance))
    return Demande(corps=corps, identite=identite)


def _jour(valeur: date | str | None) -> str | None:
    return valeur.isoformat() if isinstance(valeur, date) else valeur


def request_id(reponse: httpx.Response) -> str:
    return str(reponse.headers.get("X-Request-ID", ""))


def erreur_lire(reponse: httpx.Response) -> ErreurApi | ReponseInattendue:
    if reponse.headers.get("Content-Type", "").startswith("application/problem+json"):
        return erreur_api(reponse.json(), status=reponse.status_code, request_id=request_id(reponse))
    return ReponseInattendue(f"réponse {reponse.status_code} inattendue (requête {request_id(reponse)})")


def indemnisation_lire(reponse: httpx.Response) -> Indemnisation:
    donnees = reponse.json()
    return Indemnisation(
        beneficiaire_prestation_solidarite=donnees.get(CHAMPS[0]),
        beneficiaire_assurance_chomage=donnees.get(CHAMPS[1]),
        request_id=request_id(reponse),
    )


def indemnisation_de_preuve(preuve: PreuveVerifiee, reponse: httpx.Response) -> Indemnisation:
    """The answer as the verified proof states it: the signed claims are the answer."""
    claims = preuve.revendications
    return Indemnisation(
        beneficiaire_prestation_solidarite=claims.get(CHAMPS[0]),
        beneficiaire_assurance_chomage=claims.get(CHAMPS[1]),
        request_id=request_id(reponse),
        preuve=preuve,
    )


def jeton_invalide(reponse: httpx.Response) -> bool:
    if reponse.status_code != 401:
        return False
    erreur = erreur_lire(reponse)
    return isinstance(erreur, ErreurApi) and erreur.code == "jeton-invalide"


# --- retries -----------------------------------------------------------------------------------------------


def attente_lire(reponse: httpx.Response, essai: int) -> float:
    """Seconds to wait before retrying a 429/503: Retry-After (seconds or HTTP date), else an exponential
    backoff with jitter."""
    valeur = reponse.headers.get("Retry-After", "").strip()
    if valeur.isdigit():
        return float(valeur)
    if valeur:
        try:
            instant = email.utils.parsedate_to_datetime(valeur)
            return float(max(0.0, instant.timestamp() - time.time()))
        except (TypeError, ValueError):
            pass
    return min(8.0, 0.5 * 2.0**essai) * (0.5 + random.random() / 2)


@dataclass
class Budget:
    """At most `essais` retries and `secondes` of waiting in all, per call."""

    essais: int
    secondes: float

    def prendre(self, attente: float) -> bool:
        if self.essais <= 0 or attente > self.secondes:
            return False
        self.essais -= 1
        self.secondes -= attente
        return True


# --- token cache -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Jeton:
    valeur: str
    expire_a: float  # time.monotonic()


class JetonCache:
    """The current token, renewed `marge` seconds before it expires (at most half its lifetime). `verrou`
    serialises renewals between threads; the async client adds its own lock."""

    def __init__(self, *, marge: float = 30.0, horloge: Callable[[], float] = time.monotonic) -> None:
        self.marge, self.horloge = marge, horloge
        self.verrou = threading.Lock()
        self._jeton: Jeton | None = None

    def valide(self) -> str | None:
        jeton = self._jeton
        if jeton is None or self.horloge() >= jeton.expire_a:
            return None
        return jeton.valeur

    def oublier(self, valeur: str) -> None:
        """After a 401 jeton-invalide: forget this token (unless another thread already replaced it)."""
        if self._jeton is not None and self._jeton.valeur == valeur:
            self._jeton = None

    def garder(self, reponse: httpx.Response) -> str:
        if reponse.status_code != 200:
            try:
                donnees = reponse.json()
            except ValueError:
                donnees = {}
            raise ErreurJeton(
                str(donnees.get("error", "erreur")),
                str(donnees.get("error_description", "")),
                status=reponse.status_code,
            )
        donnees = reponse.json()
        duree = float(donnees.get("expires_in", 0))
        marge = min(self.marge, duree / 2)
        self._jeton = Jeton(valeur=str(donnees["access_token"]), expire_a=self.horloge() + duree - marge)
        return self._jeton.valeur


def jeton_formulaire(client_id: str, client_secret: str) -> dict[str, str]:
    return {
        "grant_type": "client_credentials",
        "scope": SCOPE,
        "client_id": client_id,
        "client_secret": client_secret,
    }
