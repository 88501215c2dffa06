"""Catalogue rules: eligibility answers, uptime colour, figures put into texts, catalogue components.

Pure: no Django import.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

UPTIME_VERT = 98.0
UPTIME_ORANGE = 90.0
ARTICLES = re.compile(r"^(?:(?:une|un|des|les|le|la)\s+|l['’]\s*)", re.IGNORECASE)
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
EXTERNAL = re.compile(r'<External\s+href="([^"]+)"\s*>(.*?)</External>', re.DOTALL)
BUTTON = re.compile(r'<Button\s+href="([^"]+)"\s*>(.*?)</Button>', re.DOTALL)
NEXT_STEPS = re.compile(r"<NextSteps\s*/>")


class Couleur(StrEnum):
    VERT = "vert"
    ORANGE = "orange"
    ROUGE = "rouge"


def uptime_couleur(pourcentage: float) -> Couleur:
    """The catalogue's badge: green from 98 %, orange from 90 %, red below."""
    if pourcentage >= UPTIME_VERT:
        return Couleur.VERT
    if pourcentage >= UPTIME_ORANGE:
        return Couleur.ORANGE
    return Couleur.ROUGE


@dataclass(frozen=True)
class Eligibilite:
    niveau: int  # the catalogue's is_eligible: 1 yes, 0 under conditions, -1 no
    libelle: str
    alerte: str  # DSFR alert/badge variant

    @property
    def peut_demander(self) -> bool:
        return self.niveau >= 0


ELIGIBILITES = {
    1: Eligibilite(1, "Éligible", "success"),
    0: Eligibilite(0, "Sous conditions", "warning"),
    -1: Eligibilite(-1, "Non éligible", "error"),
}


def eligibilite(niveau: int) -> Eligibilite:
    try:
        return ELIGIBILITES[niveau]
    except KeyError:
        raise ValueError(f"is_eligible vaut 1, 0 ou -1, pas {niveau!r}") from None


def profil_slug(qui: str) -> str:
    """ "Une entité administrative" → "entite-administrative"."""
    sans_article = ARTICLES.sub("", qui.strip())
    ascii_texte = unicodedata.normalize("NFKD", sans_article).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_texte.lower()).strip("-")


def texte_completer(modele: str, valeurs: dict[str, Any]) -> str:
    """Puts the running service's figures into a catalogue text: `{quota_client_par_seconde}` etc."""

    def remplacer(correspondance: re.Match[str]) -> str:
        nom = correspondance.group(1)
        if nom not in valeurs:
            raise ValueError(f"valeur inconnue dans le texte du catalogue : {{{nom}}}")
        return str(valeurs[nom])

    return PLACEHOLDER.sub(remplacer, modele)


@dataclass(frozen=True)
class Description:
    markdown: str
    etapes_suivantes: bool


def composants_convertir(texte: str) -> Description:
    """The catalogue's MDX components, as plain Markdown: `<External>` and `<Button>` become links
    (a button gets the DSFR class), `<NextSteps />` is taken out and rendered by the page."""
    etapes = bool(NEXT_STEPS.search(texte))
    texte = NEXT_STEPS.sub("", texte)
    texte = EXTERNAL.sub(lambda m: f"[{m.group(2).strip()}]({m.group(1)})", texte)
    texte = BUTTON.sub(lambda m: f"[{m.group(2).strip()}]({m.group(1)}){{: .fr-btn }}", texte)
    return Description(markdown=texte.strip() + "\n", etapes_suivantes=etapes)


def date_catalogue(jour: date) -> str:
    """`last_update` is written dd/mm/yyyy in the catalogue."""
    return jour.strftime("%d/%m/%Y")


LIBELLES_FENETRE = {1: "seconde", 60: "minute", 3600: "heure", 86400: "jour"}


def limite_libelle(quota: int, fenetre: int) -> str:
    """A limit in words: (20, 60) → "20 par minute"."""
    if fenetre in LIBELLES_FENETRE:
        return f"{quota} par {LIBELLES_FENETRE[fenetre]}"
    return f"{quota} par période de {fenetre} secondes"


def mots_cles_dedoublonner(mots: list[str]) -> list[str]:
    return list(dict.fromkeys(mots))
