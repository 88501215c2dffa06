"""How an agent proves who they are. (Login attempts are throttled by `indemnites.trafic`.)

Two ways, side by side on the login page:
- ProConnect (HABILITATIONS_IDENTITE=proconnect), the OpenID Connect federation of public agents, through
  the client machinery of `indemnites.federation` (state, nonce, PKCE, id_token checked against the
  JWKS). Its claims (email verified by ProConnect, SIRET of the agent's organisation) end in
  `agent_identite_externe_rattacher`: a verified agent, member of that organisation. Roles (instructor)
  stay the operator's decision, never a claim.
- Local accounts (`MotDePasseLocal`): a work email verified by a link and a password, where
  HABILITATIONS_MOTS_DE_PASSE_LOCAUX allows them (development, sandbox, or the operator's choice).
"""

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.urls import reverse

from indemnites.federation import client
from indemnites.federation.domain import agent_proconnect_lire
from indemnites.habilitations.models import Agent
from indemnites.habilitations.services import agent_identite_externe_rattacher

HABILITATIONS_IDENTITES = ("mot_de_passe", "proconnect")


class MotDePasseLocal:
    """Local accounts: a work email verified by a link, a password checked by Django's validators."""

    code = "mot_de_passe"
    libelle = "Adresse électronique et mot de passe"

    def authentifier(self, request: HttpRequest, *, courriel: str, mot_de_passe: str) -> User | None:
        return authenticate(request, username=courriel.strip().lower(), password=mot_de_passe)


class IdentiteProConnectIncomplete(Exception):
    def __init__(self, manquantes: list[str]) -> None:
        super().__init__(", ".join(manquantes))
        self.manquantes = manquantes


def proconnect_actif() -> bool:
    if settings.HABILITATIONS_IDENTITE not in HABILITATIONS_IDENTITES:
        choix = ", ".join(HABILITATIONS_IDENTITES)
        raise ImproperlyConfigured(f"HABILITATIONS_IDENTITE : choisir parmi {choix}.")
    return settings.HABILITATIONS_IDENTITE == "proconnect"


def mots_de_passe_locaux() -> bool:
    return bool(settings.HABILITATIONS_MOTS_DE_PASSE_LOCAUX)


def proconnect() -> client.Fournisseur:
    reglages = ("PROCONNECT_DISCOVERY_URL", "PROCONNECT_CLIENT_ID", "PROCONNECT_CLIENT_SECRET")
    manquants = [nom for nom in reglages if not getattr(settings, nom, "")]
    if manquants:
        raise ImproperlyConfigured(f"ProConnect : réglages manquants {', '.join(manquants)}.")
    return client.Fournisseur(
        nom="proconnect",
        discovery_url=settings.PROCONNECT_DISCOVERY_URL,
        client_id=settings.PROCONNECT_CLIENT_ID,
        client_secret=settings.PROCONNECT_CLIENT_SECRET,
        scopes=settings.PROCONNECT_SCOPES,
        acr_values=settings.PROCONNECT_ACR_VALUES,
    )


def proconnect_retour_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("habilitations:proconnect_retour"))


def proconnect_agent(request: HttpRequest) -> Agent:
    """The agent ProConnect vouches for, after the callback's checks. Raises client.EchecFederation or
    IdentiteProConnectIncomplete."""
    fournisseur = proconnect()
    identite = client.retour_lire(request, fournisseur)
    lu = agent_proconnect_lire(identite.claims)
    if isinstance(lu, list):
        raise IdentiteProConnectIncomplete(lu)
    agent = agent_identite_externe_rattacher(
        courriel=lu.courriel, prenom=lu.prenom, nom=lu.nom, siret=lu.siret, organisation_nom=""
    )
    client.session_retenir(request, fournisseur, identite)
    return agent
