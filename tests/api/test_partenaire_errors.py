"""Every refusal of the data route is an RFC 9457 problem naming the field and the rule; never a 500."""

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from indemnites.droits.domain import mois_avant
from indemnites.oauth.models import AccessToken, Application
from tests.api.outils import NAISSANCE, NIR, PROBLEM, assert_erreur_champ, assert_problem, aujourdhui, corps
from tests.conftest import DATA_URL, SIRET_DESTINATAIRE

# --- 400 / 422: bad input names the field and the rule -------------------------------------------


@pytest.mark.parametrize(
    ("body", "champ", "regle"),
    [
        (corps(nir=NIR, dateNaissance=NAISSANCE), "identifiant", "identite-ambigue"),
        (corps(identifiant=None, nir=NIR), "dateNaissance", "identite-absente"),
        (corps(identifiant=None, dateNaissance=NAISSANCE), "nir", "identite-absente"),
        (corps(identifiant=None), "identifiant", "identite-absente"),
        (corps(identifiant=None, nir="185057800608492", dateNaissance=NAISSANCE), "nir", "nir-invalide"),
        (corps(identifiant=None, nir="18505780060849", dateNaissance=NAISSANCE), "nir", "nir-invalide"),
        (corps(recipient="13002526500014"), "recipient", "siret-invalide"),
        (corps(recipient="1300252650001"), "recipient", "siret-invalide"),
        (corps(recipient="1300252650001a"), "recipient", "siret-invalide"),
        (corps(recipient="١٣٠٠٢٥٢٦٥٠٠٠١٣"), "recipient", "siret-invalide"),  # not ASCII digits
        (corps(recipient=None), "recipient", "missing"),
        (corps(inconnu="x"), "inconnu", "extra_forbidden"),
        (corps(identifiant=12345), "identifiant", "string_type"),
        (corps(identifiant=""), "identifiant", "string_too_short"),
        (corps(identifiant="jean are"), "identifiant", "string_pattern_mismatch"),
        (corps(recipient=13002526500013), "recipient", "string_type"),
        (corps(dateReference=20240101), "dateReference", "date-invalide"),
        (corps(dateReference="2024-02-30"), "dateReference", "date_from_datetime_parsing"),
        (corps(dateReference="01/02/2024"), "dateReference", "date-invalide"),
        (corps(identifiant=None, nir=NIR, dateNaissance="1985-13-01"), "dateNaissance", "date_from_datetime_parsing"),
        (corps(referenceDossier="x" * 65), "referenceDossier", "string_too_long"),
        (corps(referenceDossier="ligne\nsuivante"), "referenceDossier", "caracteres-non-imprimables"),
        (corps(referenceDossier="nul\x00"), "referenceDossier", "caracteres-non-imprimables"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_the_rule(appeler, body, champ, regle):
    assert_erreur_champ(appeler(body), champ, regle)


def test_reference_dossier_of_64_characters_is_accepted(appeler, demandeur):
    demandeur()

    assert appeler(corps(referenceDossier="x" * 64)).status_code == 200


def test_date_reference_in_the_future_is_refused(appeler):
    demain = aujourdhui() + timedelta(days=1)

    response = appeler(corps(dateReference=demain.isoformat()))

    assert_erreur_champ(response, "dateReference", "date-reference-hors-bornes")


def test_date_reference_older_than_24_months_is_refused(appeler, demandeur):
    demandeur()
    limite = mois_avant(aujourdhui(), settings.API_DATE_REFERENCE_MAX_MONTHS)

    trop_vieille = appeler(corps(dateReference=(limite - timedelta(days=1)).isoformat()))
    a_la_limite = appeler(corps(dateReference=limite.isoformat()))

    assert_erreur_champ(trop_vieille, "dateReference", "date-reference-hors-bornes")
    assert a_la_limite.status_code == 200


@pytest.mark.parametrize("body", [b'{"identifiant": "jean.are",', b"not json", b"\xff\xfe\x00{", b"[" * 5000])
def test_unreadable_json_is_a_400(appeler, body):
    assert_problem(appeler(body), 400, "json-invalide")


@pytest.mark.parametrize("body", [[corps()], "identifiant", 42, None, True])
def test_json_that_is_not_an_object_is_refused(appeler, body):
    problem = assert_problem(appeler(json.dumps(body)), 422, "donnees-invalides")

    assert problem["errors"][0]["champ"] == "corps"


def test_empty_json_body_is_a_422_missing_body(appeler):
    assert_erreur_champ(appeler(b"", CONTENT_TYPE="application/json"), "corps", "missing")


def test_post_without_body_nor_content_type_is_a_422_missing_body(appeler):
    assert_erreur_champ(appeler(b"", CONTENT_TYPE=""), "corps", "missing")


# --- 401: no valid token -------------------------------------------------------------------------


def test_missing_token_is_a_401_with_a_bearer_challenge(appeler):
    response = appeler(corps(), token=None)

    assert_problem(response, 401, "jeton-absent")
    assert response["WWW-Authenticate"].startswith("Bearer ")
    assert "error=" not in response["WWW-Authenticate"]


def test_unknown_token_is_a_401_invalid_token(appeler):
    response = appeler(corps(), token="inconnu")

    assert_problem(response, 401, "jeton-invalide")
    assert response["WWW-Authenticate"].startswith("Bearer ")
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_expired_token_is_a_401_invalid_token(appeler, jeton_deux_champs):
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))

    response = appeler(corps(), token=jeton_deux_champs)

    assert_problem(response, 401, "jeton-invalide")
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_token_of_a_disabled_client_is_a_401(appeler, jeton_deux_champs):
    Application.objects.update(actif=False)

    assert_problem(appeler(corps(), token=jeton_deux_champs), 401, "jeton-invalide")


def test_authorization_header_of_another_scheme_is_a_401(appeler, jeton_deux_champs):
    response = appeler(corps(), token=None, HTTP_AUTHORIZATION=f"Basic {jeton_deux_champs}")

    assert_problem(response, 401, "jeton-invalide")
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_token_in_the_query_string_is_not_accepted(http, jeton_deux_champs):
    response = http.post(
        f"{DATA_URL}?access_token={jeton_deux_champs}", data=json.dumps(corps()), content_type="application/json"
    )

    assert_problem(response, 401, "jeton-invalide")
    assert "adresse" in response.json()["detail"]


# --- 403: token without the scope, recipient not allowed -----------------------------------------


def test_token_without_the_partner_scope_is_a_403_insufficient_scope(appeler):
    application = Application.objects.create(
        name="Autre API",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        scopes="openid profile",
        champs=["beneficiaireAssuranceChomage"],
        destinataires=[SIRET_DESTINATAIRE],
    )
    AccessToken.objects.create(
        application=application,
        token="jeton-autre-api",
        expires=timezone.now() + timedelta(minutes=5),
        scope="openid profile",
    )

    response = appeler(corps(), token="jeton-autre-api")

    assert_problem(response, 403, "insufficient_scope")
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]


def test_token_of_a_job_seeker_is_refused_on_the_server_to_server_route(appeler, partenaire):
    application = partenaire().application
    personne = User.objects.create_user("demandeur", password="mot-de-passe-long")
    AccessToken.objects.create(
        user=personne,
        application=application,
        token="jeton-de-demandeur",
        expires=timezone.now() + timedelta(minutes=5),
        scope="api_indemnisationsv1",
    )

    assert_problem(appeler(corps(), token="jeton-de-demandeur"), 403, "insufficient_scope")


def test_recipient_not_allowed_for_the_client_is_a_403(appeler, demandeur):
    demandeur()

    response = appeler(corps(recipient="21750001600019"))

    assert_problem(response, 403, "destinataire-non-autorise")
    assert "beneficiaire" not in response.content.decode()


# --- 413 / 415 / 405 / 404: the HTTP envelope ----------------------------------------------------


def test_body_over_16_kib_is_a_413(appeler):
    body = json.dumps(corps(referenceDossier="x" * settings.API_MAX_BODY_BYTES))

    assert_problem(appeler(body), 413, "corps-trop-volumineux")


def test_body_of_exactly_16_kib_is_read(appeler):
    body = json.dumps(corps())
    body = body[:-1] + " " * (settings.API_MAX_BODY_BYTES - len(body)) + "}"

    assert appeler(body).status_code == 404  # read, parsed, looked up: no such person


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_body_that_is_not_json_is_a_415(appeler, content_type):
    response = appeler(json.dumps(corps()), content_type=content_type)

    assert_problem(response, 415, "type-de-contenu-non-supporte")


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_with_a_json_body_are_a_405_with_allow(http, jeton_deux_champs, method):
    response = getattr(http, method)(
        DATA_URL,
        data=json.dumps(corps()),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {jeton_deux_champs}",
    )

    assert_problem(response, 405, "methode-non-autorisee")
    assert response["Allow"] == "POST"


@pytest.mark.parametrize("method", ["get", "put", "delete", "head", "options"])
def test_other_methods_without_a_body_are_a_405_with_allow(http, method):
    response = getattr(http, method)(DATA_URL)

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    if method != "head":
        assert_problem(response, 405, "methode-non-autorisee")


@pytest.mark.parametrize("path", ["/partenaire/inconnue", "/partenaire/indemnisations/v2/indemnisation", "/api/x"])
def test_unknown_route_is_a_404_problem(http, path):
    assert_problem(http.post(path, data="{}", content_type="application/json"), 404, "ressource-inconnue")
    assert_problem(http.get(path), 404, "ressource-inconnue")


# --- Never a 500 ---------------------------------------------------------------------------------

CHAMPS_CONNUS = ["identifiant", "nir", "dateNaissance", "recipient", "referenceDossier", "dateReference"]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=80),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
VALEURS_PLAUSIBLES = st.sampled_from(
    ["jean.are", "x" * 64, NIR, NAISSANCE, SIRET_DESTINATAIRE, "21750001600019", "2024-02-30", "", " ", "é" * 70]
)
IDENTITES = st.sampled_from([{"identifiant": "jean.are"}, {"nir": NIR, "dateNaissance": NAISSANCE}, {}])
# A valid body with a few keys replaced or added, so that examples get past validation too.
PRESQUE_VALIDES = st.builds(
    lambda identite, mutations: {"recipient": SIRET_DESTINATAIRE, **identite, **mutations},
    IDENTITES,
    st.dictionaries(st.sampled_from(CHAMPS_CONNUS), VALEURS_PLAUSIBLES, max_size=2)
    | st.dictionaries(st.sampled_from(CHAMPS_CONNUS) | st.text(max_size=12), JSON_VALUES, max_size=2),
)


@pytest.fixture
def jean(demandeur):
    return demandeur(droits=(("ARE", "France Travail", aujourdhui() - timedelta(days=10), None),))


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=PRESQUE_VALIDES | JSON_VALUES)
def test_any_json_body_gets_an_answer_below_500(appeler, jean, body):
    response = appeler(json.dumps(body))

    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert response["Content-Type"] == PROBLEM
        assert response.json()["requestId"] == response["X-Request-ID"]


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=200) | st.text(max_size=200))
def test_any_raw_body_gets_an_answer_below_500(appeler, body):
    response = appeler(body)

    assert response.status_code < 500, response.content
    assert response["Content-Type"] in {PROBLEM, "application/json"}
