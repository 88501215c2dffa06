"""Rules of access requests and habilitations. No Django imports: data in, decisions out.

The workflow follows DataPass: brouillon → soumise → (modifications demandées ↔ soumise) → validée |
refusée; validée → révoquée; a validated request can be reopened while its habilitation stays active.
"""

import calendar
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from indemnites.core.domain import siret_valide


class Etat(StrEnum):
    BROUILLON = "brouillon"
    SOUMISE = "soumise"
    MODIFICATIONS_DEMANDEES = "modifications_demandees"
    VALIDEE = "validee"
    REFUSEE = "refusee"
    REVOQUEE = "revoquee"


ETAT_LIBELLES = {
    Etat.BROUILLON: "Brouillon",
    Etat.SOUMISE: "Soumise",
    Etat.MODIFICATIONS_DEMANDEES: "Modifications demandées",
    Etat.VALIDEE: "Validée",
    Etat.REFUSEE: "Refusée",
    Etat.REVOQUEE: "Révoquée",
}


class Action(StrEnum):
    SOUMETTRE = "soumettre"
    DEMANDER_MODIFICATIONS = "demander_modifications"
    VALIDER = "valider"
    REFUSER = "refuser"
    REVOQUER = "revoquer"
    ROUVRIR = "rouvrir"
    ANNULER_REOUVERTURE = "annuler_reouverture"


class Acteur(StrEnum):
    DEMANDEUR = "demandeur"
    INSTRUCTEUR = "instructeur"


@dataclass(frozen=True)
class Situation:
    """Where a request stands. `reouverture`: it is being amended while its habilitation stays active."""

    etat: Etat
    reouverture: bool = False


@dataclass(frozen=True)
class Transition:
    depart: Situation
    action: Action
    arrivee: Situation
    acteur: Acteur
    motif_requis: bool = False


def _t(
    depart: tuple[Etat, bool], action: Action, arrivee: tuple[Etat, bool], acteur: Acteur, motif: bool = False
) -> Transition:
    return Transition(Situation(*depart), action, Situation(*arrivee), acteur, motif)


_B, _S, _M, _V, _R, _X = (
    Etat.BROUILLON,
    Etat.SOUMISE,
    Etat.MODIFICATIONS_DEMANDEES,
    Etat.VALIDEE,
    Etat.REFUSEE,
    Etat.REVOQUEE,
)
_D, _I = Acteur.DEMANDEUR, Acteur.INSTRUCTEUR

# The whole workflow. Anything not in this table is refused.
TRANSITIONS: tuple[Transition, ...] = (
    *(_t((etat, r), Action.SOUMETTRE, (_S, r), _D) for etat in (_B, _M) for r in (False, True)),
    *(_t((_S, r), Action.DEMANDER_MODIFICATIONS, (_M, r), _I, motif=True) for r in (False, True)),
    *(_t((_S, r), Action.VALIDER, (_V, False), _I) for r in (False, True)),
    _t((_S, False), Action.REFUSER, (_R, False), _I, motif=True),
    # A refused reopening restores the request to its last validated version.
    _t((_S, True), Action.REFUSER, (_V, False), _I, motif=True),
    _t((_V, False), Action.REVOQUER, (_X, False), _I, motif=True),
    # Revoking the active habilitation of a request being amended also ends the amendment.
    *(_t((etat, True), Action.REVOQUER, (_X, False), _I, motif=True) for etat in (_B, _S, _M)),
    _t((_V, False), Action.ROUVRIR, (_B, True), _D),
    *(_t((etat, True), Action.ANNULER_REOUVERTURE, (_V, False), _D) for etat in (_B, _M)),
)
_INDEX = {(t.depart, t.action): t for t in TRANSITIONS}
SITUATIONS = frozenset({t.depart for t in TRANSITIONS} | {t.arrivee for t in TRANSITIONS} | {Situation(_B)})


class RegleEnfreinte(Exception):
    """A workflow rule refuses the action; the message is shown to the user."""


class TransitionInterdite(RegleEnfreinte):
    pass


class MotifObligatoire(RegleEnfreinte):
    pass


def transition_trouver(situation: Situation, action: Action) -> Transition | None:
    return _INDEX.get((situation, action))


def transition(situation: Situation, action: Action, *, motif: str = "") -> Transition:
    """The transition `action` takes from `situation`, or the rule it breaks."""
    trouvee = transition_trouver(situation, action)
    if trouvee is None:
        etat = ETAT_LIBELLES[situation.etat].lower()
        raise TransitionInterdite(f"Action « {action.value} » impossible sur une demande à l'état « {etat} ».")
    if trouvee.motif_requis and not motif.strip():
        raise MotifObligatoire("Un motif écrit est obligatoire pour cette décision.")
    return trouvee


def actions_possibles(situation: Situation, acteur: Acteur) -> list[Action]:
    return [t.action for t in TRANSITIONS if t.depart == situation and t.acteur == acteur]


# --- who may act -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Qualite:
    """What the person acting is, relative to one request."""

    membre: bool  # belongs to the request's organisation
    auteur: bool  # filed the request
    instructeur: bool


def peut_voir(qualite: Qualite) -> bool:
    return qualite.membre or qualite.instructeur


def peut_agir(qualite: Qualite, acteur: Acteur) -> bool:
    """Only the applicant acts as applicant; only an instructor decides, never on their own organisation."""
    if acteur == Acteur.DEMANDEUR:
        return qualite.auteur and qualite.membre
    return qualite.instructeur and not qualite.membre and not qualite.auteur


# --- eligibility -----------------------------------------------------------------------------------


class Profil(StrEnum):
    PARTICULIER = "particulier"
    ENTREPRISE = "entreprise"
    ADMINISTRATION = "administration"
    EDITEUR = "editeur"


PROFIL_LIBELLES = {
    Profil.PARTICULIER: "Un particulier",
    Profil.ENTREPRISE: "Une entreprise",
    Profil.ADMINISTRATION: "Une entité administrative",
    Profil.EDITEUR: "Un éditeur de logiciel",
}


@dataclass(frozen=True)
class Eligibilite:
    eligible: bool
    titre: str
    explication: str


ELIGIBILITES = {
    Profil.PARTICULIER: Eligibilite(
        False,
        "Vous n'êtes pas éligible",
        "L'API indemnités est réservée aux administrations : l'article L114-8 du code des relations entre le "
        "public et l'administration ne permet ces échanges de données qu'entre administrations, pour une "
        "démarche. Pour connaître vos droits, rendez-vous dans votre espace personnel France Travail.",
    ),
    Profil.ENTREPRISE: Eligibilite(
        False,
        "Votre entreprise n'est pas éligible",
        "Seules les administrations peuvent recevoir ces données (article L114-8 du code des relations entre "
        "le public et l'administration). Une entreprise ne peut pas déposer de demande, même pour ses salariés "
        "ou ses clients.",
    ),
    Profil.ADMINISTRATION: Eligibilite(
        True,
        "Vous pouvez déposer une demande",
        "Au titre de l'article L114-8 du code des relations entre le public et l'administration, une "
        "administration peut demander l'accès pour une démarche, et seulement aux données strictement "
        "nécessaires à cette démarche.",
    ),
    Profil.EDITEUR: Eligibilite(
        True,
        "Vous pouvez déposer une demande pour une administration cliente",
        "Un éditeur de logiciel ne reçoit pas de droit propre : il dépose la demande au nom d'une "
        "administration cliente nommée (son SIRET est obligatoire) et justifie en quoi cette administration "
        "relève de l'article L114-8 du code des relations entre le public et l'administration.",
    ),
}


def eligibilite(profil: Profil) -> Eligibilite:
    return ELIGIBILITES[profil]


PROFILS_DEMANDEURS = (Profil.ADMINISTRATION, Profil.EDITEUR)


# --- the request's content -------------------------------------------------------------------------

CHAMP_SOLIDARITE = "beneficiairePrestationSolidarite"
CHAMP_CHOMAGE = "beneficiaireAssuranceChomage"
CHAMPS_DONNEES = (CHAMP_SOLIDARITE, CHAMP_CHOMAGE)
CHAMPS_DONNEES_LIBELLES = {
    CHAMP_SOLIDARITE: "Bénéficiaire d'une prestation de solidarité (ASS, AAH, RSA, AER)",
    CHAMP_CHOMAGE: "Bénéficiaire de l'assurance chômage (ARE, ASP)",
}
JUSTIFICATION_PAR_DONNEE = {
    CHAMP_SOLIDARITE: "justification_solidarite",
    CHAMP_CHOMAGE: "justification_chomage",
}
CONTACTS = {
    "responsable_traitement": "Responsable de traitement",
    "dpo": "Délégué à la protection des données",
    "technique": "Contact technique",
}
CONSERVATION_SANS_JUSTIFICATION_MOIS = 36
CONSERVATION_MAX_MOIS = 1200
VOLUME_MAX = 10_000_000

LIBELLES: dict[str, str] = {
    "intitule": "Intitulé",
    "description": "Description de la démarche",
    "simplification": "Simplification apportée aux usagers",
    "client_siret": "SIRET de l'administration cliente",
    "client_nom": "Nom de l'administration cliente",
    "justification_l114_8": "Justification au regard de l'article L114-8 du CRPA",
    "cadre_juridique_nature": "Cadre juridique",
    "cadre_juridique_url": "Adresse du texte",
    "cadre_juridique_document": "Texte en PDF",
    "cadre_juridique_empreinte": "Empreinte SHA-256 du PDF",
    "donnees": "Données demandées",
    "justification_solidarite": "Justification : prestation de solidarité",
    "justification_chomage": "Justification : assurance chômage",
    "mode_connecte": "Mode demandeur d'emploi connecté",
    "redirect_uris": "Adresses de retour (redirect URIs)",
    "mode_serveur": "Mode serveur à serveur",
    "destinataires_siret": "SIRET destinataires autorisés",
    "volume_journalier": "Volume attendu (appels par jour)",
    "date_mise_en_production": "Date de mise en production",
    "destinataires_donnees": "Destinataires des données",
    "duree_conservation": "Durée de conservation (mois)",
    "justification_conservation": "Justification de la durée de conservation",
    **{
        f"{cle}_{part}": f"{nom} : {libelle}"
        for cle, nom in CONTACTS.items()
        for part, libelle in (("nom", "nom"), ("courriel", "courriel"), ("telephone", "téléphone"))
    },
    "cgu_acceptees": "Conditions générales d'utilisation acceptées",
    "dpo_informe": "Délégué à la protection des données informé",
}

COURRIEL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
TELEPHONE = re.compile(r"(?:\+33 ?|0)[1-9](?:[ .-]?[0-9]{2}){4}")
DOMAINES_PERSONNELS = frozenset(
    {
        "gmail.com", "googlemail.com", "yahoo.fr", "yahoo.com", "hotmail.fr", "hotmail.com", "outlook.fr",
        "outlook.com", "live.fr", "live.com", "msn.com", "icloud.com", "me.com", "orange.fr", "wanadoo.fr",
        "free.fr", "sfr.fr", "neuf.fr", "laposte.net", "bbox.fr", "aol.com", "gmx.fr", "gmx.com",
        "protonmail.com", "proton.me", "yopmail.com",
    }
)  # fmt: skip


def courriel_valide(courriel: str) -> bool:
    return bool(COURRIEL.fullmatch(courriel))


def courriel_professionnel(courriel: str) -> bool:
    """A work address: well formed and not at a personal mailbox provider."""
    if not courriel_valide(courriel):
        return False
    return courriel.rsplit("@", 1)[1].lower() not in DOMAINES_PERSONNELS


def telephone_valide(telephone: str) -> bool:
    return bool(TELEPHONE.fullmatch(telephone.strip()))


def uri_retour_erreur(uri: str, schemes: frozenset[str]) -> str | None:
    """Why a redirect URI is refused: exact absolute URIs only, in an allowed scheme, without fragment."""
    parts = urlsplit(uri)
    if parts.scheme not in schemes or not parts.hostname:
        return f"« {uri} » doit être une adresse absolue en {' ou '.join(sorted(schemes))}."
    if parts.fragment or "*" in uri:
        return f"« {uri} » ne doit contenir ni fragment (#) ni joker (*)."
    return None


def _vide(valeur: Any) -> bool:
    return valeur in (None, "", [], False)


def _texte(donnees: Mapping[str, Any], cle: str) -> str:
    return str(donnees.get(cle) or "").strip()


def _requis(donnees: Mapping[str, Any], erreurs: dict[str, str], *cles: str) -> None:
    for cle in cles:
        if _vide(donnees.get(cle)) or (isinstance(donnees.get(cle), str) and not _texte(donnees, cle)):
            erreurs.setdefault(cle, f"{LIBELLES[cle]} : champ obligatoire pour soumettre.")


def _erreurs_editeur(donnees: Mapping[str, Any], erreurs: dict[str, str]) -> None:
    _requis(donnees, erreurs, "client_siret", "client_nom", "justification_l114_8")
    siret = _texte(donnees, "client_siret")
    if siret and not siret_valide(siret):
        erreurs["client_siret"] = "Le SIRET de l'administration cliente doit compter 14 chiffres avec une clé valide."


def _erreurs_cadre_juridique(donnees: Mapping[str, Any], erreurs: dict[str, str]) -> None:
    _requis(donnees, erreurs, "cadre_juridique_nature")
    if not _texte(donnees, "cadre_juridique_url") and not _texte(donnees, "cadre_juridique_document"):
        erreurs["cadre_juridique_url"] = "Donnez l'adresse du texte ou joignez-le en PDF."


def _erreurs_donnees(donnees: Mapping[str, Any], erreurs: dict[str, str]) -> None:
    demandees = list(donnees.get("donnees") or [])
    if not demandees or set(demandees) - set(CHAMPS_DONNEES):
        erreurs["donnees"] = "Choisissez au moins une donnée."
        return
    if len(demandees) > 1:  # proportionality: asking for both means justifying each
        for champ in demandees:
            cle = JUSTIFICATION_PAR_DONNEE[champ]
            if not _texte(donnees, cle):
                erreurs[cle] = "Vous demandez les deux données : justifiez pourquoi celle-ci est nécessaire."


def _erreurs_modes(donnees: Mapping[str, Any], erreurs: dict[str, str], schemes: frozenset[str]) -> None:
    if not donnees.get("mode_connecte") and not donnees.get("mode_serveur"):
        erreurs["mode_serveur"] = "Choisissez au moins un mode d'accès."
    if donnees.get("mode_connecte"):
        uris = list(donnees.get("redirect_uris") or [])
        problemes = [p for p in (uri_retour_erreur(uri, schemes) for uri in uris) if p]
        if not uris or problemes:
            erreurs["redirect_uris"] = " ".join(problemes) or "Donnez au moins une adresse de retour."
    if donnees.get("mode_serveur"):
        sirets = list(donnees.get("destinataires_siret") or [])
        invalides = [s for s in sirets if not siret_valide(s)]
        if not sirets or invalides:
            erreurs["destinataires_siret"] = (
                f"SIRET invalides : {', '.join(invalides)}." if invalides else "Donnez au moins un SIRET destinataire."
            )


def _erreurs_volume(donnees: Mapping[str, Any], erreurs: dict[str, str]) -> None:
    _requis(donnees, erreurs, "volume_journalier", "date_mise_en_production", "destinataires_donnees")
    volume = donnees.get("volume_journalier")
    if volume is not None and not (isinstance(volume, int) and 1 <= volume <= VOLUME_MAX):
        erreurs["volume_journalier"] = f"Le volume attendu est un nombre d'appels par jour, entre 1 et {VOLUME_MAX}."


def _erreurs_conservation(donnees: Mapping[str, Any], erreurs: dict[str, str]) -> None:
    _requis(donnees, erreurs, "duree_conservation")
    duree = donnees.get("duree_conservation")
    if duree is None:
        return
    if not (isinstance(duree, int) and 1 <= duree <= CONSERVATION_MAX_MOIS):
        erreurs["duree_conservation"] = (
            f"La durée de conservation est un nombre de mois entre 1 et {CONSERVATION_MAX_MOIS}."
        )
    elif duree > CONSERVATION_SANS_JUSTIFICATION_MOIS and not _texte(donnees, "justification_conservation"):
        erreurs["justification_conservation"] = (
            f"Au-delà de {CONSERVATION_SANS_JUSTIFICATION_MOIS} mois, justifiez la durée de conservation."
        )


def _erreurs_contacts(donnees: Mapping[str, Any], erreurs: dict[str, str]) -> None:
    for contact in CONTACTS:
        _requis(donnees, erreurs, f"{contact}_nom", f"{contact}_courriel", f"{contact}_telephone")
        courriel = _texte(donnees, f"{contact}_courriel")
        if courriel and not courriel_valide(courriel):
            erreurs[f"{contact}_courriel"] = "Adresse électronique invalide (exemple : nom@administration.fr)."
        telephone = _texte(donnees, f"{contact}_telephone")
        if telephone and not telephone_valide(telephone):
            erreurs[f"{contact}_telephone"] = "Numéro de téléphone invalide (exemple : 01 23 45 67 89)."


def demande_erreurs(
    donnees: Mapping[str, Any], *, editeur: bool, schemes: frozenset[str] = frozenset({"https"})
) -> dict[str, str]:
    """Everything that keeps a request from being submitted, by field; empty when it is complete."""
    erreurs: dict[str, str] = {}
    _requis(donnees, erreurs, "intitule", "description", "simplification")
    if editeur:
        _erreurs_editeur(donnees, erreurs)
    _erreurs_cadre_juridique(donnees, erreurs)
    _erreurs_donnees(donnees, erreurs)
    _erreurs_modes(donnees, erreurs, schemes)
    _erreurs_volume(donnees, erreurs)
    _erreurs_conservation(donnees, erreurs)
    _erreurs_contacts(donnees, erreurs)
    if donnees.get("cgu_acceptees") is not True:
        erreurs["cgu_acceptees"] = "Acceptez les conditions générales d'utilisation."
    if donnees.get("dpo_informe") is not True:
        erreurs["dpo_informe"] = "Confirmez que le délégué à la protection des données est informé."
    return erreurs


def difference(avant: Mapping[str, Any], apres: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Changed fields, as {field: {"avant": old, "apres": new}}; a missing field counts as empty."""
    changes = {}
    for cle in sorted(set(avant) | set(apres)):
        ancien, nouveau = avant.get(cle), apres.get(cle)
        if (ancien or None) != (nouveau or None) and not (_vide(ancien) and _vide(nouveau)):
            changes[cle] = {"avant": ancien, "apres": nouveau}
    return changes


# --- what validation grants ------------------------------------------------------------------------

DUREE_VALIDITE_MOIS = 18
# The quota allows peaks at ten times the expected average rate, within bounds.
FACTEUR_POINTE = 10
QUOTA_MIN, QUOTA_MAX = 2, 100


def quota_par_seconde(volume_journalier: int) -> int:
    return max(QUOTA_MIN, min(QUOTA_MAX, math.ceil(volume_journalier * FACTEUR_POINTE / 86_400)))


def mois_ajouter(debut: datetime, mois: int) -> datetime:
    annee, rang = divmod(debut.month - 1 + mois, 12)
    annee += debut.year
    jour = min(debut.day, calendar.monthrange(annee, rang + 1)[1])
    return debut.replace(year=annee, month=rang + 1, day=jour)


def date_expiration(debut: datetime) -> datetime:
    return mois_ajouter(debut, DUREE_VALIDITE_MOIS)


# --- expiry notices and prolongation ---------------------------------------------------------------

SEUILS_AVIS = (90, 60, 30, 14, 7, 0)
PROLONGATION_OUVERTE_JOURS = 90


def seuil_avis(expire_le: date, aujourdhui: date) -> int | None:
    """The closest notice threshold reached: only that one is sent, even if the command missed others."""
    restants = (expire_le - aujourdhui).days
    atteints = [seuil for seuil in SEUILS_AVIS if restants <= seuil]
    return min(atteints) if atteints else None


def prolongation_ouverte(expire_le: date, aujourdhui: date) -> bool:
    return 0 <= (expire_le - aujourdhui).days < PROLONGATION_OUVERTE_JOURS


QUESTIONS_PROLONGATION = {
    "responsable_inchange": "Le responsable de traitement est-il toujours le même ?",
    "finalite_inchangee": "La démarche et l'usage des données sont-ils inchangés ?",
    "contacts_inchanges": "Les contacts (délégué à la protection des données, contact technique) sont-ils inchangés ?",
}


def prolongation_confirmee(reponses: Mapping[str, bool]) -> bool:
    """Every answer must be yes; any no sends the request back to amendment instead."""
    return all(reponses.get(question) is True for question in QUESTIONS_PROLONGATION)
