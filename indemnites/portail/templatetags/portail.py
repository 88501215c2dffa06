"""The portal's main menu: the same on every page, with the current section marked."""

import json
from dataclasses import dataclass
from typing import Any

from django import template
from django.conf import settings
from django.urls import reverse

from indemnites.habilitations.selectors import agent_de
from indemnites.portail.selectors import URL_ELIGIBILITE, URL_PAGE_ETAT, url_si_existe

register = template.Library()


@dataclass(frozen=True)
class Entree:
    url: str
    titre: str
    courante: str  # aria-current: "page" on the page itself, "true" within its section, else ""


def _entrees(chemin: str) -> list[Entree]:
    candidats: list[tuple[str | None, str]] = [
        (reverse("portail:accueil"), "Accueil"),
        (url_si_existe(URL_ELIGIBILITE), "Demander l'accès"),
        (reverse("portail:documentation"), "Documentation"),
        (reverse("portail:bac_a_sable") if settings.SANDBOX else None, "Bac à sable"),
        (url_si_existe(URL_PAGE_ETAT), "État du service"),
    ]
    presents = [(url, titre) for url, titre in candidats if url]
    # The longest matching prefix is the current section ("/" only matches the home page itself).
    courante = max(
        (url for url, _ in presents if chemin == url or (url != "/" and chemin.startswith(url))),
        key=len,
        default=None,
    )
    return [Entree(url, titre, _courante(url, courante, chemin)) for url, titre in presents]


def _courante(url: str, courante: str | None, chemin: str) -> str:
    if url != courante:
        return ""
    return "page" if url == chemin else "true"


@register.inclusion_tag("portail/_navigation.html", takes_context=True)
def portail_navigation(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    return {"entrees": _entrees(request.path if request else "")}


# Each space has one entry, whatever the visitor's state: a job seeker's login and an agent's login are
# never offered under the same label.
ESPACES = (("demandeur", ("/compte",)), ("administrations", ("/habilitations", "/instruction")))


def _espace_courant(chemin: str) -> str:
    return next((nom for nom, prefixes in ESPACES if chemin.startswith(prefixes)), "")


@register.inclusion_tag("portail/_espaces.html", takes_context=True)
def portail_espaces(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    utilisateur = getattr(request, "user", None)
    connecte = bool(utilisateur and utilisateur.is_authenticated)
    agent = agent_de(utilisateur) if utilisateur is not None and connecte else None
    deconnexion = "habilitations:deconnexion" if agent else "oauth2_provider:rp-initiated-logout"
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "connecte": connecte,
        "agent": agent,
        "espace": _espace_courant(request.path if request else ""),
        "url_demandeur": reverse("oauth:espace"),
        "url_administrations": reverse("habilitations:espace"),
        "url_deconnexion": reverse(deconnexion),
    }


@register.filter
def json_joli(valeur: object) -> str:
    """A JSON answer as an integrator reads it: indented, accents as they are."""
    return json.dumps(valeur, indent=2, ensure_ascii=False, sort_keys=True)
