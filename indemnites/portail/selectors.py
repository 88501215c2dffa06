"""Reads for the portal: the catalogue entry completed with the running service's figures."""

import importlib
import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from indemnites.droits.services.demo import DEMO_MOT_DE_PASSE, PERSONAS
from indemnites.oauth.domain import DUREE_JETON_PARTENAIRE
from indemnites.oauth.services import (
    CLIENTS_INDIVIDU_SANDBOX,
    CLIENTS_SANDBOX,
    SANDBOX_DESTINATAIRE,
    sandbox_redirect_uris,
)
from indemnites.portail.codes import (
    CodeTrouve,
    RegleTrouvee,
    classes_resoudre,
    codes_fusionner,
    codes_trouver,
    regles_trouver,
)
from indemnites.portail.domain import (
    Couleur,
    Description,
    Eligibilite,
    composants_convertir,
    date_catalogue,
    eligibilite,
    limite_libelle,
    mots_cles_dedoublonner,
    profil_slug,
    texte_completer,
    uptime_couleur,
)
from indemnites.portail.frontmatter import Document, document_lire
from indemnites.trafic.domain import politique_lire

CATALOGUE = Path(__file__).with_name("catalogue.md")
UPTIME_JOURS = 30
TEXTES_CHIFFRES = ("rate_limiting_resume", "rate_limiting_description", "monitoring_description", "content_intro")
# Named URLs of the other apps' pages, used when they exist.
URL_PAGE_ETAT = "exploitation:statut"
URL_ELIGIBILITE = "habilitations:eligibilite"


@dataclass(frozen=True)
class Profil:
    slug: str
    libelle: str
    eligibilite: Eligibilite
    description: Description


@dataclass(frozen=True)
class Disponibilite:
    pourcentage: float | None
    jours: int

    @property
    def couleur(self) -> Couleur | None:
        return None if self.pourcentage is None else uptime_couleur(self.pourcentage)

    @property
    def badge(self) -> str:
        """The DSFR badge variant of the catalogue's colour."""
        badges: dict[Couleur | None, str] = {
            Couleur.VERT: "success",
            Couleur.ORANGE: "warning",
            Couleur.ROUGE: "error",
        }
        return badges.get(self.couleur, "info")


@dataclass(frozen=True)
class Catalogue:
    entete: dict[str, Any]  # the frontmatter, texts completed with the service's figures
    corps: str
    profils: tuple[Profil, ...]
    disponibilite: Disponibilite
    derniere_mise_a_jour: date
    page_etat: str | None
    lien_eligibilite: str | None  # the habilitations gate, when it exists

    @property
    def demande(self) -> str:
        """Where an access request starts: the habilitations gate, else the contact link."""
        return self.lien_eligibilite or self.entete["contact_link"]


def url_si_existe(nom: str, **kwargs: Any) -> str | None:
    try:
        return reverse(nom, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def _limite(texte: str) -> str:
    """A limit setting ("20/minute"), read by the rule `indemnites.trafic` applies, in words."""
    politique = politique_lire("texte", texte)
    return limite_libelle(politique.quota, politique.fenetre)


def chiffres_service() -> dict[str, Any]:
    """The figures the texts may cite, from the running service's settings."""
    return {
        "quota_client_par_seconde": settings.TRAFIC_QUOTA_CLIENT_PAR_SECONDE,
        "limite_ip_par_minute": settings.TRAFIC_LIMITE_IP_PAR_MINUTE,
        "limite_jeton": _limite(settings.TRAFIC_LIMITE_JETON),
        "limite_connexion": _limite(settings.TRAFIC_LIMITE_CONNEXION),
        "duree_jeton_minutes": DUREE_JETON_PARTENAIRE // 60,
        "date_reference_mois": settings.API_DATE_REFERENCE_MAX_MONTHS,
    }


def uptime_pourcentage(*, jours: int = UPTIME_JOURS) -> float | None:
    """The availability measured by `exploitation`; None while it is not measured (or not built)."""
    try:
        module = importlib.import_module("indemnites.exploitation.selectors")
        mesurer = module.uptime_pourcentage
    except (ImportError, AttributeError):
        return None
    return mesurer(jours=jours)


@lru_cache(maxsize=4)
def _document(chemin: Path, version: int) -> Document:
    """Parsed once per file version (its modification time)."""
    return document_lire(chemin.read_text(encoding="utf-8"))


def _derniere_modification(chemin: Path) -> date:
    moment = datetime.fromtimestamp(chemin.stat().st_mtime, tz=UTC)
    return timezone.localtime(moment).date()


def _profils(entete: dict[str, Any]) -> tuple[Profil, ...]:
    profils = []
    for acces in entete.get("access_page") or []:
        niveau = eligibilite(int(acces["is_eligible"]))
        description = composants_convertir(acces.get("description") or "")
        profils += [Profil(profil_slug(qui), qui, niveau, description) for qui in acces["who"]]
    return tuple(profils)


def catalogue_lire(*, chemin: Path = CATALOGUE) -> Catalogue:
    document = _document(chemin, chemin.stat().st_mtime_ns)
    chiffres = chiffres_service()
    entete = dict(document.entete)
    for champ in TEXTES_CHIFFRES:
        if entete.get(champ):
            entete[champ] = texte_completer(entete[champ], chiffres)
    entete["keywords"] = mots_cles_dedoublonner(entete.get("keywords") or [])
    return Catalogue(
        entete=entete,
        corps=texte_completer(document.corps, chiffres),
        profils=_profils(entete),
        disponibilite=Disponibilite(uptime_pourcentage(jours=UPTIME_JOURS), UPTIME_JOURS),
        derniere_mise_a_jour=_derniere_modification(chemin),
        page_etat=url_si_existe(URL_PAGE_ETAT),
        lien_eligibilite=url_si_existe(URL_ELIGIBILITE),
    )


def catalogue_public(catalogue: Catalogue, *, absolu: Any) -> dict[str, Any]:
    """The entry in the public catalogue's format (field names of api.gouv.fr), with the figures
    of the running service; `absolu` turns a path into an absolute URL."""
    entete = catalogue.entete
    pourcentage = catalogue.disponibilite.pourcentage
    return {
        **entete,
        "external_site": entete.get("external_site"),
        "partners": entete.get("partners") or [],
        "datapass_link": absolu(catalogue.demande),
        "monitoring_link": absolu(catalogue.page_etat) if catalogue.page_etat else None,
        "doc_tech_link": absolu(entete["doc_tech_link"]),
        "doc_tech_external": absolu(entete["doc_tech_external"]),
        "uptime": None if pourcentage is None else round(pourcentage, 2),
        "last_update": date_catalogue(catalogue.derniere_mise_a_jour),
        "content": catalogue.corps,
        "preuves_jwks_uri": absolu(reverse("preuves:jwks")),
    }


# --- error reference -----------------------------------------------------------------------------

PACKAGE = Path(__file__).resolve().parents[1]
ERREURS = Path(__file__).with_name("erreurs.toml")
SOURCES_EXCLUES = ("migrations", "exemples")


@dataclass(frozen=True)
class ErreurDocumentee:
    code: str
    statut: int | None
    titre: str
    sens: str
    action: str


@dataclass(frozen=True)
class RegleDocumentee:
    regle: str
    message: str
    action: str


@dataclass(frozen=True)
class ReferenceErreurs:
    codes: tuple[ErreurDocumentee, ...]
    regles: tuple[RegleDocumentee, ...]
    oauth: tuple[ErreurDocumentee, ...]
    sans_explication: tuple[str, ...]  # codes or rules found in the source but not explained


@lru_cache(maxsize=1)
def _source_lue() -> tuple[tuple[CodeTrouve, ...], tuple[RegleTrouvee, ...]]:
    codes: list[CodeTrouve] = []
    regles: list[RegleTrouvee] = []
    for chemin in sorted(PACKAGE.rglob("*.py")):
        if set(chemin.relative_to(PACKAGE).parts) & set(SOURCES_EXCLUES):
            continue
        source = chemin.read_text(encoding="utf-8")
        codes += codes_trouver(source)
        regles += regles_trouver(source)
    return tuple(codes_fusionner(classes_resoudre(codes))), tuple(regles)


def _explication(texte: dict[str, str]) -> dict[str, str]:
    return {"sens": texte.get("sens", ""), "action": texte.get("action", "")}


def erreurs_lire() -> ReferenceErreurs:
    """Every problem `code` of the source with its status, and what it means for the caller."""
    explications = tomllib.loads(ERREURS.read_text(encoding="utf-8"))
    textes, actions = explications.get("codes", {}), explications.get("regles", {})
    codes, regles = _source_lue()
    documentes = tuple(
        ErreurDocumentee(c.code, c.statut, c.titre, **_explication(textes.get(c.code, {}))) for c in codes
    )
    regles_doc = tuple(
        RegleDocumentee(r.regle, r.message, actions.get(r.regle, {}).get("action", ""))
        for r in {r.regle: r for r in regles}.values()
    )
    oauth = tuple(
        ErreurDocumentee(code, texte["statut"], code, texte["sens"], texte["action"])
        for code, texte in explications.get("oauth", {}).items()
    )
    manquants = [c.code for c in documentes if not c.action] + [r.regle for r in regles_doc if not r.action]
    return ReferenceErreurs(documentes, regles_doc, oauth, tuple(manquants))


# --- rate-limit headers and sandbox ----------------------------------------------------------------


EN_TETES = Path(__file__).with_name("en_tetes.toml")


@dataclass(frozen=True)
class EnTete:
    nom: str
    quand: str
    sens: str


def trafic_en_tetes() -> tuple[EnTete, ...]:
    """The headers that announce the limits (those `indemnites.trafic` writes; a test compares them
    with a real response)."""
    textes = tomllib.loads(EN_TETES.read_text(encoding="utf-8"))
    return tuple(EnTete(nom, texte["quand"], texte["sens"]) for nom, texte in textes.items())


def bac_a_sable_lire() -> dict[str, Any]:
    """The fictitious personas and the public sandbox credentials, for both modes."""
    return {
        "personas": PERSONAS,
        "clients": CLIENTS_SANDBOX,
        "destinataire": SANDBOX_DESTINATAIRE,
        "connecte": {
            "clients": CLIENTS_INDIVIDU_SANDBOX,
            "redirect_uris": sandbox_redirect_uris("/callback"),
            "comptes": [persona.identifiant for persona in PERSONAS if persona.identifiant],
            "mot_de_passe": DEMO_MOT_DE_PASSE,
        },
    }
