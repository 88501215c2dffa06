"""The proofs' keys, as the settings give them: the signing key (PREUVE_SIGNING_KEY) and the retired public
keys still published (PREUVE_CLES_RETIREES) for PREUVE_CLES_CONSERVATION_MOIS after their retirement."""

import json
from datetime import date
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

from indemnites.preuves.domain import CleRetiree, cle_privee_lire, jwks_composer


@lru_cache(maxsize=4)
def _cle(pem: str) -> ECKey:
    try:
        return cle_privee_lire(pem)
    except ValueError as error:
        raise ImproperlyConfigured(f"PREUVE_SIGNING_KEY : {error}") from error


def cle_signature() -> ECKey | None:
    """The signing key, parsed once per process; None when none is configured (development without
    `make run`); ImproperlyConfigured when it is not a P-256 private key."""
    pem = settings.PREUVE_SIGNING_KEY
    return _cle(pem) if pem else None


@lru_cache(maxsize=4)
def _retirees(texte: str) -> tuple[CleRetiree, ...]:
    """PREUVE_CLES_RETIREES: a JSON list of {"jwk": {...public key...}, "retiree_le": "AAAA-MM-JJ"}."""
    try:
        return tuple(_retiree(entree) for entree in json.loads(texte))
    except (JoseError, ValueError, KeyError, TypeError) as error:
        raise ImproperlyConfigured(f"PREUVE_CLES_RETIREES illisible ({error}).") from error


def _retiree(entree: dict[str, Any]) -> CleRetiree:
    ECKey.import_key(entree["jwk"])  # a key that cannot be read is refused here, not when publishing
    return CleRetiree(jwk=entree["jwk"], retiree_le=date.fromisoformat(str(entree["retiree_le"])))


def cles_retirees() -> tuple[CleRetiree, ...]:
    texte = settings.PREUVE_CLES_RETIREES
    return _retirees(texte) if texte.strip() else ()


def jwks_publie() -> dict[str, list[dict[str, Any]]]:
    """The key set that verifies every proof still within its keys' retention."""
    return jwks_composer(
        cle_signature(),
        cles_retirees(),
        aujourdhui=timezone.localdate(),
        conservation_mois=settings.PREUVE_CLES_CONSERVATION_MOIS,
    )
