"""The catalogue entry: its data file, the home page and `GET /api/catalogue.json`."""

import html
import os
import shutil
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.urls import Resolver404, resolve, reverse

from indemnites.portail.frontmatter import document_lire
from indemnites.portail.selectors import CATALOGUE, catalogue_lire

SEED = Path("/work/shared/seed/000_06c4ead69c95c82e.txt")
# The frontmatter fields of the catalogue entry this API was specified from (api.gouv.fr, 2021).
SEED_CHAMPS = (
    "title",
    "tagline",
    "is_open",
    "access_page",
    "producer",
    "keywords",
    "rate_limiting_resume",
    "rate_limiting_description",
    "monitoring_link",
    "monitoring_description",
    "contact_link",
    "doc_tech_external",
    "themes",
    "visits_2019",
    "uptime",
    "last_update",
    "content_intro",
)
# The fields of api.gouv.fr's `/api/listAPI` listing.
LIST_API = {
    "title",
    "tagline",
    "external_site",
    "is_open",
    "partners",
    "producer",
    "keywords",
    "contact_link",
    "doc_tech_external",
    "themes",
    "rate_limiting_resume",
    "uptime",
}


@pytest.fixture
def uptime(monkeypatch):
    """What `indemnites.exploitation` measures (its own tests cover the measure)."""

    def mesure(valeur):
        from indemnites.exploitation import selectors

        monkeypatch.setattr(selectors, "uptime_pourcentage", lambda *, jours: valeur)

    return mesure


def test_the_data_file_keeps_every_field_name_of_the_seed():
    ours = document_lire(CATALOGUE.read_text()).entete

    assert set(SEED_CHAMPS) <= set(ours)
    assert {"doc_tech_link", "partners"} <= set(ours)
    assert {"who", "is_eligible", "description"} == {cle for acces in ours["access_page"] for cle in acces}


@pytest.mark.skipif(not SEED.exists(), reason="la fiche d'origine n'est pas dans ce dépôt")
def test_the_seed_has_those_field_names():
    assert set(document_lire(SEED.read_text()).entete) == set(SEED_CHAMPS)


def test_internal_links_of_the_data_file_resolve():
    entete = document_lire(CATALOGUE.read_text()).entete
    for lien in (entete["doc_tech_link"], entete["doc_tech_external"]):
        try:
            resolve(lien)
        except Resolver404:
            pytest.fail(f"{lien} ne correspond à aucune page")


def test_catalogue_json_has_the_listing_fields_and_the_service_figures(http, settings, uptime):
    settings.TRAFIC_QUOTA_CLIENT_PAR_SECONDE = 7
    settings.TRAFIC_LIMITE_IP_PAR_MINUTE = 321
    uptime(99.456)

    response = http.get("/api/catalogue.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=300"
    fiche = response.json()
    assert set(fiche) >= LIST_API
    assert fiche["is_open"] == -1
    assert fiche["partners"] == []
    assert fiche["rate_limiting_resume"] == "7 appels / seconde / client"
    assert "**7 appels par seconde**" in fiche["rate_limiting_description"]
    assert "**321\nrequêtes par minute**" in fiche["rate_limiting_description"]
    assert fiche["uptime"] == 99.46
    assert fiche["doc_tech_link"] == "http://testserver/api/openapi.json"
    assert fiche["doc_tech_external"] == "http://testserver/documentation/"
    assert fiche["datapass_link"].startswith("http://testserver/")
    assert [acces["is_eligible"] for acces in fiche["access_page"]] == [-1, 1, 0]
    assert len(fiche["keywords"]) == len(set(fiche["keywords"]))


def test_catalogue_json_last_update_is_the_data_file_date(http):
    modifie = datetime.fromtimestamp(CATALOGUE.stat().st_mtime, tz=ZoneInfo("Europe/Paris")).date()

    assert http.get("/api/catalogue.json").json()["last_update"] == modifie.strftime("%d/%m/%Y")


def test_last_update_follows_the_file(tmp_path):
    copie = tmp_path / "catalogue.md"
    shutil.copy(CATALOGUE, copie)
    # 2025-03-31 23:30 UTC is already 1 April in Paris.
    moment = datetime(2025, 3, 31, 23, 30, tzinfo=ZoneInfo("UTC")).timestamp()
    os.utime(copie, (moment, moment))

    assert catalogue_lire(chemin=copie).derniere_mise_a_jour == date(2025, 4, 1)


def test_catalogue_json_is_in_the_openapi_document(http):
    document = http.get("/api/openapi.json").json()

    assert "get" in document["paths"]["/api/catalogue.json"]


def test_uptime_not_measured(http, uptime):
    uptime(None)

    assert http.get("/api/catalogue.json").json()["uptime"] is None
    assert "Disponibilité pas encore mesurée" in http.get("/").content.decode()


def test_uptime_without_the_operations_module(http, monkeypatch):
    monkeypatch.setitem(sys.modules, "indemnites.exploitation.selectors", None)

    assert http.get("/api/catalogue.json").json()["uptime"] is None
    assert "pas encore mesurée" in http.get("/").content.decode()


@pytest.mark.parametrize(
    ("pourcentage", "badge", "texte"),
    [(99.5, "fr-badge--success", "99,50 %"), (95, "fr-badge--warning", "95 %"), (80.25, "fr-badge--error", "80,25 %")],
)
def test_home_shows_the_uptime_in_the_catalogue_colour(http, uptime, pourcentage, badge, texte):
    uptime(pourcentage)

    page = http.get("/").content.decode()

    assert f'<span class="fr-badge {badge}">{texte} de disponibilité sur 30 jours</span>' in page


def test_home_renders_the_entry(http, settings):
    settings.TRAFIC_QUOTA_CLIENT_PAR_SECONDE = 12

    response = http.get("/")

    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "<title>Accueil — API indemnités</title>" in page
    assert "<h1>API indemnités France Travail</h1>" in page
    assert "Savoir si un demandeur d'emploi perçoit un minimum social" in page
    assert "Accès sur habilitation" in page
    assert "<code>beneficiairePrestationSolidarite</code>" in page
    assert "<code>beneficiaireAssuranceChomage</code>" in page
    assert 'class="fr-table fr-table--multiline"' in page
    assert "certifiée à la\nsource" in page
    assert "12 appels / seconde / client" in page
    assert "https://francetravail.io/contact" in page


def test_home_gives_each_profile_its_answer_and_links_to_the_eligibility_gate(http):
    page = http.get("/").content.decode()

    for slug in ("particulier", "entreprise", "entite-administrative", "editeur-de-logiciel"):
        assert f'aria-controls="profil-{slug}"' in page
        assert f'<div class="fr-collapse" id="profil-{slug}">' in page
    assert "Un particulier&nbsp;: non éligible" in page
    assert "Une entité administrative&nbsp;: éligible" in page
    assert "Un éditeur de logiciel&nbsp;: sous conditions" in page
    assert f'href="{reverse("habilitations:eligibilite")}"' in page


def test_home_answers_get_and_head_only(http):
    assert http.head("/").status_code == 200
    assert http.post("/").status_code == 405


def test_the_eligibility_gate_answers_as_the_catalogue_says():
    """The gate (indemnites/habilitations) and the catalogue's access_page speak of the same visitors
    and give them the same answer."""
    from indemnites.habilitations.domain import PROFIL_LIBELLES, eligibilite

    par_libelle = {libelle: profil for profil, libelle in PROFIL_LIBELLES.items()}
    profils = catalogue_lire().profils

    assert {profil.libelle for profil in profils} == set(par_libelle)
    for profil in profils:
        assert eligibilite(par_libelle[profil.libelle]).eligible == profil.eligibilite.peut_demander, profil.libelle


def test_links_to_the_status_page_and_the_gate_when_they_exist(http):
    fiche = http.get("/api/catalogue.json").json()

    assert fiche["monitoring_link"] == "http://testserver" + reverse("exploitation:statut")
    assert fiche["datapass_link"] == "http://testserver" + reverse("habilitations:eligibilite")


def test_without_a_status_page_or_a_gate_the_entry_still_holds(http, monkeypatch):
    from indemnites.portail import selectors

    monkeypatch.setattr(selectors, "URL_PAGE_ETAT", "exploitation:absente")
    monkeypatch.setattr(selectors, "URL_ELIGIBILITE", "habilitations:absente")

    fiche = http.get("/api/catalogue.json").json()

    assert fiche["monitoring_link"] is None
    assert fiche["datapass_link"] == fiche["contact_link"]
    assert http.get("/").status_code == 200
