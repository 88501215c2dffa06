"""The whole PE Connect scope catalogue, as real integrations send it: the scopes of the APIs this service
does not serve are accepted and dropped (RFC 6749 §3.3), counted and recorded; any other unknown scope is
still `invalid_scope`."""

from html import unescape

import pytest

from indemnites.oauth.domain import APIS_NON_SERVIES, SCOPES_INDIVIDU, SCOPES_NON_SERVIS
from indemnites.oauth.models import Consentement, Decision
from tests.exploitation.test_metriques import metriques, valeur
from tests.oauth import outils
from tests.oauth.outils import REDIRECT_URI, USERINFO_URL, authorize_url, bearer, consentir, echanger, pkce, query

CATALOGUE = " ".join([*SCOPES_INDIVIDU, *sorted(SCOPES_NON_SERVIS)])


def test_the_catalogue_covers_every_pe_connect_api_we_do_not_serve():
    assert {api.nom for api in APIS_NON_SERVIES} == {
        "Coordonnées v1",
        "Statut v1",
        "Date de naissance v1",
        "Formations v1",
        "Expériences v1",
        "Expériences déclarées par l'employeur v1",
        "Compétences v2",
    }
    assert {"api_peconnect-statutv1", "statut", "pfccompetences", "passeprofessionnel"} <= SCOPES_NON_SERVIS


def test_the_whole_catalogue_reaches_the_consent_page_which_names_only_what_is_served(http, client_individu, jean):
    http.force_login(jean.utilisateur)

    page = http.get(authorize_url(client_individu, pkce()[1], scope=CATALOGUE))

    assert page.status_code == 200, page.content
    html = unescape(page.content.decode())
    assert "Votre prénom" in html
    assert "Si vous percevez une allocation d'assurance chômage (ARE ou ASP)" in html
    for absent in ("coordonnees", "api_peconnect-statutv1", "datenaissance", "Coordonnées", "pfcformations"):
        assert absent not in html
    assert page.context["form"].initial["scope"] == " ".join(SCOPES_INDIVIDU)


def test_the_token_answer_lists_only_the_granted_scopes(http, client_individu, jean):
    verifier, challenge = pkce()

    code = outils.code_obtenir(http, client_individu, jean, challenge, scope=CATALOGUE)
    reponse = echanger(http, client_individu, code, verifier)

    assert reponse.status_code == 200, reponse.content
    assert set(reponse.json()["scope"].split()) == set(SCOPES_INDIVIDU)


def test_dropped_scopes_are_noted_in_the_consent_record(http, client_individu, jean):
    outils.code_obtenir(http, client_individu, jean, pkce()[1], scope=CATALOGUE)

    consentement = Consentement.objects.get(decision=Decision.ACCORDEE)
    assert set(consentement.scopes.split()) == set(SCOPES_INDIVIDU)
    assert set(consentement.scopes_retires.split()) == SCOPES_NON_SERVIS


def test_dropped_scopes_are_counted_by_name_once_per_decision(http, client_individu, jean):
    avant = valeur(metriques(http), "indemnites_oauth_dropped_scopes_total", scope="statut")
    url = authorize_url(client_individu, pkce()[1], scope=CATALOGUE)
    assert http.get(url).status_code == 302  # to the login page: nothing decided yet

    outils.code_obtenir(http, client_individu, jean, pkce()[1], scope=CATALOGUE)

    texte = metriques(http)
    assert valeur(texte, "indemnites_oauth_dropped_scopes_total", scope="statut") == avant + 1
    assert valeur(texte, "indemnites_oauth_dropped_scopes_total", scope="indemnisation") == 0


def test_only_dropped_scopes_and_openid_give_the_identity_claims_only(http, client_individu, jean):
    verifier, challenge = pkce()
    http.force_login(jean.utilisateur)
    url = authorize_url(client_individu, challenge, scope="openid api_peconnect-statutv1 statut")

    page = http.get(url)
    assert page.status_code == 200, page.content
    assert [str(d) for d in page.context["donnees"]][0].startswith("Un identifiant qui vous désigne")
    assert len(page.context["donnees"]) == 1
    code = query(consentir(http, url)["Location"])["code"]
    reponse = echanger(http, client_individu, code, verifier)

    assert reponse.status_code == 200, reponse.content
    assert reponse.json()["scope"] == "openid"
    userinfo = http.get(USERINFO_URL, **bearer(reponse.json()["access_token"]))
    assert userinfo.status_code == 200
    assert set(userinfo.json()) == {"sub"}


@pytest.mark.parametrize("scope", ["openid api_inconnuev1", "openid api_indemnisationsv1", "openid statut-v2"])
def test_a_scope_outside_the_catalogue_is_still_invalid_scope(http, client_individu, jean, scope):
    http.force_login(jean.utilisateur)

    reponse = http.get(authorize_url(client_individu, pkce()[1], scope=scope))

    assert reponse.status_code == 302
    assert reponse["Location"].startswith(REDIRECT_URI)
    assert query(reponse["Location"])["error"] == "invalid_scope"


def test_nothing_served_at_all_is_invalid_scope(http, client_individu, jean):
    http.force_login(jean.utilisateur)

    reponse = http.get(authorize_url(client_individu, pkce()[1], scope="api_peconnect-statutv1 statut"))

    assert query(reponse["Location"])["error"] == "invalid_scope"


def test_server_to_server_tokens_never_drop_catalogue_scopes(http, partenaire):
    client = partenaire()

    reponse = http.post(
        "/connexion/oauth2/access_token?realm=/partenaire",
        {
            "grant_type": "client_credentials",
            "client_id": client.application.client_id,
            "client_secret": client.client_secret,
            "scope": "api_indemnisationsv1 statut",
        },
    )

    outils.assert_oauth_error(reponse, "invalid_scope")
