"""Creating clients. The secret is returned once, in clear, and stored only as a hash."""

import secrets
from dataclasses import asdict, dataclass, replace
from datetime import timedelta
from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import revoke_access_token
from oauth2_provider.settings import oauth2_settings

from indemnites.core.domain import siret_valide
from indemnites.core.errors import IndividuInconnu
from indemnites.droits.selectors import profil_lire
from indemnites.journal.services import Trace, acces_enregistrer
from indemnites.oauth.domain import (
    CHAMPS,
    SCOPE_PARTENAIRE,
    SCOPES_INDIVIDU,
    claims_filtrer,
    code_empreinte,
    donnees_demandees,
    identite_claims,
)
from indemnites.oauth.models import AccessToken, Application, Consentement, Decision, Grant, IDToken, RefreshToken


@dataclass(frozen=True)
class ClientCree:
    application: Application
    client_secret: str


def _verifier(champs: list[str], destinataires: list[str]) -> None:
    inconnus = sorted(set(champs) - set(CHAMPS))
    if not champs or inconnus:
        raise ValidationError(f"Données accordées invalides : choisir parmi {', '.join(CHAMPS)}.")
    invalides = [siret for siret in destinataires if not siret_valide(siret)]
    if not destinataires or invalides:
        raise ValidationError(f"SIRET destinataires invalides ou absents : {', '.join(invalides) or 'aucun'}.")


@transaction.atomic
def client_partenaire_creer(
    *,
    nom: str,
    champs: list[str],
    destinataires: list[str],
    client_id: str | None = None,
    client_secret: str | None = None,
) -> ClientCree:
    """A server-to-server client (client_credentials, scope api_indemnisationsv1)."""
    _verifier(champs, destinataires)
    secret = client_secret or secrets.token_urlsafe(32)
    application = Application(
        name=nom,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        grant_types=[Application.GRANT_CLIENT_CREDENTIALS],
        scopes=SCOPE_PARTENAIRE,
        champs=[champ for champ in CHAMPS if champ in champs],
        destinataires=sorted(set(destinataires)),
        client_secret=secret,
    )
    if client_id:
        application.client_id = client_id
    application.full_clean()
    application.save()
    return ClientCree(application=application, client_secret=secret)


@dataclass(frozen=True)
class ClientSandbox:
    client_id: str
    client_secret: str
    nom: str
    champs: tuple[str, ...]


SANDBOX_DESTINATAIRE = "13002526500013"
# Public, fictitious credentials: they only exist where SANDBOX is on, next to fictitious data.
CLIENTS_SANDBOX = (
    ClientSandbox("sandbox-deux-champs", "sandbox-secret-deux-champs", "Bac à sable : les deux données", CHAMPS),
    ClientSandbox(
        "sandbox-assurance-chomage",
        "sandbox-secret-assurance-chomage",
        "Bac à sable : assurance chômage seulement",
        ("beneficiaireAssuranceChomage",),
    ),
)


def clients_sandbox_charger() -> tuple[ClientSandbox, ...]:
    """Creates the sandbox clients once; a second call changes nothing."""
    for sandbox in CLIENTS_SANDBOX:
        if not Application.objects.filter(client_id=sandbox.client_id).exists():
            client_partenaire_creer(
                nom=sandbox.nom,
                champs=list(sandbox.champs),
                destinataires=[SANDBOX_DESTINATAIRE],
                client_id=sandbox.client_id,
                client_secret=sandbox.client_secret,
            )
    return CLIENTS_SANDBOX


# --- secret rotation (habilitations) -------------------------------------------------------------


def client_secret_renouveler(*, application: Application, grace: timedelta | None) -> str:
    """A new secret, returned once in clear. With a grace period the previous one keeps working until
    then (see `client_secret_precedent_verifier`); without one, it stops at once."""
    secret = secrets.token_urlsafe(32)
    if grace is not None:
        application.secret_precedent = application.client_secret  # already hashed
        application.secret_precedent_expire_le = timezone.now() + grace
    else:
        application.secret_precedent, application.secret_precedent_expire_le = "", None
    application.client_secret = secret  # hashed by DOT's ClientSecretField on save
    application.save(update_fields=["client_secret", "secret_precedent", "secret_precedent_expire_le"])
    return secret


def client_secret_precedent_verifier(*, application: Application, client_secret: str) -> bool:
    """True when `client_secret` is the client's previous secret and its grace period is still running."""
    expire_le = application.secret_precedent_expire_le
    if not application.secret_precedent or not client_secret or expire_le is None or expire_le <= timezone.now():
        return False
    return check_password(client_secret, application.secret_precedent)


# --- connected mode (job seekers) ----------------------------------------------------------------


def _verifier_presentation(demarche: str, base_legale: str, duree_conservation: str) -> None:
    manquants = [
        nom
        for nom, valeur in (
            ("démarche", demarche),
            ("base légale", base_legale),
            ("durée de conservation", duree_conservation),
        )
        if not valeur.strip()
    ]
    if manquants:
        raise ValidationError(f"À indiquer au demandeur d'emploi avant son consentement : {', '.join(manquants)}.")


@transaction.atomic
def client_individu_creer(
    *,
    nom: str,
    champs: list[str],
    destinataires: list[str],
    redirect_uris: list[str],
    demarche: str,
    base_legale: str,
    duree_conservation: str,
    post_logout_redirect_uris: list[str] | None = None,
    pkce_exempte: bool = False,
    refresh_autorise: bool = False,
    client_id: str | None = None,
    client_secret: str | None = None,
) -> ClientCree:
    """A connected-mode client (authorization code + OpenID Connect, the historical PE Connect scopes).
    Redirect URIs are matched exactly, and must be https outside development."""
    _verifier(champs, destinataires)
    _verifier_presentation(demarche, base_legale, duree_conservation)
    secret = client_secret or secrets.token_urlsafe(32)
    application = Application(
        name=nom,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        grant_types=[Application.GRANT_AUTHORIZATION_CODE],
        scopes=" ".join(SCOPES_INDIVIDU),
        champs=[champ for champ in CHAMPS if champ in champs],
        destinataires=list(dict.fromkeys(destinataires)),
        redirect_uris=" ".join(redirect_uris),
        post_logout_redirect_uris=" ".join(post_logout_redirect_uris or ()),
        algorithm=Application.RS256_ALGORITHM,
        pkce_exempte=pkce_exempte,
        refresh_autorise=refresh_autorise,
        demarche=demarche,
        base_legale=base_legale,
        duree_conservation=duree_conservation,
        client_secret=secret,
    )
    if client_id:
        application.client_id = client_id
    application.full_clean()
    application.save()
    return ClientCree(application=application, client_secret=secret)


def consentement_enregistrer(
    *,
    utilisateur_id: int,
    application: Application,
    decision: Decision,
    scopes: list[str],
    scopes_retires: list[str] | None = None,
) -> Consentement:
    """One decision of the job seeker, with the data it covers as the consent page listed it, and the
    catalogue scopes the client asked for that this service dropped."""
    champs = frozenset(application.champs or ())
    return Consentement.objects.create(
        utilisateur_id=utilisateur_id,
        application=application,
        decision=decision,
        scopes=" ".join(scopes),
        donnees=list(donnees_demandees(frozenset(scopes), champs)),
        scopes_retires=" ".join(scopes_retires or ()),
    )


def _jetons_revoquer(**filtre: Any) -> None:
    for access_token in AccessToken.objects.filter(**filtre):
        revoke_access_token(access_token)
    for refresh_token in RefreshToken.objects.filter(revoked__isnull=True, **filtre):
        refresh_token.revoke()
    IDToken.objects.filter(**filtre).delete()
    Grant.objects.filter(**filtre).delete()


def jetons_revoquer(*, utilisateur_id: int, application: Application) -> None:
    """Every token, refresh token, id_token and pending code this person gave this client: at once."""
    _jetons_revoquer(user_id=utilisateur_id, application=application)


@transaction.atomic
def jetons_utilisateur_revoquer(*, utilisateur_id: int) -> None:
    """Logging out ends what the person gave every client (OpenID Connect RP-initiated logout)."""
    _jetons_revoquer(user_id=utilisateur_id)


@transaction.atomic
def autorisation_retirer(*, utilisateur_id: int, application: Application) -> Consentement:
    """The job seeker withdraws an authorisation: recorded, and the client's tokens stop working now."""
    retrait = consentement_enregistrer(
        utilisateur_id=utilisateur_id, application=application, decision=Decision.RETIREE, scopes=[]
    )
    jetons_revoquer(utilisateur_id=utilisateur_id, application=application)
    return retrait


@transaction.atomic
def code_reutilise_revoquer(*, code: str, application: Application) -> None:
    """A code presented twice may have leaked: the tokens issued from it (and their refreshes) are
    revoked (RFC 6749 §4.1.2). A code of another client matches nothing here."""
    empreinte = code_empreinte(code)
    for access_token in AccessToken.objects.filter(code_empreinte=empreinte, application=application):
        revoke_access_token(access_token)
    for refresh_token in RefreshToken.objects.filter(
        code_empreinte=empreinte, application=application, revoked__isnull=True
    ):
        refresh_token.revoke()


@dataclass(frozen=True)
class ClientIndividuSandbox:
    client_id: str
    client_secret: str
    nom: str
    pkce_exempte: bool


# Public, fictitious credentials (sandbox only). The redirect URIs point at the integrator's own machine.
CLIENTS_INDIVIDU_SANDBOX = (
    ClientIndividuSandbox(
        "sandbox-mode-connecte",
        "sandbox-secret-mode-connecte",
        "Administration de démonstration (bac à sable)",
        pkce_exempte=False,
    ),
    ClientIndividuSandbox(
        "sandbox-pe-connect-historique",
        "sandbox-secret-pe-connect-historique",
        "Client PE Connect historique, sans PKCE (bac à sable)",
        pkce_exempte=True,
    ),
)
SANDBOX_REDIRECT_PORT = 8765
SANDBOX_DEMARCHE = "Tarif social de la restauration scolaire (démonstration)"
SANDBOX_BASE_LEGALE = (
    "Article L114-8 du code des relations entre le public et l'administration : échange de données entre "
    "administrations pour instruire votre démarche"
)
SANDBOX_DUREE_CONSERVATION = "Le temps d'instruire votre demande, puis 12 mois au plus"


def sandbox_redirect_uris(chemin: str) -> list[str]:
    """https://127.0.0.1:8765/…, plus http:// where the settings allow it (development)."""
    schemes = [scheme for scheme in ("https", "http") if scheme in oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES]
    hotes = ("127.0.0.1", "localhost")
    return [f"{scheme}://{hote}:{SANDBOX_REDIRECT_PORT}{chemin}" for scheme in schemes for hote in hotes]


def clients_individu_sandbox_charger() -> tuple[ClientIndividuSandbox, ...]:
    """Creates the connected-mode sandbox clients once; a second call changes nothing."""
    for sandbox in CLIENTS_INDIVIDU_SANDBOX:
        if not Application.objects.filter(client_id=sandbox.client_id).exists():
            client_individu_creer(
                nom=sandbox.nom,
                champs=list(CHAMPS),
                destinataires=[SANDBOX_DESTINATAIRE],
                redirect_uris=sandbox_redirect_uris("/callback"),
                post_logout_redirect_uris=sandbox_redirect_uris("/deconnecte"),
                demarche=SANDBOX_DEMARCHE,
                base_legale=SANDBOX_BASE_LEGALE,
                duree_conservation=SANDBOX_DUREE_CONSERVATION,
                pkce_exempte=sandbox.pkce_exempte,
                client_id=sandbox.client_id,
                client_secret=sandbox.client_secret,
            )
    return CLIENTS_INDIVIDU_SANDBOX


@transaction.atomic
def client_sandbox_retour_ajouter(*, client_id: str, redirect_uri: str) -> None:
    """Registers one more exact redirect URI on a sandbox client (the portal's own demo relying party),
    once. Only the public sandbox clients can be changed this way."""
    if client_id not in {sandbox.client_id for sandbox in CLIENTS_INDIVIDU_SANDBOX}:
        raise ValueError("Seuls les clients du bac à sable reçoivent une adresse de retour de démonstration.")
    application = Application.objects.select_for_update().get(client_id=client_id)
    uris = application.redirect_uris.split()
    if redirect_uri not in uris:
        application.redirect_uris = " ".join([*uris, redirect_uri])
        application.full_clean()
        application.save(update_fields=["redirect_uris"])


def profil_consulter(*, trace: Trace, utilisateur_id: int, scopes: frozenset[str]) -> dict[str, str]:
    """The userinfo claims these scopes allow, released only once the journal records them
    (same transaction: no trace, no data)."""
    with transaction.atomic():
        profil = profil_lire(utilisateur_id=utilisateur_id)
        if profil is None:
            acces_enregistrer(trace=replace(trace, resultat=IndividuInconnu.code, statut=404))
        else:
            claims = claims_filtrer(identite_claims(**asdict(profil)), scopes)
            acces_enregistrer(trace=replace(trace, sujet=profil.pseudonyme, champs=tuple(claims)))
    if profil is None:
        raise IndividuInconnu("Aucun demandeur d'emploi ne correspond à ce compte.")
    return claims
