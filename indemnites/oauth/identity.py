"""How a job seeker proves who they are, behind one seam: the DEMANDEUR_IDENTITY_BACKEND setting.

The default checks a local password (the sandbox's demo accounts, or accounts the operator provisions).
In production an upstream OpenID Connect provider implements the same three methods: `start` sends the
browser to the provider (state, nonce and PKCE kept in the session), `complete` handles its return on
/compte/connexion/retour and maps the provider's subject to the registry's person. The authorization
server, consent and tokens do not change (docs/connexion-demandeur.md).
"""

from typing import Protocol

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string

from indemnites.droits.selectors import profil_lire


class IdentityBackend(Protocol):
    # True when the login page shows its identifiant + password form (the local backend).
    local_form: bool

    def authenticate(self, request: HttpRequest, *, identifiant: str, mot_de_passe: str) -> AbstractBaseUser | None:
        """The job seeker's account when the credentials are right, else None."""

    def start(self, request: HttpRequest, *, next_url: str) -> HttpResponse | None:
        """A redirect to the upstream provider, or None to show the local form."""

    def complete(self, request: HttpRequest) -> AbstractBaseUser | None:
        """The job seeker's account once the upstream provider has answered, else None."""


class LocalPasswordBackend:
    """Identifiant France Travail + password, checked by Django against accounts linked to a person of
    the registry (any other account, an agent's for instance, is refused here)."""

    local_form = True

    def authenticate(self, request: HttpRequest, *, identifiant: str, mot_de_passe: str) -> AbstractBaseUser | None:
        utilisateur = authenticate(request, username=identifiant, password=mot_de_passe)
        if utilisateur is None or profil_lire(utilisateur_id=utilisateur.pk) is None:
            return None
        return utilisateur

    def start(self, request: HttpRequest, *, next_url: str) -> HttpResponse | None:
        return None

    def complete(self, request: HttpRequest) -> AbstractBaseUser | None:
        return None


def identity_backend() -> IdentityBackend:
    return import_string(settings.DEMANDEUR_IDENTITY_BACKEND)()
