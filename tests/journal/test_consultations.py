"""`/compte/consultations`, « Qui a consulté mes données ? »: the logged-in job seeker sees every
consultation of their data, in both modes, in Paris time; never another person's, never who the agent was."""

import csv
import io
import re
from datetime import UTC, datetime
from html import unescape

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.template.base import Template

from indemnites.journal.models import Enregistrement
from indemnites.journal.selectors import Periode, consultations_parcourir
from tests.api.outils import corps
from tests.journal.conftest import client_caf_habilite, ecrire
from tests.oauth import outils

PAGE = "/compte/consultations"
JUILLET = datetime(2026, 7, 14, 8, 5, 9, tzinfo=UTC)  # 10:05:09 in Paris (summer time)
JANVIER = datetime(2026, 1, 20, 16, 45, 0, tzinfo=UTC)  # 17:45:00 in Paris (winter time)


@pytest.fixture
def jean() -> outils.Personne:
    return outils.personne("jean.are")


@pytest.fixture
def consultations(http, appeler, jean) -> outils.ClientCree:
    """Jean's data consulted twice: by a town hall's server (mode B, no habilitation), and by an
    administration he logged in to (mode A, with a habilitation)."""
    with time_machine.travel(JANVIER, tick=False):
        assert appeler(corps(identifiant="jean.are", referenceDossier="CANTINE-2026-0042")).status_code == 200
    client = client_caf_habilite()
    jeton = outils.jetons(http, client, jean)["access_token"]
    with time_machine.travel(JUILLET, tick=False):
        assert http.get(outils.INDEMNISATION_URL, **outils.bearer(jeton)).status_code == 200
    http.logout()
    return client


def page(http, qui: outils.Personne) -> str:
    http.force_login(qui.utilisateur)
    response = http.get(PAGE)
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_anonymous_visitors_are_asked_to_log_in(http):
    response = http.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion?next=")


def test_both_modes_are_listed_newest_first_in_paris_time(http, jean, consultations):
    html = page(http, jean)

    assert "Qui a consulté mes données ?" in html
    assert "Consultations de vos données (2)" in html
    assert html.index("14 juillet 2026 à 10:05:09") < html.index("20 janvier 2026 à 17:45:00")


def test_a_consultation_under_a_habilitation_names_its_administration_and_demarche(http, jean, consultations):
    html = page(http, jean)

    assert "Caisse d'allocations familiales de Paris" in html
    assert "SIRET 53482498700015" in html
    assert "Prime d'activité" in html
    assert "Avec votre accord, donné en vous connectant" in html
    assert "Si vous percevez un minimum social (ASS, AAH, RSA ou AER)" in html


def test_without_a_habilitation_the_client_and_the_recipient_siret_are_shown(http, jean, consultations):
    html = page(http, jean)

    assert "Mairie de test" in html
    assert "SIRET 13002526500013" in html
    assert "CANTINE-2026-0042" in html
    assert "Échange entre administrations (article L114-8 du CRPA)" in html


def test_the_agent_and_the_technical_identifiers_are_never_shown(http, jean, consultations):
    html = page(http, jean)

    assert "agent.instructeur@exemple.fr" not in html
    for enregistrement in Enregistrement.objects.all():
        assert enregistrement.client_id not in html
        assert enregistrement.request_id not in html
        assert enregistrement.sujet not in html


def test_another_persons_consultations_are_never_shown(http, jean, consultations):
    claire = outils.personne("claire.asp", prestations=("ASP",))
    ecrire(1, sujet=str(claire.demandeur.pseudonyme), reference_dossier="DOSSIER-CLAIRE")

    html_claire = page(http, claire)
    html_jean = page(http, jean)

    assert "Consultations de vos données (1)" in html_claire
    assert "DOSSIER-CLAIRE" in html_claire
    for trace_de_jean in ("CANTINE-2026-0042", "Prime d'activité", "Mairie de test", "14 juillet 2026"):
        assert trace_de_jean not in html_claire
    assert "DOSSIER-CLAIRE" not in html_jean


def test_a_person_never_consulted_sees_an_empty_list(http):
    html = page(http, outils.personne("lea.sansdroit"))

    assert "Aucune administration n'a consulté vos données." in html


def test_an_account_without_a_job_seeker_file_is_told_so(http):
    http.force_login(get_user_model().objects.create_user(username="agent", password="x" * 16))

    html = unescape(http.get(PAGE).content.decode())

    assert "Ce compte n'est relié à aucun dossier de demandeur d'emploi" in html


def test_consultations_are_paginated_by_keyset_and_a_new_consultation_shifts_nothing(http, jean):
    sujet = str(jean.demandeur.pseudonyme)
    ecrire(30, sujet=sujet)

    premiere = page(http, jean)
    suivante = re.search(r'href="\?apres=([0-9-]+)"', premiere)
    assert suivante is not None
    ecrire(1, sujet=sujet, reference_dossier="NOUVELLE")  # written between the two reads
    seconde = unescape(http.get(PAGE + "?apres=" + suivante.group(1)).content.decode())

    assert "Consultations de vos données (30)" in premiere
    assert "<dd>DOSSIER-29</dd>" in premiere
    assert "<dd>DOSSIER-4</dd>" not in premiere
    assert "<dd>DOSSIER-4</dd>" in seconde
    assert "<dd>DOSSIER-5</dd>" not in seconde  # still on the first page: nothing read twice
    assert "NOUVELLE" not in seconde
    assert "Les plus récentes" in seconde
    assert "Plus anciennes" not in seconde


def test_records_of_the_same_instant_are_each_read_once_across_pages(http, jean):
    sujet = str(jean.demandeur.pseudonyme)
    with time_machine.travel(JUILLET, tick=False):
        ecrire(40, sujet=sujet)
    http.force_login(jean.utilisateur)

    premiere = unescape(http.get(PAGE).content.decode())
    suivante = re.search(r'href="\?apres=([0-9-]+)"', premiere)
    assert suivante is not None
    seconde = unescape(http.get(PAGE + "?apres=" + suivante.group(1)).content.decode())

    lus = re.findall(r"<dd>DOSSIER-(\d+)</dd>", premiere + seconde)
    assert sorted(map(int, lus)) == list(range(40))


def test_the_count_stops_at_its_ceiling(http, jean, monkeypatch):
    monkeypatch.setattr("indemnites.journal.views.COMPTE_PLAFOND", 3)
    sujet = str(jean.demandeur.pseudonyme)
    ecrire(3, sujet=sujet)
    assert "Consultations de vos données (3)" in page(http, jean)

    ecrire(2, sujet=sujet)
    html = page(http, jean)

    assert "Consultations de vos données (plus de 3)" in html
    assert "<dd>DOSSIER-1</dd>" in html  # every record is still listed


def test_a_malformed_cursor_shows_the_first_page(http, jean):
    ecrire(2, sujet=str(jean.demandeur.pseudonyme))
    http.force_login(jean.utilisateur)

    html = unescape(http.get(PAGE + "?apres=x-1").content.decode())

    assert "<dd>DOSSIER-1</dd>" in html


def test_a_page_seen_again_reads_and_parses_no_template(http, jean, monkeypatch):
    """Templates are parsed once per process: the period form's field templates were parsed on every page
    (a new renderer for each form), a cost and garbage paid by each request."""
    http.force_login(jean.utilisateur)
    adresse = PAGE + "?depuis=2026-07-01&jusqu_au=2026-07-31"
    assert http.get(adresse).status_code == 200
    analyses = []
    compiler = Template.compile_nodelist
    monkeypatch.setattr(
        Template, "compile_nodelist", lambda gabarit: analyses.append(gabarit.name) or compiler(gabarit)
    )

    html = unescape(http.get(adresse).content.decode())

    assert 'value="2026-07-01"' in html  # the fields were rendered
    assert analyses == []


def test_the_period_filter_keeps_paris_days_both_included(http, jean, consultations):
    http.force_login(jean.utilisateur)

    juillet = unescape(http.get(PAGE, {"depuis": "2026-07-14", "jusqu_au": "2026-07-14"}).content.decode())
    janvier = unescape(http.get(PAGE, {"depuis": "2026-01-01", "jusqu_au": "2026-01-31"}).content.decode())
    rien = unescape(http.get(PAGE, {"depuis": "2026-03-01", "jusqu_au": "2026-03-31"}).content.decode())

    assert "Consultations de vos données (1)" in juillet
    assert "14 juillet 2026" in juillet
    assert "CANTINE-2026-0042" not in juillet
    assert "CANTINE-2026-0042" in janvier
    assert "14 juillet 2026" not in janvier
    assert "Aucune administration n'a consulté vos données pendant cette période." in rien
    assert (
        'href="/compte/consultations.csv?depuis=2026-03-01&amp;jusqu_au=2026-03-31"'
        in http.get(PAGE, {"depuis": "2026-03-01", "jusqu_au": "2026-03-31"}).content.decode()
    )


def test_a_period_ending_before_it_starts_is_an_error_in_the_form(http, jean, consultations):
    http.force_login(jean.utilisateur)

    html = unescape(http.get(PAGE, {"depuis": "2026-07-14", "jusqu_au": "2026-01-01"}).content.decode())

    assert "<title>Erreur : " in html
    assert "La fin de la période doit suivre son début." in html


def test_the_csv_download_lists_the_persons_consultations_only(http, jean, consultations):
    claire = outils.personne("claire.asp", prestations=("ASP",))
    ecrire(1, sujet=str(claire.demandeur.pseudonyme), reference_dossier="DOSSIER-CLAIRE")
    http.force_login(jean.utilisateur)

    response = http.get(PAGE + ".csv")
    texte = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    lignes = list(csv.reader(io.StringIO(texte), delimiter=";"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="consultations-de-mes-donnees-')
    assert response["Cache-Control"] == "no-store"
    assert lignes[0][0] == "Date et heure (Paris)"
    assert [ligne[0] for ligne in lignes[1:]] == ["14/07/2026 10:05:09", "20/01/2026 17:45:00"]
    assert lignes[2][6] == "CANTINE-2026-0042"
    assert "DOSSIER-CLAIRE" not in str(lignes)


def test_the_csv_download_follows_the_period_and_reads_beyond_one_batch(http, jean):
    ecrire(7, sujet=str(jean.demandeur.pseudonyme))
    http.force_login(jean.utilisateur)
    sujet = str(jean.demandeur.pseudonyme)
    assert len(list(consultations_parcourir(sujet=sujet, periode=Periode(), lot=3))) == 7
    vide = b"".join(http.get(PAGE + ".csv", {"depuis": "2000-01-01", "jusqu_au": "2000-01-02"}).streaming_content)
    assert vide.decode().count("\n") == 1  # the header only


def test_the_csv_download_is_sent_in_pieces_of_many_lines(http, jean, monkeypatch):
    monkeypatch.setattr("indemnites.journal.consultations_csv.MORCEAU", 1000)
    ecrire(30, sujet=str(jean.demandeur.pseudonyme))
    http.force_login(jean.utilisateur)

    morceaux = list(http.get(PAGE + ".csv").streaming_content)

    assert 2 <= len(morceaux) <= 10  # not one per line: 31 lines of about 150 bytes
    assert b"".join(morceaux).decode().count("\n") == 31


def test_the_csv_download_needs_a_login(http):
    assert http.get(PAGE + ".csv")["Location"].startswith("/compte/connexion")


def test_the_page_tells_apart_what_can_be_withdrawn_and_gives_the_dpo(http, jean, consultations):
    html = page(http, jean)

    assert "Vous ne pouvez pas retirer cet échange" in html
    assert 'href="/compte/autorisations"' in html
    assert "Délégué à la protection des données de France Travail" in html
