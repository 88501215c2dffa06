"""How an agent proves who they are. (Login attempts are throttled by `indemnites.trafic`.)

Two identity providers sit behind one interface. `MotDePasseLocal` (the default) checks a local
password; `ProConnect` is the production seam for public agents (OpenID Connect), documented in
docs/habilitations.md. Whatever the provider, a verified identity ends in the same service,
`agent_identite_externe_rattacher` (ProConnect) or a verified local account.
"""

from typing import Protocol

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest


class FournisseurIdentite(Protocol):
    code: str
    libelle: str

    def authentifier(self, request: HttpRequest, *, courriel: str, mot_de_passe: str) -> AbstractBaseUser | None: ...


class MotDePasseLocal:
    """Local accounts: a work email verified by a link, a password checked by Django's validators."""

    code = "mot_de_passe"
    libelle = "Adresse électronique et mot de passe"

    def authentifier(self, request: HttpRequest, *, courriel: str, mot_de_passe: str) -> AbstractBaseUser | None:
        return authenticate(request, username=courriel.strip().lower(), password=mot_de_passe)


class ProConnect:
    """ProConnect (OIDC for public agents), to plug in production.

    The flow to add (authlib's Django client is in the dependencies): redirect to the authorization
    endpoint read from PROCONNECT_DISCOVERY_URL with scopes `openid email given_name usual_name siret`,
    then on the callback exchange the code, read the userinfo and call
    `services.agent_identite_externe_rattacher(courriel=…, prenom=…, nom=…, siret=…, organisation_nom=…)`
    and `django.contrib.auth.login`. ProConnect has verified the email and the SIRET membership.
    """

    code = "proconnect"
    libelle = "ProConnect"

    def __init__(self) -> None:
        manquants = [
            nom
            for nom in ("PROCONNECT_DISCOVERY_URL", "PROCONNECT_CLIENT_ID", "PROCONNECT_CLIENT_SECRET")
            if not getattr(settings, nom, "")
        ]
        if manquants:
            raise ImproperlyConfigured(f"ProConnect : réglages manquants {', '.join(manquants)}.")

    def authentifier(self, request: HttpRequest, *, courriel: str, mot_de_passe: str) -> AbstractBaseUser | None:
        raise NotImplementedError("ProConnect s'utilise par redirection (voir docs/habilitations.md).")


FOURNISSEURS: dict[str, type[MotDePasseLocal] | type[ProConnect]] = {
    MotDePasseLocal.code: MotDePasseLocal,
    ProConnect.code: ProConnect,
}


def fournisseur() -> FournisseurIdentite:
    try:
        return FOURNISSEURS[settings.HABILITATIONS_IDENTITE]()
    except KeyError as erreur:
        raise ImproperlyConfigured(f"HABILITATIONS_IDENTITE : choisir parmi {', '.join(FOURNISSEURS)}.") from erreur
