"""Security headers on every page, a CSP without inline script or style, no third-party asset."""

import re
from html.parser import HTMLParser

import pytest

PAGES = (
    "/",
    "/documentation/",
    "/documentation/serveur-a-serveur/",
    "/documentation/erreurs/",
    "/bac-a-sable/",
    "/api/redoc",
    "/api/docs",
    "/api/catalogue.json",
    "/documentation/preuves/",
    "/documentation/client-python/",
    "/preuves/verifier",
)


class _Balises(HTMLParser):
    """The page's <script>, <style>, style="…" and asset URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.styles = 0
        self.attributs_style = 0
        self.ressources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributs = dict(attrs)
        self.attributs_style += "style" in attributs
        if tag == "script":
            self.scripts.append(attributs)
        elif tag == "style":
            self.styles += 1
        if tag in {"script", "img", "iframe"} and attributs.get("src"):
            self.ressources.append(attributs["src"] or "")
        if tag == "link" and attributs.get("rel") in {"stylesheet", "icon", "manifest", "apple-touch-icon"}:
            self.ressources.append(attributs.get("href") or "")


def balises(contenu: str) -> _Balises:
    lecteur = _Balises()
    lecteur.feed(contenu)
    return lecteur


def directives(response) -> dict[str, list[str]]:
    politique = response["Content-Security-Policy"]
    return {nom: valeurs for nom, *valeurs in (d.split() for d in politique.split(";") if d.strip())}


@pytest.mark.parametrize("chemin", PAGES)
def test_security_headers_on_every_page(http, chemin):
    response = http.get(chemin)

    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    politique = directives(response)
    assert politique["frame-ancestors"] == ["'none'"]
    assert politique["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("chemin", PAGES)
def test_hsts_on_https(http, chemin):
    """Production settings (which the test settings import unchanged here) send HSTS over HTTPS."""
    response = http.get(chemin, secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.parametrize("chemin", [p for p in PAGES if not p.endswith(".json")])
def test_no_inline_script_and_no_third_party_asset(http, chemin):
    response = http.get(chemin)
    page = balises(response.content.decode())
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])

    assert nonce
    for script in page.scripts:
        # A script comes from this site with the response's nonce, or is a JSON data block (never run).
        if script.get("type") != "application/json":
            assert script.get("src"), script
            assert script.get("nonce") == nonce.group(1), script
    assert page.styles == 0
    assert page.attributs_style == 0
    assert page.ressources
    assert all(url.startswith("/") and not url.startswith("//") for url in page.ressources), page.ressources


def test_only_redoc_may_style_with_the_nonce(http):
    assert directives(http.get("/"))["style-src"] == ["'self'"]
    redoc = directives(http.get("/api/redoc"))["style-src"]
    assert redoc[0] == "'self'"
    assert any(valeur.startswith("'nonce-") for valeur in redoc)


def test_a_missing_page_is_a_dsfr_page(http):
    response = http.get("/page-qui-n-existe-pas/")

    assert response.status_code == 404
    assert "<title>Page introuvable — API indemnités</title>" in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"


def test_an_unknown_api_route_stays_problem_json(http):
    response = http.get("/partenaire/inconnue")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_the_error_page_renders_without_a_request():
    """Django renders 500.html with no context at all: it must not depend on one."""
    from django.template.loader import render_to_string

    page = render_to_string("500.html")

    assert '<html lang="fr"' in page
    assert "Erreur inattendue" in page


def test_redocs_bundle_is_served_without_its_cdn_logo(http):
    response = http.get("/api/redoc.js")
    html = http.get("/api/redoc").content.decode()

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert b"cdn.redoc.ly" not in response.content
    assert 'src="/api/redoc.js"' in html
    assert "Retour au portail API indemnités" in html
    assert "Retour au portail API indemnités" in http.get("/api/docs").content.decode()
