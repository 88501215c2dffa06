"""The documentation's sections and what each page shows, taken from the running service."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse

from indemnites.api.api import api
from indemnites.oauth.domain import (
    APIS_NON_SERVIES,
    CHAMPS,
    DUREE_JETON_INDIVIDU,
    DUREE_JETON_PARTENAIRE,
    SCOPE_PARTENAIRE,
    SCOPES_INDIVIDU,
)
from indemnites.oauth.services import CLIENTS_SANDBOX, SANDBOX_DESTINATAIRE
from indemnites.portail.contenu import markdown_rendre
from indemnites.portail.selectors import chiffres_service, erreurs_lire, trafic_en_tetes

EXEMPLES = Path(__file__).with_name("exemples")
VERSIONS = Path(__file__).with_name("versions.md")
LANGAGES = {".sh": "Shell (curl)", ".py": "Python (httpx)", ".json": "JSON"}
# Samples written with the integrators' client rather than bare httpx.
LANGAGES_PAR_NOM = {
    "client_python.py": "Python (indemnites-client)",
    "preuve_verifier.py": "Python (indemnites-client)",
    "preuve.sh": "Shell (curl et indemnites-client)",
}


@dataclass(frozen=True)
class Exemple:
    nom: str
    langage: str
    code: str


def exemple_lire(nom: str) -> Exemple:
    """A sample as stored: the test suite runs these very files against the live server."""
    chemin = EXEMPLES / nom
    return Exemple(nom, LANGAGES_PAR_NOM.get(nom, LANGAGES[chemin.suffix]), chemin.read_text(encoding="utf-8"))


def _demarrage_partenaire(base_url: str) -> dict[str, Any]:
    return {
        "curl": exemple_lire("partenaire.sh"),
        "python": exemple_lire("partenaire.py"),
        "reponse": exemple_lire("partenaire.reponse.json"),
        "scope": SCOPE_PARTENAIRE,
        "duree_jeton_minutes": DUREE_JETON_PARTENAIRE // 60,
        "client": CLIENTS_SANDBOX[0],
        "destinataire": SANDBOX_DESTINATAIRE,
        "champs": CHAMPS,
        **chiffres_service(),
    }


def _demarrage_individu(base_url: str) -> dict[str, Any]:
    return {
        "curl": exemple_lire("individu.sh"),
        "python": exemple_lire("individu.py"),
        "reponse": exemple_lire("individu.reponse.json"),
        "scopes": " ".join(SCOPES_INDIVIDU),
        "duree_jeton_minutes": DUREE_JETON_INDIVIDU // 60,
    }


def _erreurs(base_url: str) -> dict[str, Any]:
    return {"reference": erreurs_lire()}


def _limites(base_url: str) -> dict[str, Any]:
    return {"en_tetes": trafic_en_tetes(), **chiffres_service()}


def _versions(base_url: str) -> dict[str, Any]:
    return {"version": api.version, "journal": markdown_rendre(VERSIONS.read_text(encoding="utf-8"))}


def _migration(base_url: str) -> dict[str, Any]:
    return {
        "scopes": " ".join(SCOPES_INDIVIDU),
        "apis_non_servies": APIS_NON_SERVIES,
        "scopes_non_servis": [scope for api in APIS_NON_SERVIES for scope in api.scopes],
        "duree_jeton_individu_minutes": DUREE_JETON_INDIVIDU // 60,
        "duree_code_secondes": settings.OAUTH2_PROVIDER["AUTHORIZATION_CODE_EXPIRE_SECONDS"],
    }


def _preuves(base_url: str) -> dict[str, Any]:
    return {
        "curl": exemple_lire("preuve.sh"),
        "python": exemple_lire("preuve_verifier.py"),
        "conservation_mois": settings.PREUVE_CLES_CONSERVATION_MOIS,
        "champs": CHAMPS,
    }


def _client_python(base_url: str) -> dict[str, Any]:
    return {"python": exemple_lire("client_python.py"), "reponse": exemple_lire("client_python.reponse.json")}


def _rien(base_url: str) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Rubrique:
    slug: str  # "" for the index
    titre: str
    resume: str
    template: str
    _contexte: Callable[[str], dict[str, Any]] = field(default=_rien, repr=False)

    @property
    def url(self) -> str:
        if not self.slug:
            return reverse("portail:documentation")
        return reverse("portail:documentation_page", kwargs={"page": self.slug})

    def contexte(self, *, base_url: str) -> dict[str, Any]:
        return {"base_url": base_url, **self._contexte(base_url)}


RUBRIQUES = (
    Rubrique("", "Documentation", "Par où commencer.", "index.html"),
    Rubrique(
        "serveur-a-serveur",
        "Démarrage rapide : serveur à serveur",
        "Un jeton client_credentials, puis les données d'une personne désignée par son identifiant ou son NIR.",
        "serveur_a_serveur.html",
        _demarrage_partenaire,
    ),
    Rubrique(
        "demandeur-connecte",
        "Démarrage rapide : demandeur d'emploi connecté",
        "Le parcours OAuth 2 / OpenID Connect du contrat « PE Connect » : la personne se connecte et consent.",
        "demandeur_connecte.html",
        _demarrage_individu,
    ),
    Rubrique(
        "preuves",
        "Preuves signées",
        "La réponse signée, vérifiable par tous hors ligne : ce qu'une administration garde avec son dossier.",
        "preuves.html",
        _preuves,
    ),
    Rubrique(
        "client-python",
        "Client Python",
        "indemnites-client : jeton, réessais, erreurs typées et preuves vérifiées, en quelques lignes.",
        "client_python.html",
        _client_python,
    ),
    Rubrique(
        "erreurs",
        "Référence des erreurs",
        "Chaque code d'erreur, son statut HTTP, ce qu'il signifie et ce que votre service doit faire.",
        "erreurs.html",
        _erreurs,
    ),
    Rubrique(
        "limites",
        "Limites d'usage",
        "Les quotas du service et les en-têtes qui les annoncent.",
        "limites.html",
        _limites,
    ),
    Rubrique(
        "versions",
        "Versions et journal des modifications",
        "La version est dans l'URL ; une ancienne version reste servie tant qu'elle est utilisée.",
        "versions.html",
        _versions,
    ),
    Rubrique(
        "migration-pe-connect",
        "Migrer depuis Pôle emploi Connect",
        "Ce qui change pour une intégration du contrat historique : les adresses, et des règles plus strictes.",
        "migration.html",
        _migration,
    ),
)


def rubrique(slug: str) -> Rubrique | None:
    return next((r for r in RUBRIQUES if r.slug == slug), None)
