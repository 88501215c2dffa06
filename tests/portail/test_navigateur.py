"""The public pages in a real browser (Debian's chromium): rendered, navigable by keyboard, without
serious or critical accessibility violation (axe-core), without a CSP violation or a request leaving
the machine (the `page` fixture), and captured under var/screenshots/ for review."""

import re
from dataclasses import dataclass, field

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from indemnites.droits.services.demo import DEMO_MOT_DE_PASSE, comptes_demo_charger, personas_charger
from indemnites.oauth.services import clients_individu_sandbox_charger, clients_sandbox_charger
from tests.browser_fixtures import axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]
TABULATIONS_MAX = 80


@dataclass
class Journal:
    """What the browser console says: CSP refusals and failed loads are errors of the page."""

    erreurs: list[str] = field(default_factory=list)

    def ecouter(self, page: object) -> None:
        page.on("console", lambda message: self.erreurs.append(message.text) if message.type == "error" else None)


@pytest.fixture
def journal(page) -> Journal:
    suivi = Journal()
    suivi.ecouter(page)
    return suivi


@pytest.fixture
def bac_a_sable() -> None:
    personas_charger(aujourdhui=timezone.localdate())
    comptes_demo_charger()
    clients_sandbox_charger()
    clients_individu_sandbox_charger()


def ouvrir(page, chemin: str) -> None:
    response = page.goto(chemin)
    assert response.status == 200, f"{chemin} : {response.status}"
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert page.title().endswith("— API indemnités")
    dsfr_demarre(page)


def dsfr_demarre(page) -> None:
    """DSFR's script (loaded under the CSP, with the nonce) has set the page up."""
    # A selector, not wait_for_function: polling a string predicate needs eval, which the CSP refuses.
    page.locator("html[data-fr-js='true']").wait_for(state="attached", timeout=5_000)


def liens_manquants_au_clavier(page, liens: list[str]) -> list[str]:
    """Tab on from where the focus is (the content, after the skip link) until every link was reached."""
    manquants = list(liens)
    for _ in range(TABULATIONS_MAX):
        if not manquants:
            break
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement.getAttribute('href')") or ""
        manquants = [lien for lien in manquants if not re.fullmatch(lien, href)]
    return manquants


def sans_violation(page) -> None:
    violations = axe_violations(page)
    details = [
        (v["id"], [n["target"] for n in v["nodes"]][:5], v["nodes"][0].get("failureSummary")) for v in violations
    ]
    assert violations == [], details


def verifier_evitement(page) -> None:
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#contenu"
    assert page.evaluate("document.activeElement.textContent.trim()") == "Contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"


def verifier(page, journal: Journal, nom: str, liens: list[str]) -> None:
    """Skip link first, the main links by keyboard, axe, no CSP refusal nor failed load, a screenshot."""
    verifier_evitement(page)
    assert liens_manquants_au_clavier(page, liens) == [], "liens non atteints au clavier"
    sans_violation(page)
    assert not [e for e in journal.erreurs if "Content Security Policy" in e or "Failed to load" in e], journal.erreurs
    screenshot(page, nom)


def test_home(page, journal):
    ouvrir(page, "/")

    assert page.locator("h1").inner_text() == "API indemnités France Travail"
    assert page.get_by_text("Accès sur habilitation", exact=True).is_visible()
    assert page.locator("table").count() == 1
    verifier(page, journal, "accueil", [r"/documentation/", r"/acces/", r"/api/catalogue\.json"])

    # The accordions of the "Qui peut accéder ?" block open with DSFR's script (loaded under the CSP).
    bouton = page.get_by_role("button", name=re.compile("Une entité administrative"))
    bouton.click()
    expect(bouton).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#profil-entite-administrative").get_by_text("article L114-8")).to_be_visible()


def test_home_on_a_phone(page, journal):
    page.set_viewport_size({"width": 375, "height": 740})
    ouvrir(page, "/")

    assert not page.locator("#navigation").is_visible()
    page.get_by_role("button", name="Menu").click()
    expect(page.locator("#navigation")).to_be_visible()
    sans_violation(page)
    screenshot(page, "accueil-mobile")


def test_eligibility_answers(page, journal):
    ouvrir(page, "/acces/")
    verifier(page, journal, "eligibilite", [r"/"])

    page.get_by_text("Un éditeur de logiciel").click()
    page.get_by_role("button", name="Continuer").click()
    expect(page.locator("h1")).to_be_visible()
    dsfr_demarre(page)
    sans_violation(page)
    screenshot(page, "eligibilite-editeur")


def test_documentation(page, journal):
    ouvrir(page, "/documentation/")
    verifier(
        page,
        journal,
        "documentation",
        [r"/documentation/serveur-a-serveur/", r"/documentation/erreurs/", r"/api/docs", r"/api/redoc"],
    )

    page.get_by_role("link", name="Démarrage rapide : serveur à serveur").first.click()
    assert page.locator("pre code").first.is_visible()
    sans_violation(page)
    screenshot(page, "documentation-serveur-a-serveur")


def test_error_reference(page, journal):
    ouvrir(page, "/documentation/erreurs/")

    assert page.locator("#journal-indisponible").is_visible()
    verifier(page, journal, "documentation-erreurs", [r"/documentation/limites/"])


def test_sandbox(page, journal):
    ouvrir(page, "/bac-a-sable/")

    assert page.get_by_text("Données fictives").is_visible()
    assert page.get_by_text("jean.are", exact=True).first.is_visible()
    verifier(page, journal, "bac-a-sable", [r"/documentation/"])


def test_status_page(page, journal):
    ouvrir(page, "/statut")

    verifier(page, journal, "etat-du-service", [r"/"])


def test_login_and_consent(page, journal, bac_a_sable):
    autorisation = (
        "/connexion/oauth2/authorize?realm=/individu&response_type=code&client_id=sandbox-mode-connecte"
        "&redirect_uri=https%3A%2F%2F127.0.0.1%3A8765%2Fcallback&scope=openid%20api_peconnect-indemnisationsv1"
        "%20indemnisation&state=s&nonce=n&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        "&code_challenge_method=S256"
    )
    page.goto(autorisation)
    assert page.title().endswith("— API indemnités")
    verifier(page, journal, "connexion", [])

    page.get_by_role("textbox", name=re.compile("Identifiant")).fill("jean.are")
    page.get_by_label(re.compile("Mot de passe")).first.fill(DEMO_MOT_DE_PASSE)
    page.get_by_role("button", name=re.compile("connecter", re.IGNORECASE)).click()
    assert page.get_by_text("Administration de démonstration (bac à sable)").first.is_visible()
    verifier(page, journal, "consentement", [])


def test_swagger_and_redoc_start_under_the_csp(page, journal):
    """Both viewers are third-party widgets (ninja's bundled assets): their own markup is not axe-clean
    (docs/portail.md), the DSFR pages above are the accessible documentation."""
    ouvrir_outil(page, "/api/docs", "typeof window.SwaggerUIBundle === 'function'")
    ouvrir_outil(page, "/api/redoc", "typeof window.Redoc === 'object'")

    # Redoc's logo no longer comes from cdn.redoc.ly (the `page` fixture fails on any request elsewhere).
    refus = [e for e in journal.erreurs if "Content Security Policy" in e]
    assert not refus, refus
    page.get_by_role("link", name="← Retour au portail API indemnités").click()
    page.wait_for_url(re.compile(r"/$"))


def test_swagger_and_redoc_render_the_openapi_document(page, journal):
    ouvrir_outil(page, "/api/docs", "typeof window.SwaggerUIBundle === 'function'")
    page.wait_for_selector(".opblock", timeout=15_000)
    screenshot(page, "swagger")
    ouvrir_outil(page, "/api/redoc", "typeof window.Redoc === 'object'")
    page.wait_for_selector("[data-section-id^='operation/']", timeout=15_000)
    expect(page.get_by_text("Exemples de réponses").first).to_be_visible()  # French labels
    assert page.locator("img[src*='redoc.ly']").count() == 0
    screenshot(page, "redoc")


def ouvrir_outil(page, chemin: str, pret: str) -> None:
    response = page.goto(chemin)
    assert response.status == 200
    assert page.evaluate("document.documentElement.lang") == "fr"
    page.wait_for_function(pret, timeout=5_000)
