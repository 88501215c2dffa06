"""Issue 18's journeys in chromium, at a desktop width and a phone width: every page found from the header,
axe-clean (no serious or critical violation), captured under var/screenshots/; and a crawler that follows
every link from the home page and the header (each page 200, nothing asked of another host)."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from indemnites.droits.services.demo import DEMO_MOT_DE_PASSE, comptes_demo_charger, personas_charger
from indemnites.exploitation.domain import Verification
from indemnites.exploitation.models import Incident, IncidentMiseAJour
from indemnites.exploitation.services import sonde_enregistrer
from indemnites.oauth.services import client_partenaire_creer, clients_individu_sandbox_charger
from tests.browser_fixtures import axe_violations, screenshot
from tests.journal.conftest import client_caf_habilite, ecrire
from tests.oauth import outils

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]
LARGEURS = {"bureau": 1280, "mobile": 375}
# Third-party widgets, whose violations are listed in the accessibility declaration.
OUTILS_TIERS = ("/api/docs", "/api/redoc")
# Not pages: documents whose status only is checked.
DOCUMENTS = re.compile(r"\.(json|csv|atom|js)$|/openapi\.json$|/journal/cle-publique$")
PAGES_MAX = 80


def accessible(page, nom: str) -> None:
    violations = axe_violations(page)
    details = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert violations == [], (page.url, details)
    screenshot(page, nom)


def largeur(page, nom: str) -> None:
    page.set_viewport_size({"width": LARGEURS[nom], "height": 900})


def sans_debordement(page) -> None:
    """Nothing is wider than the screen (no word broken letter by letter, no sideways scroll)."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


def entrer_par_l_entete(page, espace: str) -> None:
    page.goto("/")
    if page.locator("#bouton-menu-principal").is_visible():  # phone: the header's links are in the menu
        page.click("#bouton-menu-principal")
        page.locator("#menu-principal").get_by_role("link", name=espace).click()
    else:
        page.locator("header").get_by_role("link", name=espace).click()


@pytest.mark.parametrize("ecran", LARGEURS)
def test_a_job_seeker_finds_who_consulted_their_data_from_the_header(page, ecran):
    jean = outils.personne("jean.are")
    client = client_caf_habilite()
    mairie = client_partenaire_creer(
        nom="Communauté d'agglomération de Testville-sur-Mer", champs=["beneficiaireAssuranceChomage"],
        destinataires=["13002526500013"],
    )  # fmt: skip
    sujet = str(jean.demandeur.pseudonyme)
    with time_machine.travel(datetime(2026, 1, 20, 16, 45, tzinfo=UTC), tick=False):
        ecrire(1, sujet=sujet, client_id=mairie.application.client_id, reference_dossier="CANTINE-2026-0042")
    with time_machine.travel(datetime(2026, 7, 14, 8, 5, 9, tzinfo=UTC), tick=False):
        ecrire(1, sujet=sujet, client_id=client.application.client_id, reference_dossier="")
    largeur(page, ecran)

    entrer_par_l_entete(page, "Espace demandeur d'emploi")
    page.wait_for_url("**/compte/connexion**")
    accessible(page, f"demandeur-connexion-{ecran}")
    page.get_by_label("Identifiant France Travail").fill("jean.are")
    page.get_by_label("Mot de passe").fill(outils.MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/compte/")
    accessible(page, f"demandeur-espace-{ecran}")

    page.locator("main").get_by_role("link", name="Qui a consulté mes données ?").first.click()
    page.wait_for_url("**/compte/consultations")
    expect(page.locator(".portail-consultation")).to_have_count(2)
    sans_debordement(page)
    accessible(page, f"demandeur-consultations-{ecran}")
    if ecran == "mobile":  # and the narrowest screen a page must reflow to (RGAA 10.11: 320 CSS px)
        page.set_viewport_size({"width": 320, "height": 900})
        sans_debordement(page)
        screenshot(page, "demandeur-consultations-320")
        largeur(page, ecran)

    page.get_by_label("Du").fill("2026-07-01")
    page.get_by_label("Au").fill("2026-07-31")
    page.get_by_role("button", name="Afficher").click()
    expect(page.locator(".portail-consultation")).to_have_count(1)
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Télécharger ces consultations (CSV)").click()
    contenu = Path(telechargement.value.path()).read_text(encoding="utf-8-sig")
    assert "14/07/2026 10:05:09" in contenu
    assert "CANTINE" not in contenu

    page.get_by_label("Du").fill("2026-07-31")
    page.get_by_label("Au").fill("2026-07-01")
    page.get_by_role("button", name="Afficher").click()
    assert page.title().startswith("Erreur : ")
    expect(page.locator("#erreurs-formulaire")).to_be_focused()
    accessible(page, f"demandeur-consultations-erreur-{ecran}")

    page.goto("/compte/autorisations")
    accessible(page, f"demandeur-autorisations-{ecran}")


@pytest.mark.parametrize("ecran", LARGEURS)
def test_a_private_person_on_the_eligibility_page_is_led_to_the_job_seekers_space(page, ecran):
    largeur(page, ecran)
    page.goto("/acces/")
    page.get_by_text("Un particulier").click()
    page.get_by_role("button", name="Continuer").click()
    accessible(page, f"eligibilite-particulier-{ecran}")
    page.get_by_role("link", name="Aller à l'espace demandeur d'emploi").click()
    page.wait_for_url("**/compte/connexion**")


@pytest.mark.parametrize("ecran", LARGEURS)
def test_the_status_page_tells_each_day_and_the_incidents(page, ecran):
    maintenant = timezone.now()
    for minute in range(3):
        sonde_enregistrer(verification=Verification(ok=True), moment=maintenant - timedelta(minutes=minute))
    incident = Incident.objects.create(titre="Lenteurs de la base", debut=maintenant - timedelta(hours=1))
    IncidentMiseAJour.objects.create(
        incident=incident, horodatage=maintenant, statut="identifie", message="Un index manquait ; il est recréé."
    )
    largeur(page, ecran)

    page.goto("/statut")
    aujourd_hui = page.locator(".statut-jour").last
    aujourd_hui.focus()
    expect(aujourd_hui.locator(".statut-infobulle")).to_be_visible()
    expect(aujourd_hui.locator(".statut-infobulle")).to_contain_text(f"{timezone.localdate():%d/%m/%Y} : 100,00 %")
    expect(page.get_by_text("Un index manquait ; il est recréé.")).to_be_visible()
    sans_debordement(page)
    accessible(page, f"statut-{ecran}")


def test_the_footer_pages_on_a_phone(page):
    """At 1280 px the crawler below visits them (axe included); here, at 375 px, from the footer."""
    ecran = "mobile"
    largeur(page, ecran)
    for chemin, nom in [
        ("/accessibilite/", "accessibilite"), ("/mentions-legales/", "mentions-legales"),
        ("/donnees-personnelles/", "donnees-personnelles"), ("/cgu/", "cgu"), ("/plan-du-site/", "plan-du-site"),
    ]:  # fmt: skip
        page.goto("/")
        page.locator("footer").get_by_role("link", name=re.compile(f"^{page_titre(nom)}")).click()
        page.wait_for_url(f"**{chemin}")
        sans_debordement(page)
        accessible(page, f"{nom}-{ecran}")


def page_titre(nom: str) -> str:
    return {
        "accessibilite": "Accessibilité", "mentions-legales": "Mentions légales",
        "donnees-personnelles": "Données personnelles", "cgu": "Conditions générales", "plan-du-site": "Plan du site",
    }[nom]  # fmt: skip


def _liens(page, origine: str) -> set[str]:
    hrefs = page.eval_on_selector_all("a[href]", "liens => liens.map(a => a.getAttribute('href'))")
    trouves = set()
    for href in hrefs:
        url = urljoin(page.url, href)
        if url.startswith(origine) and not href.startswith("#"):
            trouves.add(urlsplit(url)._replace(fragment="").geturl())
    return trouves


def test_every_page_reachable_from_the_home_page_and_the_header_answers_200(page, live_server):
    """The `page` fixture fails the test on any request to another host (scripts, fonts, images too)."""
    origine = live_server.url
    a_visiter, vus, visites = [origine + "/"], set(), []
    while a_visiter and len(visites) < PAGES_MAX:
        url = a_visiter.pop(0)
        if url in vus or "/admin/" in url:
            continue
        vus.add(url)
        if DOCUMENTS.search(urlsplit(url).path):
            assert page.request.get(url).status == 200, url
            continue
        reponse = page.goto(url)
        assert reponse.status == 200, url
        if not reponse.headers.get("content-type", "").startswith("text/html"):
            continue  # a document (/ping's JSON…): its status is what counts
        visites.append(urlsplit(page.url).path)
        if not urlsplit(page.url).path.startswith(OUTILS_TIERS):
            violations = axe_violations(page)
            assert violations == [], (page.url, [v["id"] for v in violations])
        a_visiter += sorted(_liens(page, origine) - vus)

    attendus = {"/", "/compte/connexion", "/habilitations/compte/connexion/", "/accessibilite/", "/plan-du-site/",
                "/statut", "/documentation/", "/api/redoc", "/api/docs"}  # fmt: skip
    assert attendus <= set(visites), sorted(set(visites))
    assert len(visites) < PAGES_MAX, "trop de pages : le parcours ne finit pas"


@pytest.fixture
def bac_a_sable(settings) -> None:
    personas_charger(aujourdhui=timezone.localdate())
    comptes_demo_charger()
    clients_individu_sandbox_charger()
    # The test server speaks plain http: let the demo relying party's redirect URI use it, as in development.
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"]}


@pytest.mark.parametrize("ecran", LARGEURS)
def test_try_the_connected_mode_from_the_sandbox(page, bac_a_sable, ecran):
    largeur(page, ecran)
    page.goto("/bac-a-sable/")
    page.get_by_role("button", name="Essayer le mode connecté").click()

    page.wait_for_url("**/compte/connexion**")
    page.get_by_label("Identifiant France Travail").fill("jean.are")
    page.get_by_label("Mot de passe").fill(DEMO_MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_text("Administration de démonstration (bac à sable)").first.wait_for()
    accessible(page, f"bac-a-sable-consentement-{ecran}")
    page.locator("main form button[type=submit]").first.click()

    page.wait_for_url("**/bac-a-sable/mode-connecte/retour**")
    expect(page.get_by_role("heading", name="Parcours complet")).to_be_visible()
    expect(page.locator("#demo-userinfo")).to_contain_text('"given_name"')
    expect(page.locator("#demo-indemnisation")).to_contain_text("beneficiaire")
    expect(page.locator("#demo-id-token")).to_contain_text('"nonce"')
    sans_debordement(page)
    accessible(page, f"bac-a-sable-mode-connecte-{ecran}")
