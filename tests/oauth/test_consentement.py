"""The consent page names the administration, the démarche, each piece of data, the legal basis and how
long the data is kept; each decision of the job seeker is recorded."""

from html import unescape

import pytest

from indemnites.oauth.models import Consentement, Decision, Grant
from tests.oauth import outils
from tests.oauth.outils import REDIRECT_URI, SIRET, authorize_url, consentir, pkce, query


@pytest.fixture
def url(client_individu) -> str:
    return authorize_url(client_individu, pkce()[1])


def page(http, jean, url: str) -> str:
    http.force_login(jean.utilisateur)
    response = http.get(url)
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_page_names_the_administration_its_siret_and_the_demarche(http, jean, url):
    html = page(http, jean, url)

    assert "Autoriser Mairie de Test à accéder à vos données" in html
    assert f"SIRET {SIRET}" in html
    assert "Tarif social de la cantine scolaire" in html


def test_page_lists_each_piece_of_data_in_plain_french(http, jean, url):
    html = page(http, jean, url)

    for libelle in (
        "Votre prénom",
        "Votre nom de naissance",
        "Votre adresse électronique",
        "Si vous percevez un minimum social (ASS, AAH, RSA ou AER)",
        "Si vous percevez une allocation d'assurance chômage (ARE ou ASP)",
    ):
        assert libelle in html
    assert "beneficiaireAssuranceChomage" not in html


def test_page_gives_the_legal_basis_and_the_retention(http, jean, url):
    html = page(http, jean, url)

    assert "Base légale" in html
    assert "Article L114-8 du code des relations entre le public et l'administration" in html
    assert "Durée de conservation" in html
    assert "Le temps d'instruire la demande, puis 12 mois" in html


def test_page_offers_to_authorise_or_refuse(http, jean, url):
    html = page(http, jean, url)

    assert '<button class="fr-btn" type="submit" name="allow" value="Autoriser">Autoriser</button>' in html
    assert ">Refuser</button>" in html


def test_only_the_data_the_scopes_and_the_client_allow_are_listed(http, jean):
    client = outils.client_individu(champs=("beneficiaireAssuranceChomage",))
    url = authorize_url(client, pkce()[1], scope="openid api_peconnect-indemnisationsv1 indemnisation")

    html = page(http, jean, url)

    assert "Si vous percevez une allocation d'assurance chômage (ARE ou ASP)" in html
    assert "Si vous percevez un minimum social" not in html
    assert "Votre adresse électronique" not in html
    assert "Votre prénom" not in html


def test_form_answer_may_go_back_to_the_client_under_the_csp(http, jean, url):
    http.force_login(jean.utilisateur)

    response = http.get(url)

    politique = response["Content-Security-Policy"]
    form_action = next(directive for directive in politique.split(";") if "form-action" in directive)
    assert "https://demarche.exemple.fr" in form_action
    assert "'self'" in form_action


def test_refusal_redirects_with_access_denied_and_no_code(http, client_individu, jean, url):
    http.force_login(jean.utilisateur)

    response = consentir(http, url, autoriser=False)

    assert response.status_code == 302
    assert response["Location"].startswith(REDIRECT_URI)
    parametres = query(response["Location"])
    assert parametres["error"] == "access_denied"
    assert parametres["state"] == "etat-42"
    assert "code" not in parametres
    assert not Grant.objects.exists()


def test_refusal_is_recorded(http, client_individu, jean, url):
    http.force_login(jean.utilisateur)

    consentir(http, url, autoriser=False)

    decision = Consentement.objects.get()
    assert decision.decision == Decision.REFUSEE
    assert decision.utilisateur == jean.utilisateur
    assert decision.application == client_individu.application


def test_authorisation_is_recorded_with_who_which_client_which_data_and_when(http, client_individu, jean, url):
    http.force_login(jean.utilisateur)

    response = consentir(http, url)

    assert "code=" in response["Location"]
    decision = Consentement.objects.get()
    assert decision.decision == Decision.ACCORDEE
    assert decision.utilisateur == jean.utilisateur
    assert decision.application == client_individu.application
    assert decision.donnees == [
        "sub",
        "given_name",
        "family_name",
        "gender",
        "email",
        "beneficiairePrestationSolidarite",
        "beneficiaireAssuranceChomage",
    ]
    assert decision.scopes.split() == outils.SCOPES.split()
    assert decision.horodatage is not None


def test_every_decision_is_kept(http, client_individu, jean):
    http.force_login(jean.utilisateur)

    consentir(http, authorize_url(client_individu, pkce()[1]), autoriser=False)
    consentir(http, authorize_url(client_individu, pkce()[1]))

    assert list(Consentement.objects.order_by("id").values_list("decision", flat=True)) == [
        Decision.REFUSEE,
        Decision.ACCORDEE,
    ]
