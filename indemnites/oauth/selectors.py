"""Reading tokens on the hot path of the data routes."""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from indemnites.oauth.models import AccessToken, Application

# One hand-written query instead of the ORM: building the ORM query costs several times
# what SQLite or PostgreSQL spend answering it, on every API call (bench/README.md).
_JETON_SQL = f"""
SELECT a.client_id, a.champs, a.destinataires, t.scope, t.user_id
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


def _json_list(value: Any) -> list[str]:
    return json.loads(value) if isinstance(value, str | bytes) else list(value or [])


def jeton_lire(token: str) -> JetonContexte | None:
    """The live token's client and grants, or None (unknown, expired, or client disabled)."""
    checksum = hashlib.sha256(token.encode()).hexdigest()
    with connection.cursor() as cursor:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        cursor.execute(_JETON_SQL, [checksum, now])
        row = cursor.fetchone()
    if row is None:
        return None
    client_id, champs, destinataires, scope, user_id = row
    return JetonContexte(
        client_id=client_id,
        champs=frozenset(_json_list(champs)),
        destinataires=frozenset(_json_list(destinataires)),
        scopes=frozenset(scope.split()),
        user_id=user_id,
    )
