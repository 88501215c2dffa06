"""`/preuves/verifier` in a real browser: a pasted proof is checked, the page passes axe, under the CSP."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser_fixtures import screenshot
from tests.conftest import SIRET_DESTINATAIRE
from tests.portail.test_navigateur import Journal, ouvrir, sans_violation, verifier
from tests.preuves.outils import JWT

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture
def journal(page) -> Journal:
    suivi = Journal()
    suivi.ecouter(page)
    return suivi


@pytest.fixture
def preuve(appeler, demandeur) -> tuple[str, str]:
    demandeur(droits=(("ARE", "France Travail", timezone.localdate() - timedelta(days=30), None),))
    response = appeler({"identifiant": "jean.are", "recipient": SIRET_DESTINATAIRE}, HTTP_ACCEPT=JWT)
    return response.content.decode(), response["X-Preuve-Sel"]


def test_verification_page(page, journal, preuve):
    jws, sel = preuve
    ouvrir(page, "/preuves/verifier")
    verifier(page, journal, "preuves-verifier", [r"/preuves/jwks\.json", r"/documentation/preuves/"])

    page.get_by_label("Preuve (JWS compact").fill(jws)
    page.get_by_label("Sel (en-tête X-Preuve-Sel").fill(sel)
    page.get_by_label("Identifiant France Travail").fill("jean.are")
    page.get_by_role("button", name="Vérifier").click()

    assert page.get_by_text("Signature valide").is_visible()
    assert page.get_by_text("Identité concordante").is_visible()
    sans_violation(page)
    screenshot(page, "preuves-verifier-resultat")
