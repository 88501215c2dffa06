"""« Qui a consulté mes données ? » in a real browser (Debian's chromium): reached through the job seeker's
login, rendered without serious or critical accessibility violation, captured for review."""

from datetime import UTC, datetime

import pytest
import time_machine

from indemnites.journal.models import Mode
from indemnites.oauth.services import client_partenaire_creer
from tests.browser_fixtures import axe_violations, screenshot
from tests.journal.conftest import client_caf_habilite, ecrire
from tests.oauth import outils

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_the_job_seeker_logs_in_and_reads_who_consulted_their_data(page):
    jean = outils.personne("jean.are")
    client = client_caf_habilite()
    mairie = client_partenaire_creer(
        nom="Mairie de Testville", champs=["beneficiaireAssuranceChomage"], destinataires=["13002526500013"]
    )
    sujet = str(jean.demandeur.pseudonyme)
    with time_machine.travel(datetime(2026, 1, 20, 16, 45, tzinfo=UTC), tick=False):
        ecrire(1, sujet=sujet, client_id=mairie.application.client_id, reference_dossier="CANTINE-2026-0042")
    with time_machine.travel(datetime(2026, 7, 14, 8, 5, 9, tzinfo=UTC), tick=False):
        ecrire(
            1,
            sujet=sujet,
            mode=Mode.INDIVIDU,
            client_id=client.application.client_id,
            champs=("beneficiairePrestationSolidarite", "beneficiaireAssuranceChomage"),
            reference_dossier="",
        )

    page.goto("/compte/consultations")
    assert "/compte/connexion" in page.url
    page.get_by_label("Identifiant France Travail").fill("jean.are")
    page.get_by_label("Mot de passe").fill(outils.MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/compte/consultations")

    assert page.get_by_role("heading", level=1).inner_text() == "Qui a consulté mes données ?"
    lignes = page.locator(".portail-consultation")
    assert lignes.count() == 2
    assert "14 juillet 2026 à 10:05:09" in lignes.nth(0).inner_text()
    assert "Caisse d'allocations familiales de Paris" in lignes.nth(0).inner_text()
    assert "Mairie de Testville" in lignes.nth(1).inner_text()
    assert "CANTINE-2026-0042" in lignes.nth(1).inner_text()
    assert "agent.instructeur@exemple.fr" not in page.content()
    assert axe_violations(page) == []
    screenshot(page, "qui-a-consulte")
