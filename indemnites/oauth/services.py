"""Creating clients. The secret is returned once, in clear, and stored only as a hash."""

import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from indemnites.core.domain import siret_valide
from indemnites.oauth.domain import CHAMPS, SCOPE_PARTENAIRE
from indemnites.oauth.models import Application


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
