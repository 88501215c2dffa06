"""`GET /connexion/oauth2/authorize?realm=/individu`: the request is checked before anyone logs in, and
every refusal either stays on our page (unknown client or redirect URI) or goes back with an error."""

import pytest
from django.contrib.auth import get_user_model

from tests.oauth import outils
from tests.oauth.outils import REDIRECT_URI, authorize_url, consentir, pkce, query


@pytest.fixture
def challenge() -> str:
    return pkce()[1]


def assert_page_erreur(response) -> None:
    """Our error page: no redirection anywhere, the job seeker reads what happened."""
    assert response.status_code == 400
    assert not response.has_header("Location")
    assert response.templates[0].name == "oauth/erreur.html"
    assert response.context["titre"] == "Demande d'autorisation invalide"


def assert_redirige_avec_erreur(response, error: str) -> dict[str, str]:
    assert response.status_code == 302, response.content
    assert response["Location"].startswith(REDIRECT_URI + "?")
    parametres = query(response["Location"])
    assert parametres["error"] == error, parametres
    assert parametres["state"] == "etat-42"
    assert "code" not in parametres
    assert "access_token" not in response["Location"]
    return parametres


def test_valid_request_asks_an_anonymous_visitor_to_log_in(http, client_individu, challenge):
    url = authorize_url(client_individu, challenge)

    response = http.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion?next=")


def test_logged_in_job_seeker_sees_the_consent_page(http, client_individu, jean, challenge):
    http.force_login(jean.utilisateur)

    response = http.get(authorize_url(client_individu, challenge))

    assert response.status_code == 200
    assert response.templates[0].name == "oauth/consentement.html"


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://attaquant.exemple/retour",
        REDIRECT_URI + "/autre",
        REDIRECT_URI + "?suite=1",
        REDIRECT_URI + "/",
        REDIRECT_URI.replace("https://", "http://"),
        REDIRECT_URI.upper(),
    ],
    ids=["autre-site", "chemin-allonge", "requete-ajoutee", "barre-finale", "http", "casse"],
)
def test_unregistered_or_altered_redirect_uri_is_an_error_page_without_redirection(
    http, client_individu, jean, challenge, redirect_uri
):
    http.force_login(jean.utilisateur)

    response = http.get(authorize_url(client_individu, challenge, redirect_uri=redirect_uri))

    assert_page_erreur(response)


def test_bad_redirect_uri_is_refused_before_the_login_page(http, client_individu, challenge):
    response = http.get(authorize_url(client_individu, challenge, redirect_uri="https://attaquant.exemple/"))

    assert_page_erreur(response)


def test_unknown_client_is_an_error_page(http, client_individu, challenge):
    response = http.get(authorize_url(client_individu, challenge, client_id="inconnu"))

    assert_page_erreur(response)


def test_missing_pkce_is_refused(http, client_individu, jean):
    http.force_login(jean.utilisateur)

    response = http.get(authorize_url(client_individu, None))

    assert_redirige_avec_erreur(response, "invalid_request")


def test_plain_pkce_is_refused(http, client_individu, jean):
    verifier, _ = pkce()
    http.force_login(jean.utilisateur)

    response = http.get(authorize_url(client_individu, verifier, code_challenge_method="plain"))

    assert_redirige_avec_erreur(response, "invalid_request")


def test_challenge_without_method_is_refused_as_it_would_mean_plain(http, client_individu, jean, challenge):
    http.force_login(jean.utilisateur)

    response = http.get(authorize_url(client_individu, challenge, code_challenge_method=None))

    assert_redirige_avec_erreur(response, "invalid_request")


@pytest.mark.parametrize("response_type", ["token", "id_token", "code token", "code id_token"])
def test_only_response_type_code_is_accepted(http, client_individu, jean, challenge, response_type):
    http.force_login(jean.utilisateur)

    response = http.get(authorize_url(client_individu, challenge, response_type=response_type))

    assert response.status_code == 302
    assert "error=" in response["Location"]
    assert "access_token" not in response["Location"]
    assert "id_token" not in response["Location"].split("?", 1)[1].replace("response_type", "")
    assert "code=" not in response["Location"]


@pytest.mark.parametrize("realm", ["/partenaire", "/autre", "", None])
def test_wrong_or_missing_realm_is_an_error_not_ignored(http, client_individu, jean, challenge, realm):
    http.force_login(jean.utilisateur)

    response = http.get(authorize_url(client_individu, challenge, realm=realm))

    parametres = assert_redirige_avec_erreur(response, "invalid_request")
    assert "realm" in parametres["error_description"]


def test_wrong_realm_is_refused_before_the_login_page(http, client_individu, challenge):
    response = http.get(authorize_url(client_individu, challenge, realm="/partenaire"))

    assert_redirige_avec_erreur(response, "invalid_request")


@pytest.mark.parametrize(
    "scope",
    ["openid api_indemnisationsv1", "openid inconnu"],
    ids=["portee-serveur", "inconnue"],
)
def test_scope_not_granted_is_invalid_scope_never_widened(http, client_individu, jean, challenge, scope):
    http.force_login(jean.utilisateur)

    response = http.get(authorize_url(client_individu, challenge, scope=scope))

    assert_redirige_avec_erreur(response, "invalid_scope")


def test_scope_the_client_lacks_is_refused(http, jean, challenge):
    """A client granted fewer scopes cannot ask for the others."""
    client = outils.client_individu()
    client.application.scopes = "openid api_peconnect-individuv1"
    client.application.save()
    http.force_login(jean.utilisateur)

    response = http.get(authorize_url(client, challenge))

    assert_redirige_avec_erreur(response, "invalid_scope")


def test_approval_prompt_auto_still_shows_the_consent_page(http, client_individu, jean):
    outils.jetons(http, client_individu, jean)
    _, challenge = pkce()

    response = http.get(authorize_url(client_individu, challenge, approval_prompt="auto"))

    assert response.status_code == 200
    assert response.templates[0].name == "oauth/consentement.html"


def test_an_account_that_is_not_a_job_seekers_is_sent_to_the_login_page(http, client_individu, challenge):
    agent = get_user_model().objects.create_user(username="agent@mairie.fr", password="x" * 20)
    http.force_login(agent)

    response = http.get(authorize_url(client_individu, challenge))

    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion?next=")


def test_code_redirect_carries_state_and_the_issuer(http, client_individu, jean, challenge):
    http.force_login(jean.utilisateur)

    response = consentir(http, authorize_url(client_individu, challenge))

    parametres = query(response["Location"])
    assert parametres["code"]
    assert parametres["state"] == "etat-42"
    assert parametres["iss"] == "http://testserver"


def test_consent_form_cannot_downgrade_pkce_to_plain(http, client_individu, jean, challenge):
    """The hidden fields of the consent form are re-checked when it is posted."""
    url = authorize_url(client_individu, challenge)
    http.force_login(jean.utilisateur)
    page = http.get(url)
    donnees = {nom: valeur for nom, valeur in page.context["form"].initial.items() if valeur is not None}

    response = http.post(url, {**donnees, "code_challenge_method": "plain", "allow": "Autoriser"})

    assert "code=" not in response.get("Location", "")
