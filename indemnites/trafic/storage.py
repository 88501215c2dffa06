"""Where the limits count: in process by default, in Redis when REDIS_URL is set (shared by every
worker and instance, through the `limits` library's Redis storage and two scripts of our own).

A Redis failure never refuses a request: the limits open, an alert is logged (once per pause) and
counted in the metrics, and Redis is only tried again after TRAFIC_REDIS_PAUSE_SECONDES, so an outage
costs each request nothing more than a clock read.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from django.conf import settings
from django.core.signals import setting_changed
from limits.storage import RedisStorage
from redis.exceptions import RedisError

from indemnites.exploitation import metriques

logger = logging.getLogger("indemnites.trafic")
T = TypeVar("T")

# One round trip: count the hit, open the window on the first one, say when the window ends.
_COMPTER = """
local n = redis.call('INCRBY', KEYS[1], 1)
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}
"""
# A client's request, in one round trip: its quota first; then, if within the quota and the request names
# a person, the day's distinct persons (a known one always passes; a new one only while there is room).
_CLIENT = """
local n = redis.call('INCRBY', KEYS[1], 1)
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local reste = redis.call('PTTL', KEYS[1])
if n > tonumber(ARGV[2]) or ARGV[3] == '' then return {n, reste, 1} end
if redis.call('SADD', KEYS[2], ARGV[3]) == 1 then
  local taille = redis.call('SCARD', KEYS[2])
  if taille > tonumber(ARGV[4]) then
    redis.call('SREM', KEYS[2], ARGV[3])
    return {n, reste, 0}
  end
  if taille == 1 then redis.call('EXPIRE', KEYS[2], ARGV[5]) end
end
return {n, reste, 1}
"""
# The errors that mean "Redis is not answering" (connection refused, timeout, reset).
STORAGE_ERRORS = (RedisError, OSError)


@dataclass(frozen=True)
class Quota:
    cle: str
    quota: int
    fenetre: int


@dataclass(frozen=True)
class Personnes:
    cle: str  # the client's set of the day
    membre: str  # the person's digest
    plafond: int
    duree: int  # seconds the set is kept


class Compteurs(Protocol):
    def compter(self, cle: str, fenetre: int) -> tuple[int, float]:
        """Counts one hit; returns the hits in the window and the Unix time at which it ends."""
        ...

    def client_compter(self, quota: Quota, personnes: Personnes | None) -> tuple[int, float, bool]:
        """Counts a client's hit, then (within its quota) adds the person to the day's set; returns the
        hits in the window, the Unix time at which it ends, and whether the person was accepted."""
        ...


class CompteursMemoire:
    """Per process: each worker counts alone, so a limit holds per worker, not per service.

    Fixed windows in a dict, expired lazily. Not `limits`' MemoryStorage: to expire its keys it starts a
    timer thread every 10 ms under load, a thread start for every few requests of the data route
    (bench/README.md, « Charge de l'API »)."""

    MENAGE_SECONDES = 60.0  # how often expired windows and sets are dropped

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fenetres: dict[str, list[float]] = {}  # key -> [hits, Unix time the window ends]
        self._ensembles: dict[str, tuple[set[str], float]] = {}  # key -> (members, Unix time it expires)
        self._prochain_menage = 0.0

    def compter(self, cle: str, fenetre: int) -> tuple[int, float]:
        maintenant = time.time()
        with self._lock:
            self._menage(maintenant)
            courante = self._fenetres.get(cle)
            if courante is None or courante[1] <= maintenant:
                courante = self._fenetres[cle] = [0, maintenant + fenetre]
            courante[0] += 1
            return int(courante[0]), courante[1]

    def client_compter(self, quota: Quota, personnes: Personnes | None) -> tuple[int, float, bool]:
        consommes, fin = self.compter(quota.cle, quota.fenetre)
        if consommes > quota.quota or personnes is None:
            return consommes, fin, True
        return consommes, fin, self._personne_ajouter(personnes)

    def _personne_ajouter(self, personnes: Personnes) -> bool:
        maintenant = time.time()
        with self._lock:
            ensemble = self._ensembles.get(personnes.cle)
            if ensemble is None or ensemble[1] <= maintenant:
                ensemble = self._ensembles[personnes.cle] = (set(), maintenant + personnes.duree)
            membres = ensemble[0]
            if personnes.membre not in membres and len(membres) >= personnes.plafond:
                return False
            membres.add(personnes.membre)
            return True

    def _menage(self, maintenant: float) -> None:
        """Called with the lock held: memory holds only the windows and sets still open (a day for the sets)."""
        if maintenant < self._prochain_menage:
            return
        self._prochain_menage = maintenant + self.MENAGE_SECONDES
        self._fenetres = {cle: valeur for cle, valeur in self._fenetres.items() if valeur[1] > maintenant}
        self._ensembles = {cle: valeur for cle, valeur in self._ensembles.items() if valeur[1] > maintenant}


class CompteursRedis:
    def __init__(self, url: str, *, prefixe: str, delai: float) -> None:
        # Short timeouts: a Redis that does not answer must not hold a request for long.
        self.storage = RedisStorage(
            url, key_prefix=prefixe, socket_timeout=delai, socket_connect_timeout=delai, health_check_interval=30
        )
        connexion = self.storage.get_connection()
        # limits' connection protocol says bytes; redis-py takes the script's text as well.
        self._compter = connexion.register_script(_COMPTER)  # type: ignore[arg-type]  # see above
        self._client = connexion.register_script(_CLIENT)  # type: ignore[arg-type]  # see above

    def compter(self, cle: str, fenetre: int) -> tuple[int, float]:
        consommes, reste_ms = self._compter(keys=[self.storage.prefixed_key(cle)], args=[fenetre * 1000])
        return int(consommes), self._fin(reste_ms, fenetre)

    def client_compter(self, quota: Quota, personnes: Personnes | None) -> tuple[int, float, bool]:
        cles = [self.storage.prefixed_key(quota.cle), self.storage.prefixed_key(personnes.cle if personnes else "-")]
        arguments: list[str | int | float] = [quota.fenetre * 1000, quota.quota]
        arguments += [personnes.membre, personnes.plafond, personnes.duree] if personnes else ["", 0, 0]
        consommes, reste_ms, accepte = self._client(keys=cles, args=arguments)
        return int(consommes), self._fin(reste_ms, quota.fenetre), bool(accepte)

    @staticmethod
    def _fin(reste_ms: int, fenetre: int) -> float:
        # No expiry (cannot happen with the scripts): count the whole window.
        return time.time() + (reste_ms if reste_ms >= 0 else fenetre * 1000) / 1000


class Disjoncteur:
    """Opens for a pause after a storage error; while open, callers get None (limits fail open)."""

    def __init__(self, compteurs: Compteurs, *, pause: float) -> None:
        self.compteurs = compteurs
        self.pause = pause
        self._ouvert_jusqua = 0.0

    def appeler(self, operation: Callable[[Compteurs], T]) -> T | None:
        if time.monotonic() < self._ouvert_jusqua:
            metriques.limites_ouvertes_compter()
            return None
        try:
            return operation(self.compteurs)
        except STORAGE_ERRORS as error:
            self._ouvert_jusqua = time.monotonic() + self.pause
            metriques.limites_ouvertes_compter(erreur=True)
            logger.error(
                "alerte : compteurs des limites injoignables, requêtes acceptées sans limite",
                extra={"reason": type(error).__name__},
            )
            return None

    @property
    def ouvert(self) -> bool:
        return time.monotonic() < self._ouvert_jusqua


_instance: Disjoncteur | None = None
_instance_lock = threading.Lock()


def disjoncteur() -> Disjoncteur:
    """The process's counters, built on first use from the settings."""
    global _instance
    if _instance is None:
        with _instance_lock:
            if _instance is None:
                _instance = Disjoncteur(_compteurs_construire(), pause=settings.TRAFIC_REDIS_PAUSE_SECONDES)
    return _instance


def _compteurs_construire() -> Compteurs:
    if settings.REDIS_URL:
        return CompteursRedis(
            settings.REDIS_URL, prefixe=settings.TRAFIC_PREFIXE_CLES, delai=settings.TRAFIC_REDIS_DELAI_SECONDES
        )
    return CompteursMemoire()


def reinitialiser(**kwargs: object) -> None:
    """Forget the counters (they are rebuilt from the settings on next use)."""
    global _instance
    with _instance_lock:
        _instance = None


def _setting_changed(*, setting: str, **kwargs: object) -> None:
    if setting == "REDIS_URL" or setting.startswith("TRAFIC_"):
        reinitialiser()


setting_changed.connect(_setting_changed)
