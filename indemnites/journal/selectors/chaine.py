"""The chain's state: signing keys, heads, checkpoints, records waiting for their seal."""

from datetime import datetime
from functools import lru_cache

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Count, Min

from indemnites.journal import domain
from indemnites.journal.domain import ACCES, ADMINISTRATIF, CHAMPS
from indemnites.journal.empreintes import empreinte_sql
from indemnites.journal.models import ActionAdministrative, Enregistrement, PointDeControle, TeteChaine

Modele = type[Enregistrement] | type[ActionAdministrative]
MODELES: dict[str, Modele] = {ACCES: Enregistrement, ADMINISTRATIF: ActionAdministrative}


@lru_cache(maxsize=4)
def _cle_privee(pem: str) -> domain.Ed25519PrivateKey:
    return domain.cle_privee_lire(pem)


def cle_signature() -> domain.Ed25519PrivateKey:
    """The checkpoint signing key (JOURNAL_SIGNING_KEY); ImproperlyConfigured when absent or invalid."""
    pem = settings.JOURNAL_SIGNING_KEY
    if not pem:
        raise ImproperlyConfigured("JOURNAL_SIGNING_KEY est vide : aucun point de contrôle ne peut être signé.")
    try:
        return _cle_privee(pem)
    except ValueError as error:
        raise ImproperlyConfigured(f"JOURNAL_SIGNING_KEY n'est pas une clé Ed25519 PEM valide ({error}).") from error


def cle_publique() -> Ed25519PublicKey | None:
    """The public half of the current signing key, published at /journal/cle-publique."""
    try:
        return cle_signature().public_key()
    except ImproperlyConfigured:
        return None


def cles_de_verification() -> dict[str, Ed25519PublicKey]:
    """Trusted keys by fingerprint: the current one and JOURNAL_PUBLIC_KEYS (previous keys, or the public
    key alone on an auditor's machine that has no private key)."""
    cles = [domain.cle_publique_lire(texte) for texte in settings.JOURNAL_PUBLIC_KEYS]
    courante = cle_publique()
    if courante is not None:
        cles.append(courante)
    return {domain.cle_empreinte(cle): cle for cle in cles}


def tete_lire(*, journal: str) -> tuple[int, str] | None:
    tete = TeteChaine.objects.filter(journal=journal).values_list("rang", "empreinte").first()
    return (tete[0], tete[1]) if tete else None


def point_de_controle_domaine(point: PointDeControle) -> domain.PointDeControle:
    return domain.PointDeControle(
        journal=point.journal,
        numero=point.numero,
        rang=point.rang,
        empreinte=point.empreinte,
        horodatage=domain.horodatage_canonique(point.horodatage),
        cle=point.cle,
        signature=point.signature,
    )


def points_de_controle_lister(*, journal: str) -> list[domain.PointDeControle]:
    return [point_de_controle_domaine(p) for p in PointDeControle.objects.filter(journal=journal).order_by("numero")]


def dernier_point_de_controle(*, journal: str) -> PointDeControle | None:
    return PointDeControle.objects.filter(journal=journal).order_by("-numero").first()


def horodatage_sql() -> str:
    """The instant in canonical form, computed by the database: much faster than parsing it in Python."""
    if connection.vendor == "postgresql":
        return "to_char(horodatage AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
    # SQLite keeps Django's text `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC).
    return "replace(horodatage, ' ', 'T') || CASE WHEN length(horodatage) = 19 THEN '.000000' ELSE '' END || 'Z'"


def champs_sql(journal: str) -> list[str]:
    """The hashed columns of a journal (CHAMPS order) as raw SQL must read them to hash them: the instant in
    canonical form, the request body's fingerprint in hex."""
    return [
        horodatage_sql() if nom == "horodatage" else empreinte_sql(nom) if nom == "empreinte_requete" else nom
        for nom in CHAMPS[journal]
    ]


def non_scelles(*, journal: str) -> tuple[int, datetime | None]:
    """How many records wait for their seal, and since when."""
    attente = (
        MODELES[journal].objects.filter(rang__isnull=True).aggregate(nombre=Count("id"), depuis=Min("horodatage"))
    )
    return attente["nombre"], attente["depuis"]


def non_scelle_existe(*, journal: str) -> bool:
    return MODELES[journal].objects.filter(rang__isnull=True).exists()
