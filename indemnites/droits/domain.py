"""Rules of the rights registry: what a right means at a date, and what a valid NIR is.

Pure Python: no Django, so the rules are tested in microseconds with hypothesis.
"""

import calendar
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import NamedTuple, TypeVar


class Prestation(StrEnum):
    ARE = "ARE"  # allocation d'aide au retour à l'emploi
    ASP = "ASP"  # allocation de sécurisation professionnelle
    ASS = "ASS"  # allocation de solidarité spécifique
    AER = "AER"  # allocation équivalent retraite
    AAH = "AAH"  # allocation aux adultes handicapés
    RSA = "RSA"  # revenu de solidarité active


class Sexe(StrEnum):
    MASCULIN = "M"
    FEMININ = "F"


class Organisme(StrEnum):
    FRANCE_TRAVAIL = "France Travail"
    CAF = "CAF"
    MSA = "MSA"


SOLIDARITE = frozenset({Prestation.ASS, Prestation.AAH, Prestation.RSA, Prestation.AER})
ASSURANCE_CHOMAGE = frozenset({Prestation.ARE, Prestation.ASP})

# The data a call answers with, as the API names it.
CHAMPS = ("beneficiairePrestationSolidarite", "beneficiaireAssuranceChomage")

# Every piece of data this service may hand over about a person, as its pages name it (consent, accounts,
# the journal's pages).
LIBELLES_DONNEES = {
    "sub": "Un identifiant qui vous désigne auprès de ce service, sans révéler ni votre NIR ni votre identifiant "
    "France Travail",
    "given_name": "Votre prénom",
    "family_name": "Votre nom de naissance",
    "gender": "Votre sexe (masculin ou féminin), tel que le registre le connaît",
    "email": "Votre adresse électronique",
    "beneficiairePrestationSolidarite": "Si vous percevez un minimum social (ASS, AAH, RSA ou AER)",
    "beneficiaireAssuranceChomage": "Si vous percevez une allocation d'assurance chômage (ARE ou ASP)",
}

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
    if not NIR_PATTERN.fullmatch(nir):  # `$` alone would let a trailing newline through
        return False
    return nir_cle(nir[:13]) == int(nir[13:])


def sexe_du_nir(nir: str) -> Sexe:
    """The NIR's first digit: 1 and 2 for a person born in France, 3 and 4 for one born abroad whose
    registration is under way, 7 and 8 for a temporary number; odd is male, even is female."""
    return Sexe.MASCULIN if int(nir[0]) % 2 else Sexe.FEMININ


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


def nir_hacheur(pepper: str) -> Callable[[str], str]:
    """`nir_hacher` for a NIR already normalised, with the key prepared once: over a million lines, the
    same hashes in a third less time."""
    prepare = hmac.new(pepper.encode(), digestmod=hashlib.sha256)

    def hacher(nir: str) -> str:
        empreinte = prepare.copy()
        empreinte.update(nir[:13].encode())
        return empreinte.hexdigest()

    return hacher


# Import of rights files (`manage.py droits_import`): the rules a line follows on its own, and the
# messages of the rules that span lines. No message repeats a value of the file: a shifted column
# could put a NIR anywhere.

COLONNES_IMPORT = (
    "identifiant",
    "nir",
    "nom_naissance",
    "prenom",
    "date_naissance",
    "email",
    "prestation",
    "organisme",
    "date_debut",
    "date_fin",
    "reference",
    "sexe",
    "lieu_naissance",
    "action",
)
# Columns a CSV header may leave out: files written before they existed stay valid.
COLONNES_FACULTATIVES = ("sexe", "lieu_naissance", "action")
COLONNES_OBLIGATOIRES = (
    "nom_naissance",
    "prenom",
    "date_naissance",
    "prestation",
    "organisme",
    "date_debut",
    "reference",
)
# What describes the person rather than the right: the same on every line of one person.
COLONNES_PERSONNE = (
    "identifiant",
    "nir",
    "nom_naissance",
    "prenom",
    "date_naissance",
    "email",
    "sexe",
    "lieu_naissance",
)
LIBELLES = {
    "identifiant": "identifiant",
    "nir": "NIR",
    "nom_naissance": "nom de naissance",
    "prenom": "prénom",
    "date_naissance": "date de naissance",
    "email": "adresse électronique",
    "sexe": "sexe",
    "lieu_naissance": "lieu de naissance",
}
# The models' max_length (a test checks they agree): PostgreSQL refuses longer values, SQLite would keep them.
LONGUEURS_MAX = {"identifiant": 64, "nom_naissance": 100, "prenom": 100, "email": 254, "reference": 64}
DATE_PATTERN = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# INSEE COG code: the birth commune (5 digits, 2A/2B + 3 digits in Corsica) or, born abroad, the country (99XXX).
LIEU_NAISSANCE_PATTERN = re.compile(r"^(?:[0-9]{5}|2[AB][0-9]{3})$")
NOM_DE_COLONNE_PATTERN = re.compile(r"^[a-z_]{1,40}$")
PRESTATIONS = {prestation.value: prestation for prestation in Prestation}
ORGANISMES = {organisme.value: organisme for organisme in Organisme}
SEXES = {sexe.value: sexe for sexe in Sexe}
# NUL and the other control characters (C0, DEL, C1): PostgreSQL refuses NUL in text, SQLite would keep it,
# and none belongs in a name, an address or a reference.
CONTROLE_PATTERN = re.compile(r"[\x00-\x1f\x7f-\x9f]")
ACTION_SUPPRIMER = "supprimer"

Code = TypeVar("Code", Prestation, Organisme)


class Anomalie(NamedTuple):
    """Why a line is refused: the column (empty for the whole line), a stable rule code, a message in French."""

    colonne: str
    regle: str
    message: str


@dataclass(frozen=True, slots=True)
class LigneDroit:
    """A valid line: one right and the person it belongs to. `nir` is normalised, still in clear."""

    identifiant: str | None
    nir: str | None
    nom_naissance: str
    prenom: str
    date_naissance: date
    email: str
    prestation: Prestation
    organisme: Organisme
    date_debut: date
    date_fin: date | None
    reference: str
    sexe: Sexe | None = None  # given by the file, or read from the NIR
    lieu_naissance: str = ""  # COG code; empty when the file does not say (FranceConnect matching uses it)


@dataclass(frozen=True, slots=True)
class LigneSuppression:
    """A valid `action=supprimer` line: the right with this reference leaves the registry."""

    reference: str


def nom_affichable(colonne: str, rang: int) -> str:
    """An unknown column is named only when its name cannot be personal data (a file without a header
    has a NIR and names where the header should be); otherwise by its position."""
    return colonne if NOM_DE_COLONNE_PATTERN.match(colonne) else f"n°{rang}"


def entete_anomalie(entete: Sequence[str]) -> str | None:
    """A CSV header names every documented column once and nothing else: a misspelt `date_fin` must
    not silently leave every right open."""
    manquantes = [
        colonne for colonne in COLONNES_IMPORT if colonne not in entete and colonne not in COLONNES_FACULTATIVES
    ]
    inconnues = [
        nom_affichable(colonne, rang) for rang, colonne in enumerate(entete, 1) if colonne not in COLONNES_IMPORT
    ]
    doublons = sorted({colonne for colonne in entete if entete.count(colonne) > 1 and colonne in COLONNES_IMPORT})
    problemes = [
        f"{libelle} : {', '.join(colonnes)}"
        for libelle, colonnes in (("manquantes", manquantes), ("inconnues", inconnues), ("en double", doublons))
        if colonnes
    ]
    if not problemes:
        return None
    attendues = [colonne for colonne in COLONNES_IMPORT if colonne not in COLONNES_FACULTATIVES]
    return (
        f"En-tête invalide (colonnes {' ; '.join(problemes)}). Colonnes attendues : {', '.join(attendues)} "
        f"(facultatives : {', '.join(COLONNES_FACULTATIVES)})."
    )


def champs_csv_lire(entete: Sequence[str], champs: Sequence[str]) -> dict[str, str] | list[Anomalie]:
    if len(champs) != len(entete):
        message = f"La ligne compte {len(champs)} champ(s), l'en-tête {len(entete)}."
        return [Anomalie("", "nombre-de-champs", message)]
    return dict(zip(entete, champs, strict=True))


def objet_json_lire(texte: str) -> dict[str, str] | list[Anomalie]:
    """A JSON Lines line is an object of strings; null or an absent key means an empty value."""
    try:
        objet = json.loads(texte)
    except ValueError:
        return [Anomalie("", "json-invalide", "La ligne n'est pas du JSON valide.")]
    if not isinstance(objet, dict):
        return [Anomalie("", "json-invalide", "La ligne doit être un objet JSON.")]
    inconnues = [
        Anomalie(nom_affichable(cle, rang), "colonne-inconnue", "Colonne inconnue.")
        for rang, cle in enumerate(objet, 1)
        if cle not in COLONNES_IMPORT
    ]
    mal_typees = [
        Anomalie(cle, "type-invalide", "La valeur doit être une chaîne de caractères ou null.")
        for cle, valeur in objet.items()
        if cle in COLONNES_IMPORT and valeur is not None and not isinstance(valeur, str)
    ]
    return inconnues + mal_typees or {cle: valeur or "" for cle, valeur in objet.items()}


def ligne_droit_lire(
    valeurs: Mapping[str, str], *, organisme_attendu: Organisme | None = None, suppressions: bool = True
) -> LigneDroit | LigneSuppression | list[Anomalie]:
    """Raw strings become a right (or a removal), or the list of every rule the line breaks. With
    `organisme_attendu`, a right of another organisme is refused; without `suppressions` (a snapshot, where
    an absent right is a removed one), so is a removal line."""
    texte = {colonne: (valeurs.get(colonne) or "").strip() for colonne in COLONNES_IMPORT}
    if controles := controle_anomalies(texte):
        return controles
    action = texte["action"].lower()
    if action == ACTION_SUPPRIMER:
        return _suppression_lire(texte, suppressions)
    if action:
        return [Anomalie("action", "action-inconnue", f"Valeur inconnue : attendu vide ou {ACTION_SUPPRIMER}.")]
    anomalies = _presence_anomalies(texte) + _texte_anomalies(texte)
    nir = _nir_lire(texte["nir"], anomalies)
    naissance = _date_lire(texte, "date_naissance", anomalies)
    debut = _date_lire(texte, "date_debut", anomalies)
    fin = _date_lire(texte, "date_fin", anomalies)
    prestation = _code_lire(texte, "prestation", PRESTATIONS, "prestation-inconnue", anomalies)
    organisme = _code_lire(texte, "organisme", ORGANISMES, "organisme-inconnu", anomalies)
    if prestation and organisme and organisme not in ORGANISMES_PAR_PRESTATION[prestation]:
        anomalies.append(_organisme_incompatible(prestation, organisme))
    if organisme and organisme_attendu and organisme != organisme_attendu:
        anomalies.append(organisme_autre(organisme_attendu))
    if debut and fin and fin < debut:
        anomalies.append(Anomalie("date_fin", "fin-avant-debut", "La date de fin précède la date de début."))
    sexe = _sexe_lire(texte["sexe"], nir, anomalies)
    lieu = texte["lieu_naissance"].upper()
    if lieu and not LIEU_NAISSANCE_PATTERN.match(lieu):
        message = "Code COG attendu : 5 caractères (commune, 2A/2B pour la Corse, ou 99XXX pour un pays)."
        anomalies.append(Anomalie("lieu_naissance", "lieu-naissance-format", message))
    if anomalies or not (naissance and debut and prestation and organisme):
        return anomalies
    return LigneDroit(
        identifiant=texte["identifiant"] or None,
        nir=nir,
        nom_naissance=texte["nom_naissance"],
        prenom=texte["prenom"],
        date_naissance=naissance,
        email=texte["email"],
        prestation=prestation,
        organisme=organisme,
        date_debut=debut,
        date_fin=fin,
        reference=texte["reference"],
        sexe=sexe,
        lieu_naissance=lieu,
    )


def controle_anomalies(valeurs: Mapping[str, str]) -> list[Anomalie]:
    """Every value holding NUL or another control character (spaces and tabulations around a value are
    ignored before)."""
    if not CONTROLE_PATTERN.search("".join(valeurs.values())):  # one search per line: a third of the time
        return []
    return [
        Anomalie(colonne, "caractere-de-controle", CONTROLE_MESSAGE)
        for colonne, valeur in valeurs.items()
        if CONTROLE_PATTERN.search(valeur)
    ]


CONTROLE_MESSAGE = "Caractère de contrôle interdit (caractère nul, tabulation, retour à la ligne…)."


def _suppression_lire(texte: Mapping[str, str], suppressions: bool) -> LigneSuppression | list[Anomalie]:
    """A removal needs its reference only; the other values are not read."""
    if not suppressions:
        message = "Une photographie complète ne supprime pas par ligne : un droit absent du fichier est supprimé."
        return [Anomalie("action", "action-en-mode-complet", message)]
    reference = texte["reference"]
    if not reference:
        return [Anomalie("reference", "valeur-manquante", "Valeur obligatoire manquante.")]
    if len(reference) > LONGUEURS_MAX["reference"]:
        return [Anomalie("reference", "valeur-trop-longue", f"{LONGUEURS_MAX['reference']} caractères au plus.")]
    return LigneSuppression(reference)


def organisme_autre(attendu: Organisme) -> Anomalie:
    return Anomalie("organisme", "organisme-autre", f"Le fichier ne porte que les droits de l'organisme {attendu}.")


def _presence_anomalies(texte: Mapping[str, str]) -> list[Anomalie]:
    anomalies = [
        Anomalie(colonne, "valeur-manquante", "Valeur obligatoire manquante.")
        for colonne in COLONNES_OBLIGATOIRES
        if not texte[colonne]
    ]
    if not texte["identifiant"] and not texte["nir"]:
        anomalies.append(Anomalie("identifiant", "identite-manquante", "Il faut un identifiant ou un NIR."))
    return anomalies


def _texte_anomalies(texte: Mapping[str, str]) -> list[Anomalie]:
    anomalies = [
        Anomalie(colonne, "valeur-trop-longue", f"{maximum} caractères au plus.")
        for colonne, maximum in LONGUEURS_MAX.items()
        if len(texte[colonne]) > maximum
    ]
    if texte["email"] and not EMAIL_PATTERN.match(texte["email"]):
        anomalies.append(Anomalie("email", "email-invalide", "Adresse électronique invalide."))
    return anomalies


def _nir_lire(brut: str, anomalies: list[Anomalie]) -> str | None:
    if not brut:
        return None
    nir = brut.upper() if len(brut) == 15 else nir_normaliser(brut)
    if nir_valide(nir):
        return nir
    if NIR_PATTERN.match(nir):
        message = "La clé du NIR ne correspond pas à ses 13 premiers caractères (contrôle modulo 97)."
        anomalies.append(Anomalie("nir", "nir-cle", message))
    else:
        message = "Le NIR doit compter 15 caractères : sexe, année, mois, département, commune, ordre et clé."
        anomalies.append(Anomalie("nir", "nir-format", message))
    return None


def _sexe_lire(brut: str, nir: str | None, anomalies: list[Anomalie]) -> Sexe | None:
    """M or F, or nothing; the NIR tells it when the file does not, and must agree when both do."""
    du_nir = sexe_du_nir(nir) if nir else None
    if not brut:
        return du_nir
    sexe = SEXES.get(brut.upper())
    if sexe is None:
        anomalies.append(Anomalie("sexe", "sexe-inconnu", "Valeur inconnue : attendu M, F ou vide."))
    elif du_nir and sexe != du_nir:
        message = "Le sexe ne correspond pas au premier chiffre du NIR (impair : M, pair : F)."
        anomalies.append(Anomalie("sexe", "sexe-incoherent", message))
    return sexe


def _date_lire(texte: Mapping[str, str], colonne: str, anomalies: list[Anomalie]) -> date | None:
    brut = texte[colonne]
    if not brut:
        return None
    if DATE_PATTERN.match(brut):
        try:
            return date.fromisoformat(brut)
        except ValueError:
            pass
    anomalies.append(Anomalie(colonne, "date-invalide", "Date invalide : format attendu AAAA-MM-JJ."))
    return None


def _code_lire(
    texte: Mapping[str, str], colonne: str, codes: Mapping[str, Code], regle: str, anomalies: list[Anomalie]
) -> Code | None:
    brut = texte[colonne]
    if brut and brut not in codes:
        anomalies.append(Anomalie(colonne, regle, f"Valeur inconnue : attendu {', '.join(codes)}."))
    return codes.get(brut)


def _organisme_incompatible(prestation: Prestation, organisme: Organisme) -> Anomalie:
    attendus = " ou ".join(sorted(ORGANISMES_PAR_PRESTATION[prestation]))
    message = f"L'organisme {organisme} ne verse pas la prestation {prestation} (attendu : {attendus})."
    return Anomalie("organisme", "organisme-incompatible", message)


def reference_en_double(premiere: int) -> Anomalie:
    return Anomalie("reference", "reference-en-double", f"Référence déjà présente à la ligne {premiere}.")


def personne_ecarts(premiere: Mapping[str, object], autre: Mapping[str, object], ligne: int) -> list[Anomalie]:
    """What differs between two lines of the same person (the first one, at `ligne`, is the reference)."""
    return [
        Anomalie(colonne, "personne-incoherente", f"Même personne qu'à la ligne {ligne}, autre {LIBELLES[colonne]}.")
        for colonne in COLONNES_PERSONNE
        if premiere[colonne] != autre[colonne]
    ]


def nir_autre_personne(premiere: int) -> Anomalie:
    message = f"Ce NIR désigne à la ligne {premiere} une autre personne (identifiant différent ou absent)."
    return Anomalie("nir", "nir-autre-personne", message)


NIR_DEJA_ATTRIBUE = Anomalie(
    "nir", "nir-deja-attribue", "Ce NIR est déjà enregistré pour un autre demandeur d'emploi."
)
PERSONNE_DESIGNEE_DEUX_FOIS = Anomalie(
    "",
    "personne-designee-deux-fois",
    "Le registre connaît sous cet identifiant et sous ce NIR une même personne, que le fichier décrit autrement "
    "sur une autre ligne.",
)
SEXE_CONTRAIRE_AU_REGISTRE = Anomalie(
    "sexe", "sexe-incoherent", "Le sexe contredit celui que le registre tient du NIR de cette personne."
)


REFERENCE_INCONNUE = Anomalie(
    "reference", "reference-inconnue", "Aucun droit de cette référence (et de cet organisme) dans le registre."
)


def encodage_message(ligne: int) -> str:
    return f"Ligne {ligne} : le fichier n'est pas encodé en UTF-8. Rien n'a été importé."


# Freshness: how old each source's data is, and whether that is too old.


@dataclass(frozen=True)
class Source:
    """One organisme's data: the end of its last successful import (None: never imported)."""

    organisme: str
    mise_a_jour: datetime | None
    age_secondes: float | None
    perimee: bool


def sources_evaluer(
    mises_a_jour: Mapping[str, datetime], *, maintenant: datetime, max_heures: float
) -> tuple[Source, ...]:
    """Every organisme, in the enumeration's order. A source never imported is not called stale: the
    registry may hold only demonstration data, and no import is late before the first one."""
    sources = []
    for organisme in Organisme:
        instant = mises_a_jour.get(organisme.value)
        age = (maintenant - instant).total_seconds() if instant else None
        sources.append(Source(organisme.value, instant, age, age is not None and age > max_heures * 3600))
    return tuple(sources)


def fraicheur_raison(sources: Iterable[Source], *, max_heures: float) -> str:
    """Why the data is stale, in French, or an empty text when it is not."""
    perimees = [source.organisme for source in sources if source.perimee]
    if not perimees:
        return ""
    return f"données de plus de {max_heures:g} h : {', '.join(perimees)}"
