"""The FranceConnect journey in a real browser (Debian's chromium): the DSFR button on our login page, the
provider's page, back to "Mes autorisations"; then the logout chain. It also proves that the pages' CSP
(`form-action`) lets the browser follow the redirects to the provider."""

import re
from typing import Any

import pytest
from django.utils import timezone

from indemnites.droits.services.demo import personas_charger
from indemnites.federation.domain import origines
from tests.browser_fixtures import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def en_direct(fournisseur, live_server, settings) -> None:
    """Our live test server registered at the provider, served over plain http, its CSP as in production."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    fournisseur.controler("bases", bases=[live_server.url])
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    politique = {**directives, "form-action": [*directives["form-action"], *origines(fournisseur.discovery_url)]}
    settings.CONTENT_SECURITY_POLICY = {**settings.CONTENT_SECURITY_POLICY, "DIRECTIVES": politique}


def test_franceconnect_button_provider_and_back_then_logout(page: Any, live_server, fournisseur, en_direct):
    personas_charger(aujourdhui=timezone.localdate())

    page.goto("/compte/connexion")
    assert axe_violations(page) == []
    page.click("button.fr-connect")
    page.wait_for_url(re.compile(rf"{re.escape(fournisseur.issuer)}/interaction/.*"))
    page.fill("input[name=login]", "marc.ass")
    page.click("button:has-text('Se connecter')")

    page.wait_for_url(f"{live_server.url}/compte/")
    assert page.locator("h1").inner_text() == "Mon espace demandeur d'emploi"

    page.click("header button:has-text('Se déconnecter')")
    page.wait_for_url(re.compile(rf"{re.escape(fournisseur.issuer)}/session/end.*"))
    page.click("button:has-text('Se déconnecter')")  # the provider's confirmation
    page.wait_for_url(f"{live_server.url}/compte/connexion")
    assert page.get_by_text("Vous êtes déconnecté.").is_visible()
