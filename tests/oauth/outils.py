"""Building blocks of the connected-mode tests: a client, a job seeker with a login account, PKCE, and
the authorization code flow driven through the real endpoints (django.test.Client)."""

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from indemnites.droits.domain import CHAMPS
from indemnites.droits.models import DemandeurEmploi, Droit
from indemnites.oauth.domain import SCOPES_INDIVIDU
from indemnites.oauth.services import ClientCree, client_individu_creer

REDIRECT_URI = "https://demarche.exemple.fr/retour"
LOGOUT_URI = "https://demarche.exemple.fr/au-revoir"
SIRET = "13002526500013"
MOT_DE_PASSE = "un-mot-de-passe-de-test"
AUTHORIZE_URL = "/connexion/oauth2/authorize"
TOKEN_URL = "/connexion/oauth2/access_token?realm=/individu"
INDEMNISATION_URL = "/partenaire/peconnect-indemnisations/v1/indemnisation"
USERINFO_URL = "/partenaire/peconnect-individu/v1/userinfo"
SCOPES = " ".join(SCOPES_INDIVIDU)


def client_individu(
    nom: str = "Mairie de Test", champs: tuple[str, ...] = CHAMPS, client_id: str | None = None, **options: Any
) -> ClientCree:
    options.setdefault("redirect_uris", [REDIRECT_URI])
    return client_individu_creer(
        nom=nom,
        champs=list(champs),
        destinataires=[SIRET],
        post_logout_redirect_uris=[LOGOUT_URI],
        demarche="Tarif social de la cantine scolaire",
        base_legale="Article L114-8 du code des relations entre le public et l'administration",
        duree_conservation="Le temps d'instruire la demande, puis 12 mois",
        client_id=client_id,
        **options,
    )


@dataclass
class Personne:
    demandeur: DemandeurEmploi
    utilisateur: Any


def personne(identifiant: str = "jean.are", prestations: tuple[str, ...] = ("ARE",), sexe: str = "M") -> Personne:
    """A job seeker of the registry with rights open today and a login account."""
    utilisateur = get_user_model().objects.create_user(username=identifiant, password=MOT_DE_PASSE)
    demandeur = DemandeurEmploi.objects.create(
        identifiant=identifiant,
        nom_naissance="MARTIN",
        prenom="Jean",
        date_naissance=date(1985, 5, 12),
        email=f"{identifiant}@exemple.fr",
        sexe=sexe,
        utilisateur=utilisateur,
    )
    organismes = {"ARE": "France Travail", "ASP": "France Travail", "ASS": "France Travail", "RSA": "CAF"}
    for rang, prestation in enumerate(prestations):
        Droit.objects.create(
            demandeur=demandeur,
            prestation=prestation,
            organisme=organismes[prestation],
            date_debut=timezone.localdate() - timedelta(days=30),
            reference=f"{identifiant}-{rang}",
        )
    return Personne(demandeur=demandeur, utilisateur=utilisateur)


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_url(client: ClientCree, challenge: str | None = None, **params: str | None) -> str:
    """The authorize URL as a PE Connect client builds it; a None value drops the parameter."""
    valeurs: dict[str, str | None] = {
        "realm": "/individu",
        "response_type": "code",
        "client_id": client.application.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": SCOPES,
        "state": "etat-42",
        "nonce": "nonce-42",
        "code_challenge": challenge,
        "code_challenge_method": "S256" if challenge else None,
        **params,
    }
    return f"{AUTHORIZE_URL}?{urlencode({cle: valeur for cle, valeur in valeurs.items() if valeur is not None})}"


def query(location: str) -> dict[str, str]:
    return {cle: valeurs[-1] for cle, valeurs in parse_qs(urlsplit(location).query).items()}


def consentir(http: Client, url: str, *, autoriser: bool = True) -> HttpResponse:
    """Shows the consent page of `url`, then answers it (the job seeker is logged in)."""
    page = http.get(url)
    assert page.status_code == 200, page.content
    donnees = {nom: valeur for nom, valeur in page.context["form"].initial.items() if valeur is not None}
    if autoriser:
        donnees["allow"] = "Autoriser"
    return http.post(url, donnees)


def code_obtenir(
    http: Client, client: ClientCree, qui: Personne, challenge: str | None = None, **params: str | None
) -> str:
    http.force_login(qui.utilisateur)
    response = consentir(http, authorize_url(client, challenge, **params))
    assert response.status_code == 302, response.content
    assert response["Location"].startswith(REDIRECT_URI), response["Location"]
    return query(response["Location"])["code"]


def echanger(
    http: Client, client: ClientCree, code: str, verifier: str | None, url: str = TOKEN_URL, **champs: str | None
) -> HttpResponse:
    """`POST …/access_token?realm=/individu` with client_secret_post; a None value drops the field."""
    donnees: dict[str, str | None] = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "client_id": client.application.client_id,
        "client_secret": client.client_secret,
        "code_verifier": verifier,
        **champs,
    }
    return http.post(url, {cle: valeur for cle, valeur in donnees.items() if valeur is not None})


def jetons(http: Client, client: ClientCree, qui: Personne, **params: str | None) -> dict[str, Any]:
    """The whole flow: consent, code, token answer."""
    verifier, challenge = pkce()
    code = code_obtenir(http, client, qui, challenge, **params)
    response = echanger(http, client, code, verifier)
    assert response.status_code == 200, response.content
    return response.json()


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def assert_oauth_error(response: HttpResponse, error: str, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["error"] == error, body
    return body
