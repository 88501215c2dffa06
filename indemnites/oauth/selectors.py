"""Reads: tokens on the hot path of the data routes (hand-written SQL); clients, consents and
introspection of the connected mode."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.utils import timezone

from indemnites.droits.selectors import profil_lire
from indemnites.oauth.models import AccessToken, Application, Consentement, Decision

# One hand-written query instead of the ORM: building the ORM query costs several times
# what SQLite or PostgreSQL spend answering it, on every API call (bench/README.md).
_JETON_SQL = f"""
SELECT a.client_id, a.champs, a.destinataires, t.scope, t.user_id, a.quota_par_seconde, a.volume_journalier
FROM {AccessToken._meta.db_table} t
JOIN {Application._meta.db_table} a ON a.id = t.application_id
WHERE t.token_checksum = %s AND t.expires > %s AND a.actif
"""


@dataclass(frozen=True)
class JetonContexte:
    client_id: str
    champs: frozenset[str]
    destinataires: frozenset[str]
    scopes: frozenset[str]
    user_id: int | None
    # Traffic (indemnites.trafic): requests per second, and the expected distinct persons per day.
    quota_par_seconde: int | None = None
    volume_journalier: int | None = None
    # Connected mode: the first recipient SIRET is the organisation's own (journal, consent page).
    destinataire_principal: str = ""


def _json_list(value: Any) -> list[str]:
    return json.loads(value) if isinstance(value, str | bytes) else list(value or [])


def _jeton_ligne(checksum: str) -> tuple[Any, ...] | None:
    with connection.cursor() as cursor:
        cursor.execute(_JETON_SQL, [checksum, connection.ops.adapt_datetimefield_value(timezone.now())])
        return cursor.fetchone()


def jeton_lire(token: str) -> JetonContexte | None:
    """The live token's client and grants, or None (unknown, expired, or client disabled)."""
    row = _jeton_ligne(hashlib.sha256(token.encode()).hexdigest())
    if row is None:
        return None
    client_id, champs, destinataires, scope, user_id, quota_par_seconde, volume_journalier = row
    destinataires = _json_list(destinataires)
    return JetonContexte(
        client_id=client_id,
        champs=frozenset(_json_list(champs)),
        destinataires=frozenset(destinataires),
        destinataire_principal=destinataires[0] if destinataires else "",
        scopes=frozenset(scope.split()),
        user_id=user_id,
        quota_par_seconde=quota_par_seconde,
        volume_journalier=volume_journalier,
    )


# --- connected mode (job seekers) ----------------------------------------------------------------


def client_pkce_exempte(*, client_id: str) -> bool:
    """Only a confidential client explicitly flagged "legacy PE Connect client" may skip PKCE."""
    return Application.objects.filter(
        client_id=client_id, pkce_exempte=True, client_type=Application.CLIENT_CONFIDENTIAL
    ).exists()


@dataclass(frozen=True)
class Presentation:
    """How the consent page and "Mes autorisations" name a client and what it does with the data."""

    organisation: str
    siret: str
    demarche: str
    base_legale: str
    duree_conservation: str
    champs: frozenset[str]


def client_presenter(*, application: Application) -> Presentation:
    """Until habilitations carry these, the organisation is the client's name and its SIRET the first
    recipient it is allowed to name."""
    destinataires = _json_list(application.destinataires)
    return Presentation(
        organisation=application.name,
        siret=destinataires[0] if destinataires else "",
        demarche=application.demarche,
        base_legale=application.base_legale,
        duree_conservation=application.duree_conservation,
        champs=frozenset(_json_list(application.champs)),
    )


@dataclass(frozen=True)
class Autorisation:
    application: Application
    presentation: Presentation
    donnees: tuple[str, ...]
    accordee_le: datetime


def autorisations_lister(*, utilisateur_id: int) -> list[Autorisation]:
    """The clients this job seeker has authorised and not withdrawn since (latest decision first)."""
    dernieres: dict[int, Consentement] = {}
    decisions = Consentement.objects.filter(utilisateur_id=utilisateur_id).select_related("application")
    for consentement in decisions.order_by("-horodatage", "-id"):
        dernieres.setdefault(consentement.application_id, consentement)
    return [
        Autorisation(
            application=consentement.application,
            presentation=client_presenter(application=consentement.application),
            donnees=tuple(consentement.donnees),
            accordee_le=consentement.horodatage,
        )
        for consentement in dernieres.values()
        if consentement.decision == Decision.ACCORDEE
    ]


def jeton_introspecter(*, token: str, application: Application) -> dict[str, Any]:
    """RFC 7662 answer about one of this client's access tokens; anything else is inactive."""
    checksum = hashlib.sha256(token.encode()).hexdigest()
    jeton = AccessToken.objects.filter(token_checksum=checksum, application=application).first()
    if jeton is None or jeton.is_expired():
        return {"active": False}
    reponse: dict[str, Any] = {
        "active": True,
        "token_type": "Bearer",
        "client_id": application.client_id,
        "scope": jeton.scope,
        "iat": int(jeton.created.timestamp()),
        "exp": int(jeton.expires.timestamp()),
    }
    profil = profil_lire(utilisateur_id=jeton.user_id) if jeton.user_id else None
    if profil is not None:
        reponse["sub"] = profil.pseudonyme
    return reponse


def consentement_couvre(*, utilisateur_id: int, application: Application, scopes: frozenset[str]) -> bool:
    """True when this person's latest decision about this client grants at least these scopes (what
    `prompt=none` needs to answer without showing the consent page)."""
    derniere = (
        Consentement.objects.filter(utilisateur_id=utilisateur_id, application=application)
        .order_by("-horodatage", "-id")
        .first()
    )
    return derniere is not None and derniere.decision == Decision.ACCORDEE and scopes <= set(derniere.scopes.split())
