"""Failed job seeker logins, counted per account and per source IP with `limits`.

Three small functions, so that the traffic module can take them over (shared limiter, client IP behind
a proxy) without touching the login page. Counters live in Redis when REDIS_URL is set (shared by every
instance), else in the process's memory. If the store fails, logins are not blocked: locking every job
seeker out would be worse than a short spell without the brute-force guard (a warning is logged).
"""

import hashlib
import logging
import math
import time
from functools import cache

from django.conf import settings
from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

logger = logging.getLogger("indemnites.oauth")


@cache
def _limiter(uri: str, prefix: str) -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(storage_from_string(uri, key_prefix=prefix, wrap_exceptions=True))


def limiter() -> MovingWindowRateLimiter:
    uri = settings.REDIS_URL or "memory://"
    return _limiter(uri, f"{settings.CACHES['default'].get('KEY_PREFIX', 'indemnites')}:connexion")


def _compteurs(identifiant: str, ip: str) -> list[tuple[RateLimitItem, str, str]]:
    # Keys never hold the identifiant itself.
    compte = hashlib.sha256(identifiant.strip().lower().encode()).hexdigest()[:32]
    return [
        (parse(settings.DEMANDEUR_CONNEXION_LIMITE_COMPTE), "compte", compte),
        (parse(settings.DEMANDEUR_CONNEXION_LIMITE_IP), "ip", ip or "inconnue"),
    ]


def connexion_attente(*, identifiant: str, ip: str) -> tuple[str, int] | None:
    """("compte" or "ip", seconds to wait) when too many logins failed lately, else None."""
    try:
        for item, portee, cle in _compteurs(identifiant, ip):
            if not limiter().test(item, portee, cle):
                reset = limiter().get_window_stats(item, portee, cle).reset_time
                return portee, max(1, math.ceil(reset - time.time()))
    except StorageError:
        logger.warning("limiteur de connexion indisponible", extra={"reason": "storage"})
    return None


def connexion_echec_compter(*, identifiant: str, ip: str) -> None:
    try:
        for item, portee, cle in _compteurs(identifiant, ip):
            limiter().hit(item, portee, cle)
    except StorageError:
        logger.warning("limiteur de connexion indisponible", extra={"reason": "storage"})


def connexion_reussite(*, identifiant: str) -> None:
    """A successful login wipes the account's failures (not the IP's)."""
    item, portee, cle = _compteurs(identifiant, "")[0]
    try:
        limiter().clear(item, portee, cle)
    except StorageError:
        logger.warning("limiteur de connexion indisponible", extra={"reason": "storage"})
