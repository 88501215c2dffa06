"""The header's two spaces and the footer's mandatory pages (RGAA, RGPD, LCEN) on every page."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PAGES_OBLIGATOIRES = {
    "/accessibilite/": ("Déclaration d'accessibilité", "non conforme"),
    "/mentions-legales/": ("Mentions légales", "Directeur de la publication"),
    "/donnees-personnelles/": ("Données personnelles", "Délégué à la protection des données"),
    "/cgu/": ("Conditions générales d'utilisation", "Engagements de l'administration"),
    "/plan-du-site/": ("Plan du site", "Qui a consulté mes données ?"),
}
# Pages of each app, each extending the shared base template.
PAGES = [
    "/",
    "/documentation/",
    "/acces/",
    "/statut",
    "/habilitations/publiques/",
    "/compte/connexion",
    "/habilitations/compte/connexion/",
    *PAGES_OBLIGATOIRES,
]


@pytest.mark.parametrize("chemin", PAGES)
def test_every_page_has_both_spaces_in_its_header_and_the_mandatory_links_in_its_footer(chemin):
    html = Client().get(chemin).content.decode()

    assert 'href="/compte/">Espace demandeur d&#x27;emploi</a>' in html or "Espace demandeur d'emploi" in html
    assert 'href="/habilitations/espace/"' in html
    for lien in PAGES_OBLIGATOIRES:
        assert f'href="{lien}"' in html
    assert "Accessibilité : non conforme" in html


@pytest.mark.parametrize(("chemin", "attendu"), PAGES_OBLIGATOIRES.items())
def test_mandatory_pages_exist(chemin, attendu):
    response = Client().get(chemin)

    assert response.status_code == 200
    titre, extrait = attendu
    assert f"<h1>{titre}</h1>" in response.content.decode().replace("&#x27;", "'")
    assert extrait in response.content.decode().replace("&#x27;", "'")


def test_no_label_leads_to_two_logins():
    """ "Se connecter" is never offered in the header: each space leads to its own login."""
    html = Client().get("/").content.decode()
    entete = html[html.index("<header") : html.index("</header>")]

    assert "Se connecter" not in entete
    assert Client().get("/compte/")["Location"].startswith("/compte/connexion")
    assert Client().get("/habilitations/espace/")["Location"].startswith("/habilitations/compte/connexion/")


def test_the_accessibility_declaration_lists_the_api_viewers():
    html = Client().get("/accessibilite/").content.decode()

    assert "Swagger UI" in html
    assert "Redoc" in html


def test_the_personal_data_page_gives_each_processing_its_purpose_basis_retention_and_recipients():
    html = Client().get("/donnees-personnelles/").content.decode()

    for rubrique in ("Finalité", "Base légale", "Durée de conservation", "Destinataires"):
        assert html.count(f"<dt>{rubrique}</dt>") == 4


def test_the_home_page_tells_a_job_seeker_where_to_see_who_consulted_their_data():
    html = Client().get("/").content.decode()

    assert "Vous êtes demandeur d&#x27;emploi ?" in html or "Vous êtes demandeur d'emploi ?" in html
    assert 'href="/compte/consultations"' in html


def test_a_private_person_on_the_eligibility_page_is_sent_to_the_job_seekers_space():
    html = Client().post("/acces/", {"profil": "particulier"}).content.decode()

    assert 'href="/compte/"' in html
    assert "Aller à l'espace demandeur d'emploi" in html
