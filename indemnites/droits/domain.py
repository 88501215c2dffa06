"""Rules of the rights registry: what a right means at a date, and what a valid NIR is.

Pure Python: no Django, so the rules are tested in microseconds with hypothesis.
"""

import calendar
import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Prestation(StrEnum):
    ARE = "ARE"  # allocation d'aide au retour à l'emploi
    ASP = "ASP"  # allocation de sécurisation professionnelle
    ASS = "ASS"  # allocation de solidarité spécifique
    AER = "AER"  # allocation équivalent retraite
    AAH = "AAH"  # allocation aux adultes handicapés
    RSA = "RSA"  # revenu de solidarité active


class Organisme(StrEnum):
    FRANCE_TRAVAIL = "France Travail"
    CAF = "CAF"
    MSA = "MSA"


SOLIDARITE = frozenset({Prestation.ASS, Prestation.AAH, Prestation.RSA, Prestation.AER})
ASSURANCE_CHOMAGE = frozenset({Prestation.ARE, Prestation.ASP})

# Who pays what: France Travail pays the allowances it manages, CAF or MSA pay AAH and RSA.
ORGANISMES_PAR_PRESTATION = {
    Prestation.ARE: {Organisme.FRANCE_TRAVAIL},
    Prestation.ASP: {Organisme.FRANCE_TRAVAIL},
    Prestation.ASS: {Organisme.FRANCE_TRAVAIL},
    Prestation.AER: {Organisme.FRANCE_TRAVAIL},
    Prestation.AAH: {Organisme.CAF, Organisme.MSA},
    Prestation.RSA: {Organisme.CAF, Organisme.MSA},
}


@dataclass(frozen=True)
class Periode:
    prestation: str
    date_debut: date
    date_fin: date | None


@dataclass(frozen=True)
class Indemnisation:
    beneficiairePrestationSolidarite: bool
    beneficiaireAssuranceChomage: bool


def droit_ouvert(periode: Periode, a_la_date: date) -> bool:
    """A right counts on `a_la_date` when it has started and has not ended (an empty end is open)."""
    if periode.date_debut > a_la_date:
        return False
    return periode.date_fin is None or a_la_date <= periode.date_fin


def indemnisation_calculer(periodes: Iterable[Periode], a_la_date: date) -> Indemnisation:
    ouvertes = {p.prestation for p in periodes if droit_ouvert(p, a_la_date)}
    return Indemnisation(
        beneficiairePrestationSolidarite=bool(ouvertes & SOLIDARITE),
        beneficiaireAssuranceChomage=bool(ouvertes & ASSURANCE_CHOMAGE),
    )


# NIR: sex, year, month, department (2A/2B in Corsica), commune, order, then a 2-digit key.
NIR_PATTERN = re.compile(r"^[1-478][0-9]{4}(?:[0-9]{2}|2A|2B)[0-9]{6}[0-9]{2}$")


def nir_normaliser(nir: str) -> str:
    return re.sub(r"[\s.-]", "", nir).upper()


def nir_cle(nir13: str) -> int:
    """The key is 97 minus the 13 first characters modulo 97; Corsica's 2A/2B count as 19/18."""
    numeric = nir13.replace("2A", "19", 1) if nir13[5:7] == "2A" else nir13
    numeric = numeric.replace("2B", "18", 1) if nir13[5:7] == "2B" else numeric
    return 97 - int(numeric) % 97


def nir_valide(nir: str) -> bool:
    """15 characters whose last two are the key of the first thirteen."""
    if not NIR_PATTERN.match(nir):
        return False
    return nir_cle(nir[:13]) == int(nir[13:])


def nir_hacher(nir: str, pepper: str) -> str:
    """The NIR is kept only as this keyed hash (HMAC-SHA256 over its 13 first characters)."""
    return hmac.new(pepper.encode(), nir_normaliser(nir)[:13].encode(), hashlib.sha256).hexdigest()


def mois_avant(jour: date, mois: int) -> date:
    """The same day `mois` months earlier, clamped to that month's last day."""
    annee, mois_index = divmod(jour.year * 12 + jour.month - 1 - mois, 12)
    dernier_jour = calendar.monthrange(annee, mois_index + 1)[1]
    return date(annee, mois_index + 1, min(jour.day, dernier_jour))


def date_reference_erreur(date_reference: date, aujourdhui: date, max_mois: int) -> str | None:
    """Rights are evaluated at most `max_mois` months back, and never in the future."""
    if date_reference > aujourdhui:
        return "La date de référence ne peut pas être dans le futur."
    if date_reference < mois_avant(aujourdhui, max_mois):
        return f"La date de référence ne peut pas remonter à plus de {max_mois} mois."
    return None
