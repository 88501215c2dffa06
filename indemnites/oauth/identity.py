"""How a job seeker proves who they are, behind one seam: the DEMANDEUR_IDENTITY_BACKEND setting.

`FranceConnectBackend` (chosen by default once FRANCECONNECT_DISCOVERY_URL is set): the login page shows
the FranceConnect button, `start` sends the browser to the provider (state, nonce and PKCE kept in the
session), `complete` handles its return on /compte/connexion/retour and matches the pivot identity to one
registry person (`indemnites.federation`). `LocalPasswordBackend` checks a local password (the sandbox's
demo accounts). Local passwords are offered only where DEMANDEUR_MOTS_DE_PASSE_LOCAUX allows them. The
authorization server, consent and tokens do not change (docs/connexion-demandeur.md).
"""

from typing import Protocol

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.module_loading import import_string

from indemnites.droits.selectors import profil_lire
from indemnites.federation import client
from indemnites.federation.services import CLAIMS_MANQUANTES, IdentiteIntrouvable, demandeur_federe_connecter


class ConnexionRefusee(Exception):
    """The upstream provider's answer does not sign anyone in: the page says why and what to do."""

    def __init__(self, titre: str, message: str, conseil: str, status: int = 400) -> None:
        super().__init__(titre)
        self.titre, self.message, self.conseil, self.status = titre, message, conseil, status


class IdentityBackend(Protocol):
    # True when the login page shows its identifiant + password form.
    local_form: bool
    # The upstream provider whose button the login page shows ("FranceConnect"), or None.
    bouton: str | None

    def authenticate(self, request: HttpRequest, *, identifiant: str, mot_de_passe: str) -> User | None:
        """The job seeker's account when the credentials are right, else None."""

    def start(self, request: HttpRequest, *, next_url: str) -> HttpResponse | None:
        """A redirect to the upstream provider, or None to show the local form."""

    def complete(self, request: HttpRequest) -> User | None:
        """The job seeker's account once the upstream provider has answered; None or ConnexionRefusee."""

    def logout_url(self, request: HttpRequest, *, post_logout_redirect_uri: str) -> tuple[str, str] | None:
        """The provider's end-session address and its state, when the session was opened there."""


class LocalPasswordBackend:
    """Identifiant France Travail + password, checked by Django against accounts linked to a person of
    the registry (any other account, an agent's for instance, is refused here)."""

    bouton: str | None = None

    @property
    def local_form(self) -> bool:
        return bool(settings.DEMANDEUR_MOTS_DE_PASSE_LOCAUX)

    def authenticate(self, request: HttpRequest, *, identifiant: str, mot_de_passe: str) -> User | None:
        utilisateur = authenticate(request, username=identifiant, password=mot_de_passe)
        if utilisateur is None or profil_lire(utilisateur_id=utilisateur.pk) is None:
            return None
        return utilisateur

    def start(self, request: HttpRequest, *, next_url: str) -> HttpResponse | None:
        return None

    def complete(self, request: HttpRequest) -> User | None:
        return None

    def logout_url(self, request: HttpRequest, *, post_logout_redirect_uri: str) -> tuple[str, str] | None:
        return None


def franceconnect() -> client.Fournisseur:
    return client.Fournisseur(
        nom="franceconnect",
        discovery_url=settings.FRANCECONNECT_DISCOVERY_URL,
        client_id=settings.FRANCECONNECT_CLIENT_ID,
        client_secret=settings.FRANCECONNECT_CLIENT_SECRET,
        scopes=settings.FRANCECONNECT_SCOPES,
        acr_values=settings.FRANCECONNECT_ACR_VALUES,
    )


AGIR = "Vous pouvez recommencer depuis la page de connexion."
CONTACTER = (
    "Si vous êtes inscrit à France Travail ou allocataire, contactez France Travail (3949) ou votre caisse "
    "(CAF, MSA) pour faire vérifier votre état civil ; l'administration qui vous a envoyé ici peut aussi "
    "traiter votre démarche sur justificatifs."
)
REFUS_FEDERATION = {
    client.Raison.ANNULEE: ("Connexion annulée", "Vous avez annulé la connexion avec FranceConnect.", AGIR, 200),
    client.Raison.ETAT: (
        "Connexion impossible",
        "Cette demande de connexion a expiré ou a déjà servi.",
        AGIR,
        400,
    ),
    client.Raison.JETON: (
        "Connexion impossible",
        "FranceConnect n'a pas confirmé votre identité de façon sûre.",
        AGIR,
        400,
    ),
    client.Raison.REFUSEE: ("Connexion impossible", "FranceConnect a refusé la connexion.", AGIR, 400),
    client.Raison.INJOIGNABLE: (
        "FranceConnect ne répond pas",
        "Le service FranceConnect ne répond pas pour le moment : vous n'avez pas été connecté.",
        "Réessayez dans quelques minutes.",
        503,
    ),
}
REFUS_IDENTITE = {
    "aucune": (
        "Aucun dossier à votre nom",
        "L'identité transmise par FranceConnect ne correspond à aucun dossier de demandeur d'emploi ou "
        "d'allocataire connu de ce service.",
    ),
    "plusieurs": (
        "Plusieurs dossiers possibles",
        "L'identité transmise par FranceConnect correspond à plusieurs dossiers : pour protéger vos données, "
        "nous ne choisissons pas à votre place.",
    ),
    CLAIMS_MANQUANTES: (
        "Identité incomplète",
        "FranceConnect n'a pas transmis toute votre identité (nom de naissance, prénoms, date, sexe et lieu de "
        "naissance) : nous ne pouvons pas retrouver votre dossier.",
    ),
}


class FranceConnectBackend(LocalPasswordBackend):
    """FranceConnect, or any OpenID Connect provider that gives the pivot identity (France Travail's own
    provider speaks the same protocol). Local passwords stay available where the setting allows them."""

    bouton: str | None = "FranceConnect"

    def start(self, request: HttpRequest, *, next_url: str) -> HttpResponse | None:
        retour = request.build_absolute_uri(reverse("oauth:connexion-retour"))
        try:
            return client.autorisation_rediriger(request, franceconnect(), redirect_uri=retour)
        except client.EchecFederation as echec:
            raise ConnexionRefusee(*REFUS_FEDERATION[echec.raison]) from echec

    def complete(self, request: HttpRequest) -> User | None:
        fournisseur = franceconnect()
        try:
            identite = client.retour_lire(request, fournisseur)
            utilisateur = demandeur_federe_connecter(
                fournisseur=fournisseur.nom, sub=identite.sub, claims=identite.claims
            )
        except client.EchecFederation as echec:
            raise ConnexionRefusee(*REFUS_FEDERATION[echec.raison]) from echec
        except IdentiteIntrouvable as introuvable:
            raise ConnexionRefusee(*REFUS_IDENTITE[introuvable.motif], CONTACTER, 403) from introuvable
        client.session_retenir(request, fournisseur, identite)
        return utilisateur

    def logout_url(self, request: HttpRequest, *, post_logout_redirect_uri: str) -> tuple[str, str] | None:
        return client.deconnexion_url(request, franceconnect(), post_logout_redirect_uri=post_logout_redirect_uri)


def identity_backend() -> IdentityBackend:
    return import_string(settings.DEMANDEUR_IDENTITY_BACKEND)()
