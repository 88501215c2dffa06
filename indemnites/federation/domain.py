"""Rules of identity federation, without Django: reading the claims of FranceConnect (the "identité pivot")
and of ProConnect, and matching a pivot identity to the registry's persons.

Matching never guesses: after normalisation (case, accents, hyphens and apostrophes, the first given name
only), birth name, first given name and birth date must be equal, and the sex and the birthplace too when
the registry knows them. Exactly one person must match; none or several is a refusal.
"""

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from indemnites.droits.domain import Sexe

# What FranceConnect calls the pivot identity; `birthplace` is empty for a person born abroad.
CLAIMS_PIVOT = ("family_name", "given_name", "birthdate", "gender", "birthcountry")
GENRES = {"male": Sexe.MASCULIN, "female": Sexe.FEMININ}
PAYS_FRANCE = "99100"
# INSEE COG codes: a commune (5 characters, Corsica 2A/2B) or, for a person born abroad, a country (99XXX).
COG = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
CLAIMS_PROCONNECT = ("email", "given_name", "usual_name", "siret", "uid")


@dataclass(frozen=True)
class IdentitePivot:
    nom_naissance: str
    prenoms: str
    date_naissance: date
    sexe: Sexe
    lieu_naissance: str  # COG code of the birth commune; "" when born abroad
    pays_naissance: str  # COG code of the birth country


@dataclass(frozen=True)
class PersonneRegistre:
    """What the registry knows of a candidate person (sexe and lieu_naissance may be empty)."""

    id: int
    nom_naissance: str
    prenom: str
    date_naissance: date
    sexe: str
    lieu_naissance: str


class Resultat(StrEnum):
    UNIQUE = "unique"
    AUCUNE = "aucune"
    PLUSIEURS = "plusieurs"


@dataclass(frozen=True)
class Correspondance:
    resultat: Resultat
    personne_id: int | None = None


@dataclass(frozen=True)
class AgentProConnect:
    courriel: str
    prenom: str
    nom: str
    siret: str
    uid: str
    idp_id: str


def nom_normaliser(texte: str) -> str:
    """Upper case, no accents, hyphens and apostrophes as spaces, single spaces: "Le Hénaff-d'Arc" and
    "LE HENAFF D ARC" compare equal."""
    sans_accents = "".join(c for c in unicodedata.normalize("NFKD", texte) if not unicodedata.combining(c))
    separe = re.sub(r"[-‐‑‒–—'’ʼ`´.]", " ", sans_accents.upper())
    return " ".join(separe.split())


def premier_prenom(prenoms: str) -> str:
    """The first given name (FranceConnect sends all of them, space separated; a compound name such as
    "Jean-Pierre" is one given name), normalised."""
    premiers = prenoms.split()
    return nom_normaliser(premiers[0]) if premiers else ""


def claims_manquantes(claims: Mapping[str, Any], attendues: Sequence[str]) -> list[str]:
    return [nom for nom in attendues if not isinstance(claims.get(nom), str) or not claims[nom].strip()]


def pivot_lire(claims: Mapping[str, Any]) -> IdentitePivot | list[str]:
    """The pivot identity, or the names of the claims that are missing or unreadable."""
    manquantes = claims_manquantes(claims, CLAIMS_PIVOT)
    if manquantes:
        return manquantes
    try:
        naissance = date.fromisoformat(claims["birthdate"])
    except ValueError:
        return ["birthdate"]
    sexe = GENRES.get(claims["gender"])
    if sexe is None:
        return ["gender"]
    lieu = claims.get("birthplace") or ""
    if claims["birthcountry"] == PAYS_FRANCE and not COG.match(lieu):
        return ["birthplace"]  # born in France: FranceConnect always gives the commune
    return IdentitePivot(
        nom_naissance=claims["family_name"],
        prenoms=claims["given_name"],
        date_naissance=naissance,
        sexe=sexe,
        lieu_naissance=lieu if claims["birthcountry"] == PAYS_FRANCE else "",
        pays_naissance=claims["birthcountry"],
    )


def personne_correspond(pivot: IdentitePivot, personne: PersonneRegistre) -> bool:
    if personne.date_naissance != pivot.date_naissance:
        return False
    if nom_normaliser(personne.nom_naissance) != nom_normaliser(pivot.nom_naissance):
        return False
    if premier_prenom(personne.prenom) != premier_prenom(pivot.prenoms):
        return False
    if personne.sexe and personne.sexe != pivot.sexe.value:
        return False
    return not personne.lieu_naissance or personne.lieu_naissance == lieu_cog(pivot)


def lieu_cog(pivot: IdentitePivot) -> str:
    """The code the registry's `lieu_naissance` holds: the commune, or the country for a birth abroad."""
    return pivot.lieu_naissance or pivot.pays_naissance


def correspondance_chercher(pivot: IdentitePivot, candidats: Sequence[PersonneRegistre]) -> Correspondance:
    trouvees = [personne.id for personne in candidats if personne_correspond(pivot, personne)]
    if not trouvees:
        return Correspondance(Resultat.AUCUNE)
    if len(trouvees) > 1:
        return Correspondance(Resultat.PLUSIEURS)
    return Correspondance(Resultat.UNIQUE, trouvees[0])


def origines(*urls: str) -> list[str]:
    """The origins (scheme://host:port) of the configured providers, for the pages' CSP `form-action`."""
    return [f"{urlsplit(url).scheme}://{urlsplit(url).netloc}" for url in urls if url]


def agent_proconnect_lire(claims: Mapping[str, Any]) -> AgentProConnect | list[str]:
    """An agent from ProConnect's claims, or the names of the missing ones."""
    manquantes = claims_manquantes(claims, CLAIMS_PROCONNECT)
    if manquantes:
        return manquantes
    return AgentProConnect(
        courriel=claims["email"].strip().lower(),
        prenom=claims["given_name"].strip(),
        nom=claims["usual_name"].strip(),
        siret=re.sub(r"\s", "", claims["siret"]),
        uid=claims["uid"],
        idp_id=str(claims.get("idp_id") or ""),
    )
