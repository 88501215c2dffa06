"""The connected-mode flow in a real browser (Debian's chromium) through the DSFR pages: login, consent
(accessible, captured under var/screenshots/), the code back at the administration, its token, the data;
then "Mes autorisations" and a withdrawal."""

import re
from typing import Any

import httpx
import pytest

from tests.browser_fixtures import axe_violations, screenshot
from tests.oauth import outils

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _http_local(settings) -> None:
    """The live test server speaks plain http."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False


def accessible(page: Any, nom: str) -> None:
    screenshot(page, nom)
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n.get("html") for n in v.get("nodes", [])]) for v in violations]


def administration(page: Any) -> list[str]:
    """The administration's site, outside this machine: the browser's visits to it are answered here."""
    visites: list[str] = []

    def repondre(route: Any) -> None:
        visites.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<!DOCTYPE html><title>Retour</title>")

    page.route("https://demarche.exemple.fr/**", repondre)
    return visites


def test_login_consent_code_token_data_then_withdrawal(page, live_server):
    outils.personne("jean.are", ("ARE",))
    client = outils.client_individu()
    visites = administration(page)
    verifier, challenge = outils.pkce()

    page.goto(outils.authorize_url(client, challenge))
    page.wait_for_url(re.compile(r".*/compte/connexion\?next=/connexion/oauth2/authorize.*"))
    assert page.locator("h1").inner_text() == "Se connecter à son espace demandeur d'emploi"
    accessible(page, "connexion")
    page.fill("#id_identifiant", "jean.are")
    page.fill("#id_mot_de_passe", outils.MOT_DE_PASSE)
    page.click("main button[type=submit]")

    page.wait_for_url(re.compile(r".*/connexion/oauth2/authorize\?.*"))
    assert page.locator("h1").inner_text() == "Autoriser Mairie de Test à accéder à vos données"
    assert page.get_by_text("Si vous percevez une allocation d'assurance chômage (ARE ou ASP)").is_visible()
    accessible(page, "consentement")
    page.click("main button:has-text('Autoriser')")

    page.wait_for_url(re.compile(r"https://demarche\.exemple\.fr/retour\?.*"))
    code = outils.query(page.url)["code"]
    assert outils.query(page.url)["state"] == "etat-42"
    assert len(visites) == 1

    with httpx.Client(base_url=live_server.url, headers={"Connection": "close"}, timeout=10) as serveur:
        jeton = serveur.post(
            outils.TOKEN_URL,
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": outils.REDIRECT_URI,
                "code_verifier": verifier,
            },
            auth=(client.application.client_id, client.client_secret),
        ).json()["access_token"]
        donnees = serveur.get(outils.INDEMNISATION_URL, headers={"Authorization": f"Bearer {jeton}"})
        assert donnees.json() == {"beneficiairePrestationSolidarite": False, "beneficiaireAssuranceChomage": True}

        page.goto("/compte/autorisations")
        assert page.get_by_text("Mairie de Test").first.is_visible()
        accessible(page, "mes-autorisations")
        page.click("main button:has-text('Retirer l\\'autorisation de Mairie de Test')")
        page.wait_for_load_state()
        assert page.get_by_text("Autorisation retirée").is_visible()

        retire = serveur.get(outils.INDEMNISATION_URL, headers={"Authorization": f"Bearer {jeton}"})
        assert retire.status_code == 401


def test_refusal_in_the_browser_sends_access_denied_back(page, live_server):
    outils.personne("jean.are", ("ARE",))
    client = outils.client_individu()
    administration(page)

    page.goto(outils.authorize_url(client, outils.pkce()[1]))
    page.fill("#id_identifiant", "jean.are")
    page.fill("#id_mot_de_passe", outils.MOT_DE_PASSE)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/connexion/oauth2/authorize\?.*"))
    page.click("main button:has-text('Refuser')")

    page.wait_for_url(re.compile(r"https://demarche\.exemple\.fr/retour\?.*"))
    assert outils.query(page.url)["error"] == "access_denied"
    assert "code" not in outils.query(page.url)


def test_failed_login_shows_a_clear_message(page, live_server):
    outils.personne("jean.are", ("ARE",))

    page.goto("/compte/connexion")
    page.fill("#id_identifiant", "jean.are")
    page.fill("#id_mot_de_passe", "mauvais")
    page.click("main button[type=submit]")

    alerte = page.locator("[role=alert]")
    assert "Identifiant ou mot de passe incorrect." in alerte.inner_text()
    accessible(page, "connexion-echec")
