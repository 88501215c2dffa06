"""Signed proofs of an answer: what they state, how they bind to a person without naming them, which keys
verify them. Pure: no Django.

A proof is a compact JWS (ES256, `kid` = RFC 7638 thumbprint of the signing key) whose claims are the answer
and its context. The person is bound by `empreinteIdentite` = SHA-256(sel ‖ identité canonique), hex, where
`sel` is 128 random bits (32 hex characters) sent beside the proof and kept by the administration with its
case file: without the salt, the claim reveals nothing, not even to someone trying every NIR.

Canonical identities (UTF-8):
    identifiant:<identifiant France Travail>
    nir:<NIR, 15 caractères en majuscules, sans espace, point ni tiret>:<date de naissance AAAA-MM-JJ>
    sub:<sub OpenID Connect du demandeur connecté>
"""

import calendar
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet

ALGORITHME = "ES256"
TYPE = "JWT"
SEL_OCTETS = 16  # 128 bits
REVENDICATION_IDENTITE = "empreinteIdentite"
REVENDICATION_MISE_A_JOUR = "donneesMisesAJourLe"
SEPARATEURS_NIR = re.compile(r"[\s.-]")  # as the API normalises a NIR


def identite_canonique(
    *, identifiant: str = "", nir: str = "", date_naissance: date | None = None, sub: str = ""
) -> str:
    """The one text the identity hash is computed over; exactly one kind of identity."""
    if identifiant:
        return f"identifiant:{identifiant.strip()}"
    if nir and date_naissance is not None:
        return f"nir:{SEPARATEURS_NIR.sub('', nir).upper()}:{date_naissance.isoformat()}"
    if sub:
        return f"sub:{sub.strip()}"
    raise ValueError("identité incomplète : identifiant, nir avec date de naissance, ou sub")


def sel_generer() -> str:
    return secrets.token_hex(SEL_OCTETS)


def identite_empreinte(sel: str, identite: str) -> str:
    return hashlib.sha256((sel + identite).encode()).hexdigest()


@dataclass(frozen=True)
class Reponse:
    """What a proof states: the answer and its context."""

    emetteur: str
    request_id: str
    client_id: str
    destinataire: str
    date_reference: date
    donnees: Mapping[str, bool]
    empreinte_identite: str
    reference_dossier: str = ""
    mise_a_jour: datetime | None = None


def revendications(reponse: Reponse, *, emise_le: int) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "iss": reponse.emetteur,
        "iat": emise_le,
        "jti": reponse.request_id,
        "aud": reponse.client_id,
        "recipient": reponse.destinataire,
        "dateReference": reponse.date_reference.isoformat(),
        **reponse.donnees,
        REVENDICATION_IDENTITE: reponse.empreinte_identite,
    }
    if reponse.reference_dossier:
        claims["referenceDossier"] = reponse.reference_dossier
    if reponse.mise_a_jour is not None:
        claims[REVENDICATION_MISE_A_JOUR] = reponse.mise_a_jour.isoformat()
    return claims


# --- keys -------------------------------------------------------------------------------------------------


def cle_privee_lire(pem: str) -> ECKey:
    """The signing key: a P-256 private key (PEM, PKCS#8 or SEC 1); ValueError otherwise."""
    try:
        cle = ECKey.import_key(pem)
    except (JoseError, ValueError, TypeError) as error:
        raise ValueError(f"clé EC P-256 PEM attendue ({error})") from error
    if cle.as_dict().get("crv") != "P-256" or not cle.is_private:
        raise ValueError("clé privée EC P-256 attendue (ES256)")
    return cle


def jwk_publique(cle: ECKey) -> dict[str, Any]:
    """The key as published in the JWKS: public part, `kid` = RFC 7638 thumbprint."""
    return {**cle.as_dict(private=False), "kid": cle.thumbprint(), "use": "sig", "alg": ALGORITHME}


@dataclass(frozen=True)
class CleRetiree:
    jwk: Mapping[str, Any]
    retiree_le: date


def mois_ajouter(jour: date, mois: int) -> date:
    annees, rang = divmod(jour.month - 1 + mois, 12)
    annee = jour.year + annees
    return date(annee, rang + 1, min(jour.day, calendar.monthrange(annee, rang + 1)[1]))


def jwks_composer(
    courante: ECKey | None, retirees: Iterable[CleRetiree], *, aujourdhui: date, conservation_mois: int
) -> dict[str, list[dict[str, Any]]]:
    """The published key set: the signing key, then each retired key until `conservation_mois` after its
    retirement, so that proofs signed before a rotation still verify."""
    cles = [jwk_publique(courante)] if courante is not None else []
    for retiree in retirees:
        if aujourdhui <= mois_ajouter(retiree.retiree_le, conservation_mois):
            cle = ECKey.import_key(dict(retiree.jwk))
            cles.append({**jwk_publique(cle), "retireeLe": retiree.retiree_le.isoformat()})
    return {"keys": cles}


def preuve_signer(cle: ECKey, claims: Mapping[str, Any]) -> str:
    return jwt.encode({"alg": ALGORITHME, "typ": TYPE, "kid": cle.thumbprint()}, dict(claims), cle)


# --- verification -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """What a pasted proof says. `identite_concorde`: None when no salt and identity were given."""

    valide: bool
    motif: str = ""
    kid: str = ""
    entete: Mapping[str, Any] = field(default_factory=dict)
    revendications: Mapping[str, Any] = field(default_factory=dict)
    identite_concorde: bool | None = None


def preuve_verifier(jws: str, jwks: Mapping[str, Any], *, sel: str = "", identite: str = "") -> Verification:
    """Checks the signature against the key set (ES256 only), then, given the salt and a canonical identity,
    whether the proof concerns that person."""
    try:
        jeu = KeySet.import_key_set(dict(jwks))  # type: ignore[arg-type]  # any JWKS: joserfc checks it
        jeton = jwt.decode(jws.strip(), jeu, algorithms=[ALGORITHME])
    except JoseError as error:
        return Verification(valide=False, motif=_motif(error))
    except (ValueError, TypeError):
        return Verification(valide=False, motif="Ce texte n'est pas une preuve au format JWS compact.")
    if retrait := retrait_refuse(jwks, jeton.header, jeton.claims):
        return Verification(valide=False, motif=retrait)
    concorde = None
    if sel and identite:
        attendue = identite_empreinte(sel.strip(), identite)
        concorde = hmac.compare_digest(attendue, str(jeton.claims.get(REVENDICATION_IDENTITE, "")))
    return Verification(
        valide=True,
        kid=str(jeton.header.get("kid", "")),
        entete=jeton.header,
        revendications=jeton.claims,
        identite_concorde=concorde,
    )


def retrait_refuse(jwks: Mapping[str, Any], entete: Mapping[str, Any], claims: Mapping[str, Any]) -> str:
    """Why a proof signed by a retired key is refused, or "" when its key is not retired or the proof was
    issued before the retirement. `retireeLe` is a date: the key signed until the end of that day, UTC (the
    operator retires it during that day), so it validates the proofs whose `iat` comes before the start of
    the next day, UTC. A key retired because it leaked must not validate proofs forged afterwards."""
    retiree_le = _retiree_le(jwks, entete.get("kid"))
    if retiree_le is None:
        return ""
    try:
        fin = datetime.combine(date.fromisoformat(str(retiree_le)) + timedelta(days=1), time.min, tzinfo=UTC)
    except ValueError:
        return f"Date de retrait de la clé illisible dans le JWKS (retireeLe : {str(retiree_le)[:20]!r})."
    emission = _emission(claims.get("iat"))
    if emission is None:
        return "Preuve signée par une clé retirée, sans date d'émission (iat) lisible : refusée."
    if emission >= fin:
        return (
            f"Preuve émise après le retrait de sa clé : clé retirée le {retiree_le} avant l'émission de la preuve "
            f"({emission:%Y-%m-%d %H:%M:%S} UTC). Une clé retirée ne vérifie que les preuves émises au plus "
            "tard le jour de son retrait (UTC)."
        )
    return ""


def _retiree_le(jwks: Mapping[str, Any], kid: object) -> object | None:
    """The `retireeLe` of the key that verified the proof, picked as the JOSE library picks it: the only key
    of the set when the proof names none, else the first key with that `kid`."""
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


def _motif(error: JoseError) -> str:
    motifs = {
        "bad_signature": "La signature ne correspond pas au contenu : la preuve a été modifiée ou n'est pas de nous.",
        "invalid_key_id": "Aucune clé publiée ne porte l'identifiant (kid) de cette preuve.",
        "unsupported_algorithm": "Algorithme de signature non accepté (ES256 attendu).",
    }
    return motifs.get(error.error, "Ce texte n'est pas une preuve au format JWS compact lisible.")
