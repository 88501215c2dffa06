"""One OpenID Connect client machinery for every upstream provider (FranceConnect, ProConnect), on
Authlib's Django client, configured from the provider's discovery document.

- `autorisation_rediriger`: the redirect to the provider, with `state`, `nonce`, PKCE (S256) when the
  provider supports it and the operator's `acr_values`; Authlib keeps them in the session.
- `retour_lire`: on the callback, checks `state`, exchanges the code, validates the `id_token` (signature
  against the provider's JWKS, refetched once on an unknown `kid`; `iss`, `aud`, `exp`, `iat`, `nonce`,
  `acr`) and reads userinfo, as JSON or as a signed JWT (FranceConnect v2). Any failure is an
  `EchecFederation` with a reason, never a 500.
- `deconnexion_url`: the provider's end-session address, with `id_token_hint`, `state` and our
  registered post-logout address.
"""

import logging
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

logger = logging.getLogger(__name__)

SESSION_CLE = "federation"  # {"fournisseur": …, "id_token": …} once signed in through a provider


@dataclass(frozen=True)
class Fournisseur:
    nom: str  # "franceconnect" or "proconnect": the key of remembered identities and of the session
    discovery_url: str
    client_id: str
    client_secret: str
    scopes: str
    acr_values: str = ""  # space separated; the id_token's `acr` must be one of them


class Raison(StrEnum):
    ANNULEE = "annulee"  # the person cancelled at the provider (access_denied)
    ETAT = "etat"  # state missing, unknown or already used
    JETON = "jeton"  # id_token or userinfo that does not check out
    INJOIGNABLE = "injoignable"  # the provider did not answer, or not as a provider should
    REFUSEE = "refusee"  # the provider answered another error


class EchecFederation(Exception):
    """`detail` names the failed check (an exception class, a claim name): never a token or an identity."""

    def __init__(self, raison: Raison, detail: str = "") -> None:
        super().__init__(f"{raison}: {detail}" if detail else raison)
        self.raison = raison
        logger.warning("connexion fédérée refusée", extra={"raison": str(raison), "detail": detail})


@dataclass(frozen=True)
class Identite:
    sub: str
    claims: dict[str, Any]  # userinfo, then the id_token's claims
    id_token: str


@lru_cache(maxsize=8)
def _application(fournisseur: Fournisseur) -> DjangoOAuth2App:
    """One Authlib client per provider configuration: its discovery document and JWKS stay cached (the
    JWKS is refetched when an unknown `kid` shows up). A failed discovery is not cached."""
    application = OAuth().register(
        name=fournisseur.nom,
        client_id=fournisseur.client_id,
        client_secret=fournisseur.client_secret,
        server_metadata_url=fournisseur.discovery_url,
        client_kwargs={
            "scope": fournisseur.scopes,
            "token_endpoint_auth_method": "client_secret_post",
            "default_timeout": settings.FEDERATION_DELAI_SECONDES,
        },
    )
    metadonnees = application.load_server_metadata()
    if "S256" in metadonnees.get("code_challenge_methods_supported", []):
        application.client_kwargs["code_challenge_method"] = "S256"
    return application


def _app(fournisseur: Fournisseur) -> DjangoOAuth2App:
    try:
        return _application(fournisseur)
    except (requests.RequestException, ValueError) as erreur:
        logger.warning("fournisseur d'identité injoignable", extra={"fournisseur": fournisseur.nom})
        raise EchecFederation(Raison.INJOIGNABLE, type(erreur).__name__) from erreur


def autorisation_rediriger(request: HttpRequest, fournisseur: Fournisseur, *, redirect_uri: str) -> HttpResponse:
    parametres = {"acr_values": fournisseur.acr_values} if fournisseur.acr_values else {}
    return _app(fournisseur).authorize_redirect(request, redirect_uri, **parametres)


def retour_lire(request: HttpRequest, fournisseur: Fournisseur) -> Identite:
    application = _app(fournisseur)
    metadonnees = application.load_server_metadata()
    options: dict[str, Any] = {"iss": {"essential": True, "value": metadonnees["issuer"]}}
    if fournisseur.acr_values:
        options["acr"] = {"essential": True, "values": fournisseur.acr_values.split()}
    try:
        jeton = application.authorize_access_token(
            request, claims_options=options, leeway=settings.FEDERATION_TOLERANCE_SECONDES
        )
        if "userinfo" not in jeton:
            raise EchecFederation(Raison.JETON, "id_token absent")
        userinfo = _userinfo_lire(application, jeton, metadonnees)
    except MismatchingStateError as erreur:
        raise EchecFederation(Raison.ETAT) from erreur
    except OAuthError as erreur:
        raison = Raison.ANNULEE if erreur.error == "access_denied" else Raison.REFUSEE
        raise EchecFederation(raison, str(erreur.error)) from erreur
    except (JoseError, ValueError) as erreur:
        claim = getattr(erreur, "claim", "")
        raise EchecFederation(Raison.JETON, f"{type(erreur).__name__} {claim}".strip()) from erreur
    except requests.RequestException as erreur:
        raise EchecFederation(Raison.INJOIGNABLE, type(erreur).__name__) from erreur
    id_token = dict(jeton["userinfo"])
    if userinfo.get("sub") != id_token["sub"]:
        raise EchecFederation(Raison.JETON, "sub de userinfo différent")
    return Identite(sub=id_token["sub"], claims={**userinfo, **id_token}, id_token=jeton["id_token"])


def _userinfo_lire(application: DjangoOAuth2App, jeton: dict[str, Any], metadonnees: dict[str, Any]) -> dict[str, Any]:
    reponse = application.get(metadonnees["userinfo_endpoint"], token=jeton)
    if reponse.status_code != 200:
        raise EchecFederation(Raison.REFUSEE, f"userinfo {reponse.status_code}")
    if not reponse.headers.get("content-type", "").startswith("application/jwt"):
        return dict(reponse.json())
    # FranceConnect v2 signs userinfo with the id_token's keys: same JWKS, same rotation.
    algorithmes = metadonnees.get("userinfo_signing_alg_values_supported") or ["RS256", "ES256"]
    registre = JWSRegistry(algorithms=[a for a in algorithmes if a != "none"])
    try:
        signe = jwt.decode(reponse.text, KeySet.import_key_set(application.fetch_jwk_set()), registry=registre)
    except InvalidKeyIdError:
        signe = jwt.decode(
            reponse.text, KeySet.import_key_set(application.fetch_jwk_set(force=True)), registry=registre
        )
    claims = dict(signe.claims)
    if claims.get("iss", metadonnees["issuer"]) != metadonnees["issuer"]:
        raise EchecFederation(Raison.JETON, "iss de userinfo")
    audience = claims.get("aud", application.client_id)
    if application.client_id not in (audience if isinstance(audience, list) else [audience]):
        raise EchecFederation(Raison.JETON, "aud de userinfo")
    return claims


def session_retenir(request: HttpRequest, fournisseur: Fournisseur, identite: Identite) -> None:
    """Kept for the logout chain (after `login`, which keeps the session's data)."""
    request.session[SESSION_CLE] = {"fournisseur": fournisseur.nom, "id_token": identite.id_token}


def deconnexion_url(
    request: HttpRequest, fournisseur: Fournisseur, *, post_logout_redirect_uri: str
) -> tuple[str, str] | None:
    """The provider's end-session address and its `state` when this session was opened through it, else
    None. Call it before `logout`; the caller keeps the `state` in the new session to check the return."""
    federation = request.session.get(SESSION_CLE) or {}
    if federation.get("fournisseur") != fournisseur.nom:
        return None
    try:
        sortie = _app(fournisseur).create_logout_url(
            post_logout_redirect_uri=post_logout_redirect_uri, id_token_hint=federation["id_token"]
        )
        return sortie["url"], sortie["state"]
    except (EchecFederation, RuntimeError):
        return None  # the provider is unreachable or has no end-session endpoint: local logout only
