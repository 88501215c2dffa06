"""Vérifier une preuve signée de l'API indemnités, hors ligne avec un JWKS enregistré, ou en ligne.

Une preuve est un JWS compact (ES256) ; sa revendication `empreinteIdentite` vaut
SHA-256(sel + identité canonique) en hexadécimal, le sel (128 bits, 32 caractères hexadécimaux) étant
l'en-tête `X-Preuve-Sel` reçu avec elle. Une clé retirée (`retireeLe` : AAAA-MM-JJ dans le JWKS) ne vérifie
que les preuves émises (`iat`) avant le lendemain 00:00 UTC de son retrait. Identités canoniques :
`identifiant:<identifiant>`, `nir:<NIR sans espace, point ni tiret, en majuscules>:<AAAA-MM-JJ>`, `sub:<sub>`.
"""

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from indemnites_client.erreurs import PreuveInvalide

ALGORITHME = "ES256"
SEPARATEURS_NIR = re.compile(r"[\s.-]")
Jwks = Mapping[str, Any]


@dataclass(frozen=True)
class PreuveVerifiee:
    """Une preuve dont la signature est valide. `identite_concorde` : None quand ni sel ni identité n'ont
    été donnés."""

    jws: str
    kid: str
    revendications: dict[str, Any]
    sel: str | None = None
    identite_concorde: bool | None = None


def identite_canonique(
    *, identifiant: str | None = None, nir: str | None = None, date_naissance: date | str | None = None,
    sub: str | None = None,
) -> str:  # fmt: skip
    """Le texte sur lequel l'empreinte d'identité est calculée."""
    if identifiant:
        return f"identifiant:{identifiant.strip()}"
    if nir and date_naissance:
        jour = date_naissance.isoformat() if isinstance(date_naissance, date) else date_naissance
        return f"nir:{SEPARATEURS_NIR.sub('', nir).upper()}:{jour}"
    if sub:
        return f"sub:{sub.strip()}"
    raise ValueError("identité incomplète : identifiant, nir avec date_naissance, ou sub")


def identite_empreinte(sel: str, identite: str) -> str:
    return hashlib.sha256((sel + identite).encode()).hexdigest()


def jwks_charger(source: Jwks | str | Path, *, timeout: float = 10.0) -> Jwks:
    """Un JWKS : tel quel (dict), lu dans un fichier, ou téléchargé depuis une URL https:// ou http://."""
    if isinstance(source, Mapping):
        return source
    texte = str(source)
    if texte.startswith(("https://", "http://")):
        reponse = httpx.get(texte, timeout=timeout)
        reponse.raise_for_status()
        jwks: Jwks = reponse.json()
        return jwks
    charge: Jwks = json.loads(Path(texte).read_text(encoding="utf-8"))
    return charge


def preuve_verifier(
    jws: str, jwks_or_url: Jwks | str | Path, sel: str | None = None, identite: str | None = None
) -> PreuveVerifiee:
    """Vérifie la signature (ES256) avec le JWKS donné (dict, fichier ou URL) ; avec `sel` et `identite`
    (canonique, voir `identite_canonique`), vérifie aussi que la preuve concerne cette personne.
    Lève PreuveInvalide si la signature ou l'identité ne correspondent pas."""
    jwks = jwks_charger(jwks_or_url)
    try:
        jeton = jwt.decode(jws.strip(), KeySet.import_key_set(dict(jwks)), algorithms=[ALGORITHME])  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError) as erreur:
        raise PreuveInvalide(f"preuve non valide : {erreur}") from erreur
    _retrait_verifier(jwks, jeton.header.get("kid"), jeton.claims.get("iat"))
    concorde = None
    if sel and identite:
        empreinte = str(jeton.claims.get("empreinteIdentite", ""))
        concorde = hmac.compare_digest(identite_empreinte(sel, identite), empreinte)
        if not concorde:
            raise PreuveInvalide("la preuve ne concerne pas cette identité (ou le sel est faux)")
    return PreuveVerifiee(
        jws=jws.strip(),
        kid=str(jeton.header.get("kid", "")),
        revendications=dict(jeton.claims),
        sel=sel,
        identite_concorde=concorde,
    )


def _retrait_verifier(jwks: Jwks, kid: object, iat: object) -> None:
    """Refuse une preuve signée par une clé retirée avant son émission : une clé retirée parce qu'elle a
    fuité ne doit pas valider les preuves fabriquées ensuite. `retireeLe` est une date : la clé a pu signer
    jusqu'à la fin de ce jour (UTC), donc la preuve doit être émise avant le lendemain 00:00 UTC."""
    retiree_le = _retiree_le(jwks, kid)
    if retiree_le is None:
        return
    try:
        fin = datetime.combine(date.fromisoformat(str(retiree_le)) + timedelta(days=1), time.min, tzinfo=UTC)
    except ValueError as erreur:
        illisible = f"date de retrait de la clé illisible dans le JWKS (retireeLe : {retiree_le!r})"
        raise PreuveInvalide(illisible) from erreur
    emission = _emission(iat)
    if emission is None:
        raise PreuveInvalide("preuve signée par une clé retirée, sans date d'émission (iat) lisible")
    if emission >= fin:
        raise PreuveInvalide(
            f"clé retirée le {retiree_le} avant l'émission de la preuve ({emission:%Y-%m-%d %H:%M:%S} UTC) ; "
            "une clé retirée ne vérifie que les preuves émises au plus tard le jour de son retrait (UTC)"
        )


def _retiree_le(jwks: Jwks, kid: object) -> object | None:
    """Le `retireeLe` de la clé qui a vérifié la preuve, choisie comme joserfc la choisit : la seule clé du
    jeu quand la preuve n'a pas de `kid`, sinon la première qui porte ce `kid`."""
    cles = [cle for cle in jwks.get("keys", []) if isinstance(cle, Mapping)]
    if kid is None and len(cles) == 1:
        return cles[0].get("retireeLe")
    nommees = [cle for cle in cles if cle.get("kid") == kid]
    return nommees[0].get("retireeLe") if nommees else None


def _emission(iat: object) -> datetime | None:
    if isinstance(iat, bool) or not isinstance(iat, int | float):
        return None
    try:
        return datetime.fromtimestamp(iat, UTC)
    except (OverflowError, ValueError, OSError):
        return None
