"""The secret just handed over, carried sealed in the session to the one page that shows it.

Sessions live in the database (and its backups): the secret goes there only as a Fernet token, under a key
derived from SECRET_KEY for this purpose alone, readable for a few minutes, and removed by the first read.
"""

import base64
import json
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

from indemnites.habilitations.services import SecretRemis

DUREE_AFFICHAGE = timedelta(minutes=5)
# A distinct derivation per use: this key opens nothing but a secret waiting to be shown.
_USAGE_CLE = b"indemnites.habilitations.secret-remis.session.v1"
_CLE_SESSION = "secret_scelle_"  # not the former plain-dict key: an old value is never fed to Fernet
_DATES = ("ancien_valide_jusqu_au", "plus_ancien_refuse")


class SecretPerime(Exception):
    """The sealed secret is too old or cannot be opened (e.g. SECRET_KEY rotated): it can no longer be shown."""


def _fernet() -> Fernet:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_USAGE_CLE)
    return Fernet(base64.urlsafe_b64encode(hkdf.derive(settings.SECRET_KEY.encode())))


def _cle(demande_pk: int) -> str:
    return f"{_CLE_SESSION}{demande_pk}"


def secret_sceller(*, session: SessionBase, demande_pk: int, remis: SecretRemis) -> None:
    clair = json.dumps(asdict(remis), default=datetime.isoformat).encode()
    session[_cle(demande_pk)] = _fernet().encrypt(clair).decode()


def secret_desceller(*, session: SessionBase, demande_pk: int) -> SecretRemis | None:
    """The secret waiting for this request's page, once: None when there is none (e.g. a reload).
    Raises SecretPerime when it was sealed more than DUREE_AFFICHAGE ago or cannot be opened."""
    jeton = session.pop(_cle(demande_pk), None)
    if jeton is None:
        return None
    try:
        contenu: dict[str, Any] = json.loads(_fernet().decrypt(jeton, ttl=int(DUREE_AFFICHAGE.total_seconds())))
    except InvalidToken as erreur:
        raise SecretPerime from erreur
    dates = {cle: datetime.fromisoformat(contenu[cle]) if contenu[cle] else None for cle in _DATES}
    return SecretRemis(**{**contenu, **dates})
