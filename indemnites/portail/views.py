"""The portal's pages: catalogue (home), documentation, sandbox, Redoc."""

from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from csp.constants import NONCE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe
from ninja.openapi.docs import Swagger

from indemnites.api.api import api
from indemnites.oauth.services import client_sandbox_retour_ajouter, clients_individu_sandbox_charger
from indemnites.portail import demo_connecte as demo
from indemnites.portail import documentation as doc
from indemnites.portail import selectors

ACCUEIL = {"url": "/", "titre": "Accueil"}
# Two <style> elements that ninja's Redoc bundle writes before it can be given the nonce: an empty one and
# perfect-scrollbar's stylesheet. Their hashes hold for this bundle only; the browser test fails on a change.
REDOC_STYLES = (
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
)


def _page(request: HttpRequest, template: str, titre: str, fil: list[dict[str, str]], **contexte: Any) -> HttpResponse:
    return render(request, template, {"titre": titre, "fil_ariane": fil, "sandbox": settings.SANDBOX, **contexte})


@require_safe
def accueil(request: HttpRequest) -> HttpResponse:
    catalogue = selectors.catalogue_lire()
    return _page(request, "portail/accueil.html", catalogue.entete["title"], [], catalogue=catalogue)


@require_safe
def documentation(request: HttpRequest, page: str = "") -> HttpResponse:
    rubrique = doc.rubrique(page)
    if rubrique is None:
        raise Http404("Page de documentation inconnue")
    fil = [ACCUEIL] if not page else [ACCUEIL, {"url": reverse("portail:documentation"), "titre": "Documentation"}]
    contexte = rubrique.contexte(base_url=request.build_absolute_uri("/").rstrip("/"))
    template = f"portail/documentation/{rubrique.template}"
    return _page(request, template, rubrique.titre, fil, rubriques=doc.RUBRIQUES, rubrique=rubrique, **contexte)


# The footer's mandatory pages (RGAA, RGPD, LCEN): slug → (template, title).
PAGES_JURIDIQUES = {
    "accessibilite": ("accessibilite.html", "Déclaration d'accessibilité"),
    "mentions_legales": ("mentions_legales.html", "Mentions légales"),
    "donnees_personnelles": ("donnees_personnelles.html", "Données personnelles"),
    "cgu": ("cgu.html", "Conditions générales d'utilisation"),
    "plan": ("plan.html", "Plan du site"),
}


@require_safe
def page_juridique(request: HttpRequest, page: str) -> HttpResponse:
    template, titre = PAGES_JURIDIQUES[page]
    contexte = {
        "retention_mois": settings.JOURNAL_RETENTION_MONTHS,
        "retention_admin_mois": settings.JOURNAL_ADMIN_RETENTION_MONTHS,
        "rubriques": doc.RUBRIQUES,
    }
    return _page(request, f"portail/juridique/{template}", titre, [ACCUEIL], **contexte)


@require_safe
def bac_a_sable(request: HttpRequest) -> HttpResponse:
    if not settings.SANDBOX:
        raise Http404("Bac à sable désactivé")
    return _page(request, "portail/bac_a_sable.html", "Bac à sable", [ACCUEIL], **selectors.bac_a_sable_lire())


@require_safe
@csp_update({"style-src": [NONCE, *REDOC_STYLES], "worker-src": ["blob:"]})
def redoc(request: HttpRequest) -> HttpResponse:
    """Redoc from ninja's bundled asset, started by a static script (the CSP forbids inline ones).
    Redoc writes its styles in <style> elements: they carry this response's nonce, and only here."""
    return render(request, "portail/redoc.html", {"api": api, "openapi_url": reverse("api:openapi-json")})


SESSION_DEMO = "demo_mode_connecte"


def _sandbox_exiger() -> None:
    if not settings.SANDBOX:
        raise Http404("Bac à sable désactivé")


def _retour_demo(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("portail:demo_connecte_retour"))


@require_POST
def demo_connecte_demarrer(request: HttpRequest) -> HttpResponse:
    """ "Essayer le mode connecté": off to the real login and consent pages, as the sandbox client."""
    _sandbox_exiger()
    clients_individu_sandbox_charger()
    client_sandbox_retour_ajouter(client_id=demo.CLIENT.client_id, redirect_uri=_retour_demo(request))
    depart = demo.demo_demarrer(base=request.build_absolute_uri("/").rstrip("/"), redirect_uri=_retour_demo(request))
    request.session[SESSION_DEMO] = asdict(depart)
    return redirect(depart.url)


@require_safe
def demo_connecte_retour(request: HttpRequest) -> HttpResponse:
    """Back from the consent page: the state checked, then the code exchanged and the data read."""
    _sandbox_exiger()
    garde = request.session.pop(SESSION_DEMO, None)
    fil = [ACCUEIL, {"url": reverse("portail:bac_a_sable"), "titre": "Bac à sable"}]
    contexte: dict[str, Any] = {"client_id": demo.CLIENT.client_id}
    if garde is None or request.GET.get("state") != garde["state"]:
        contexte["erreur"] = "Le paramètre state ne correspond à aucun départ de ce navigateur : rien n'est échangé."
    elif "error" in request.GET:
        contexte["erreur"] = f"Le service d'authentification a répondu : {request.GET['error']}."
    else:
        try:
            contexte["resultat"] = demo.demo_terminer(
                base=request.build_absolute_uri("/").rstrip("/"),
                redirect_uri=_retour_demo(request),
                depart=demo.Depart(**garde),
                code=request.GET.get("code", ""),
            )
        except demo.EchecDemo as erreur:
            contexte["erreur"] = str(erreur)
    response = _page(request, "portail/bac_a_sable_connecte.html", "Mode connecté : le résultat", fil, **contexte)
    response["Cache-Control"] = "no-store"
    return response


# Redoc's side menu shows "API docs by Redocly" with a logo fetched from its CDN, with no option to turn it off.
# The bundle is served rewritten so that the image source is empty: the image fails, Redoc's own `onError`
# hides it, and the page asks nothing of another host.
REDOC_LOGO_CDN = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@lru_cache(maxsize=1)
def _redoc_bundle() -> bytes:
    chemin = finders.find("ninja/redoc.standalone.js")
    contenu = Path(str(chemin)).read_text(encoding="utf-8")
    if REDOC_LOGO_CDN not in contenu:
        raise ImproperlyConfigured("ninja's Redoc bundle changed: check its external requests (REDOC_LOGO_CDN).")
    return contenu.replace(REDOC_LOGO_CDN, "data:,").encode()


@require_safe
def redoc_bundle(request: HttpRequest) -> HttpResponse:
    """ninja's Redoc bundle, without its CDN logo."""
    response = HttpResponse(_redoc_bundle(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


class _Swagger(Swagger):
    template = "portail/swagger.html"


@require_safe
def swagger(request: HttpRequest) -> HttpResponse:
    """ninja's Swagger UI (its bundled assets, its init script file) in a French page whose scripts
    carry the nonce; served at ninja's own address, which this route answers first."""
    return _Swagger().render_page(request, api)
