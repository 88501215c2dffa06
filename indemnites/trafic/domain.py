"""Rate-limit rules: policies, window states, the headers that advertise them. No Django imports.

Counting is by fixed window (the window opens at the first hit of a key and lasts `fenetre` seconds);
the headers follow draft-ietf-httpapi-ratelimit-headers-11 (`RateLimit-Policy`, `RateLimit`) and keep
the older `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` that API Particulier's clients read
(`Reset` is, as there, the Unix time at which the window ends).
"""

import hashlib
import hmac
import ipaddress
import math
import re
from dataclasses import dataclass

UNITES = {"second": 1, "seconde": 1, "minute": 60, "hour": 3600, "heure": 3600, "day": 86400, "jour": 86400}
TEXTE_POLITIQUE = re.compile(r"\s*([0-9]+)\s*/\s*([0-9]*)\s*([a-z]+?)s?\s*")
POLICY_NAME = re.compile(r"[a-z0-9-]{1,32}")
# An IPv6 host usually owns a whole /64: counting per address would let it rotate addresses freely.
IPV6_PREFIXE = 64


@dataclass(frozen=True)
class Politique:
    nom: str  # the name advertised in the headers and in `violated-policies`
    quota: int  # requests allowed per window
    fenetre: int  # window length, seconds

    def __post_init__(self) -> None:
        if not POLICY_NAME.fullmatch(self.nom) or self.quota < 0 or self.fenetre < 1:
            raise ValueError(f"politique invalide : {self.nom!r} {self.quota}/{self.fenetre}s")


def politique_lire(nom: str, texte: str) -> Politique:
    """`"20/minute"`, `"5/10 seconds"`, `"1000/hour"` → a policy."""
    match = TEXTE_POLITIQUE.fullmatch(texte.lower())
    if not match or match.group(3) not in UNITES:
        raise ValueError(f"limite illisible : {texte!r} (attendu par exemple « 20/minute »)")
    quota, multiple, unite = match.groups()
    return Politique(nom=nom, quota=int(quota), fenetre=int(multiple or 1) * UNITES[unite])


@dataclass(frozen=True)
class Etat:
    """A policy's window after one request was counted in it."""

    politique: Politique
    consommes: int  # requests counted in the window, this one included
    fin: float  # Unix time at which the window ends
    connu: bool = True  # False when the counters were unreachable (the limit failed open)

    @property
    def depasse(self) -> bool:
        return self.consommes > self.politique.quota

    @property
    def restant(self) -> int:
        return max(0, self.politique.quota - self.consommes)

    def secondes_restantes(self, maintenant: float) -> int:
        """Whole seconds until the window ends, rounded up: never earlier than the real end."""
        return max(0, math.ceil(self.fin - maintenant))

    def attente(self, maintenant: float) -> int:
        """`Retry-After`: not before the window's end, and at least one second."""
        return max(1, self.secondes_restantes(maintenant))


def etat_ouvert(politique: Politique, maintenant: float) -> Etat:
    """What a request is told while the counters are unreachable: nothing was counted."""
    return Etat(politique=politique, consommes=0, fin=maintenant + politique.fenetre, connu=False)


def etat_le_plus_contraignant(etats: list[Etat]) -> Etat:
    """The one the single-valued legacy headers describe: least remaining, then latest end."""
    return min(etats, key=lambda etat: (etat.restant, -etat.fin))


def en_tetes(etats: list[Etat], maintenant: float) -> dict[str, str]:
    """The RateLimit headers of the limits that were counted. A limit whose counters could not be reached
    (fail-open) is left out rather than advertised with a full quota it never counted: while Redis is down,
    API answers carry no RateLimit header at all."""
    etats = [etat for etat in etats if etat.connu]
    if not etats:
        return {}
    contraignant = etat_le_plus_contraignant(etats)
    return {
        "RateLimit-Policy": ", ".join(
            f'"{e.politique.nom}";q={e.politique.quota};w={e.politique.fenetre}' for e in etats
        ),
        "RateLimit": ", ".join(
            f'"{e.politique.nom}";r={e.restant};t={e.secondes_restantes(maintenant)}' for e in etats
        ),
        "RateLimit-Limit": str(contraignant.politique.quota),
        "RateLimit-Remaining": str(contraignant.restant),
        "RateLimit-Reset": str(math.ceil(contraignant.fin)),
    }


def attente_maximale(etats: list[Etat], maintenant: float) -> int:
    """`Retry-After` of a refusal: the end of the last exceeded window."""
    return max(etat.attente(maintenant) for etat in etats if etat.depasse)


def seuil_personnes(volume_journalier: int | None, *, marge: float, defaut: int) -> int:
    """Distinct persons a client may ask about per day before its usage is abnormal."""
    volume = volume_journalier if volume_journalier else defaut
    # Rounded before the ceiling: 1 × 1.0000000000000002 is one person, float noise must not make it two.
    return max(1, math.ceil(round(volume * marge, 6)))


def cle_adresse(adresse: str) -> str:
    """The partition of a source address: itself for IPv4, its /64 for IPv6."""
    try:
        ip = ipaddress.ip_address(adresse)
    except ValueError:
        return "inconnue"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIXE}", strict=False))
    return str(ip)


def adresse_source(remote_addr: str, forwarded_for: str, proxys: int) -> str:
    """The caller's address: the peer's, or the one the n-th trusted proxy saw (X-Forwarded-For)."""
    if proxys <= 0:
        return remote_addr
    chaine = [part.strip() for part in forwarded_for.split(",") if part.strip()]
    return chaine[-proxys] if len(chaine) >= proxys else remote_addr


def personne_empreinte(cle_secrete: bytes, *parties: str) -> str:
    """A short keyed digest of a person's identity: counted per day, never readable."""
    message = "\x1f".join(parties).encode()
    return hmac.new(cle_secrete, message, hashlib.sha256).hexdigest()[:24]


def verrouillage_attente(moments: list[float], *, politique: Politique, maintenant: float) -> int | None:
    """Failed logins in a sliding window: `moments` are the latest failures (Unix times, newest first).
    None while fewer than the quota fall within the window; else the seconds until the oldest of the
    quota's latest failures leaves it (then an attempt is allowed again)."""
    recents = [moment for moment in moments if moment > maintenant - politique.fenetre]
    if len(recents) < politique.quota:
        return None
    return max(1, math.ceil(recents[politique.quota - 1] + politique.fenetre - maintenant))
