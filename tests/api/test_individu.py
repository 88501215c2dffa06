"""Connected mode: `GET /partenaire/peconnect-indemnisations/v1/indemnisation` and
`GET /partenaire/peconnect-individu/v1/userinfo` with the job seeker's access token."""

import base64
import json
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from indemnites.journal.models import Enregistrement, Mode
from tests.conftest import DATA_URL, SIRET_DESTINATAIRE
from tests.oauth import outils
from tests.oauth.outils import INDEMNISATION_URL, USERINFO_URL, bearer

PROBLEM = "application/problem+json"


@pytest.fixture
def client_individu() -> outils.ClientCree:
    return outils.client_individu()


@pytest.fixture
def jean() -> outils.Personne:
    return outils.personne("jean.are", ("ARE",))


@pytest.fixture
def reponse(http, client_individu, jean) -> dict:
    return outils.jetons(http, client_individu, jean)


@pytest.fixture
def jeton_individu(reponse) -> str:
    return reponse["access_token"]


def assert_refus(response, status: int, code: str, erreur_bearer: str | None) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == code
    assert "benefici" not in response.content.decode()
    challenge = response["WWW-Authenticate"]
    assert challenge.startswith('Bearer realm="api-indemnites"')
    if erreur_bearer:
        assert f'error="{erreur_bearer}"' in challenge


class TestIndemnisation:
    def test_answers_exactly_the_two_booleans_of_the_connected_person(self, http, jeton_individu):
        response = http.get(INDEMNISATION_URL, **bearer(jeton_individu))

        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response["Cache-Control"] == "no-store"
        assert response.json() == {"beneficiairePrestationSolidarite": False, "beneficiaireAssuranceChomage": True}

    def test_answers_for_the_person_who_consented_only(self, http, client_individu):
        marc = outils.personne("marc.ass", ("ASS",))
        outils.personne("luc.are.rsa", ("ARE", "RSA"))
        jeton_marc = outils.jetons(http, client_individu, marc)["access_token"]

        response = http.get(INDEMNISATION_URL, **bearer(jeton_marc))

        assert response.json() == {"beneficiairePrestationSolidarite": True, "beneficiaireAssuranceChomage": False}

    def test_only_the_fields_granted_to_the_client(self, http, jean):
        client = outils.client_individu(champs=("beneficiairePrestationSolidarite",))
        token = outils.jetons(http, client, jean)["access_token"]

        response = http.get(INDEMNISATION_URL, **bearer(token))

        assert response.json() == {"beneficiairePrestationSolidarite": False}

    def test_writes_one_journal_record_for_the_connected_person(self, http, client_individu, jean, jeton_individu):
        avant = Enregistrement.objects.count()

        response = http.get(INDEMNISATION_URL, **bearer(jeton_individu), HTTP_X_REQUEST_ID="requete-individu-1")

        assert Enregistrement.objects.count() == avant + 1
        trace = Enregistrement.objects.order_by("-id").first()
        assert trace.mode == Mode.INDIVIDU
        assert trace.sujet == str(jean.demandeur.pseudonyme)
        assert trace.client_id == client_individu.application.client_id
        assert trace.destinataire == outils.SIRET
        assert trace.champs == "beneficiairePrestationSolidarite,beneficiaireAssuranceChomage"
        assert trace.statut == 200
        assert trace.request_id == response["X-Request-ID"] == "requete-individu-1"

    def test_journal_unavailable_means_no_data(self, http, jeton_individu):
        table = Enregistrement._meta.db_table
        with connection.cursor() as cursor:  # the test transaction drops the trigger
            if connection.vendor == "postgresql":
                cursor.execute(
                    "CREATE FUNCTION journal_en_panne() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'journal en panne'; END $$"
                )
                cursor.execute(
                    f"CREATE TRIGGER journal_en_panne BEFORE INSERT ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION journal_en_panne()"
                )
            else:
                cursor.execute(
                    f"CREATE TRIGGER journal_en_panne BEFORE INSERT ON {table} "
                    "BEGIN SELECT RAISE(ABORT, 'journal en panne'); END"
                )

        response = http.get(INDEMNISATION_URL, **bearer(jeton_individu))

        assert response.status_code == 503
        assert response.json()["code"] == "journal-indisponible"
        assert "benefici" not in response.content.decode()

    def test_needs_both_scopes_of_the_pair(self, http, client_individu, jean):
        token = outils.jetons(http, client_individu, jean, scope="openid api_peconnect-individuv1")["access_token"]

        response = http.get(INDEMNISATION_URL, **bearer(token))

        assert_refus(response, 403, "insufficient_scope", "insufficient_scope")

    def test_missing_token_is_401(self, http):
        assert_refus(http.get(INDEMNISATION_URL), 401, "jeton-absent", None)

    def test_token_in_the_query_string_is_refused(self, http, jeton_individu):
        response = http.get(INDEMNISATION_URL, {"access_token": jeton_individu})

        assert_refus(response, 401, "jeton-invalide", "invalid_token")

    def test_token_in_the_query_string_is_refused_even_beside_the_header(self, http, jeton_individu):
        response = http.get(INDEMNISATION_URL, {"access_token": jeton_individu}, **bearer(jeton_individu))

        assert_refus(response, 401, "jeton-invalide", "invalid_token")

    def test_tampered_token_is_401(self, http, jeton_individu):
        falsifie = jeton_individu[:-1] + ("A" if jeton_individu[-1] != "A" else "B")

        assert_refus(http.get(INDEMNISATION_URL, **bearer(falsifie)), 401, "jeton-invalide", "invalid_token")

    def test_unsigned_alg_none_jwt_is_401(self, http, jean):
        def segment(objet: dict) -> str:
            return base64.urlsafe_b64encode(json.dumps(objet).encode()).rstrip(b"=").decode()

        forge = f"{segment({'alg': 'none', 'typ': 'JWT'})}.{segment({'sub': 'jean.are', 'scope': outils.SCOPES})}."

        assert_refus(http.get(INDEMNISATION_URL, **bearer(forge)), 401, "jeton-invalide", "invalid_token")

    def test_id_token_is_no_access_token(self, http, reponse):
        response = http.get(INDEMNISATION_URL, **bearer(reponse["id_token"]))

        assert_refus(response, 401, "jeton-invalide", "invalid_token")

    def test_expired_token_is_401(self, http, jeton_individu):
        with time_machine.travel(timezone.now() + timedelta(minutes=10, seconds=1)):
            response = http.get(INDEMNISATION_URL, **bearer(jeton_individu))

        assert_refus(response, 401, "jeton-invalide", "invalid_token")

    def test_revoked_token_is_401(self, http, client_individu, jeton_individu):
        identifiants = f"{client_individu.application.client_id}:{client_individu.client_secret}"
        http.post(
            "/connexion/oauth2/token/revoke",
            {"token": jeton_individu},
            HTTP_AUTHORIZATION="Basic " + base64.b64encode(identifiants.encode()).decode(),
        )

        assert_refus(http.get(INDEMNISATION_URL, **bearer(jeton_individu)), 401, "jeton-invalide", "invalid_token")

    def test_client_credentials_token_is_refused_with_403(self, http, partenaire, jeton):
        serveur = jeton(partenaire())

        response = http.get(INDEMNISATION_URL, **bearer(serveur))

        assert_refus(response, 403, "insufficient_scope", "insufficient_scope")

    def test_every_refusal_is_journaled(self, http, client_individu, partenaire, jeton):
        http.get(INDEMNISATION_URL, **bearer(jeton(partenaire())))

        trace = Enregistrement.objects.order_by("-id").first()
        assert trace.mode == Mode.INDIVIDU
        assert trace.statut == 403
        assert trace.resultat == "insufficient_scope"
        assert trace.sujet == ""

    def test_post_is_not_allowed(self, http, jeton_individu):
        response = http.post(INDEMNISATION_URL, {}, content_type="application/json", **bearer(jeton_individu))

        assert response.status_code == 405


def test_user_token_is_refused_on_the_server_to_server_route(http, jeton_individu):
    response = http.post(
        DATA_URL,
        {"identifiant": "jean.are", "recipient": SIRET_DESTINATAIRE},
        content_type="application/json",
        **bearer(jeton_individu),
    )

    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    assert "benefici" not in response.content.decode()


class TestUserinfo:
    def test_gives_the_claims_of_the_scopes(self, http, jean, jeton_individu):
        response = http.get(USERINFO_URL, **bearer(jeton_individu))

        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"
        assert response.json() == {
            "sub": str(jean.demandeur.pseudonyme),
            "given_name": "Jean",
            "family_name": "MARTIN",
            "gender": "male",
            "email": "jean.are@exemple.fr",
        }

    def test_schema_openid_is_accepted(self, http, jeton_individu):
        response = http.get(USERINFO_URL, {"schema": "openid"}, **bearer(jeton_individu))

        assert response.status_code == 200
        assert set(response.json()) == {"sub", "given_name", "family_name", "gender", "email"}

    def test_gender_is_female_for_a_woman_and_left_out_when_the_registry_does_not_know_it(self, http, client_individu):
        for identifiant, sexe, attendu in (("claire.asp", "F", "female"), ("sans.sexe", "", None)):
            personne = outils.personne(identifiant, sexe=sexe)
            token = outils.jetons(http, client_individu, personne, scope="openid profile")["access_token"]

            assert http.get(USERINFO_URL, **bearer(token)).json().get("gender") == attendu

    def test_other_schema_is_refused(self, http, jeton_individu):
        response = http.get(USERINFO_URL, {"schema": "autre"}, **bearer(jeton_individu))

        assert response.status_code == 400
        assert response.json()["code"] == "parametre-invalide"

    def test_without_profile_and_email_only_sub(self, http, client_individu, jean):
        token = outils.jetons(http, client_individu, jean, scope="openid api_peconnect-individuv1")["access_token"]

        assert http.get(USERINFO_URL, **bearer(token)).json() == {"sub": str(jean.demandeur.pseudonyme)}

    def test_api_scope_alone_opens_userinfo_as_for_historical_clients(self, http, client_individu, jean):
        token = outils.jetons(http, client_individu, jean, scope="api_peconnect-individuv1 email")["access_token"]

        response = http.get(USERINFO_URL, **bearer(token))

        assert response.json() == {"sub": str(jean.demandeur.pseudonyme), "email": "jean.are@exemple.fr"}

    def test_data_scopes_alone_do_not_open_userinfo(self, http, client_individu, jean):
        token = outils.jetons(http, client_individu, jean, scope="api_peconnect-indemnisationsv1 indemnisation")[
            "access_token"
        ]

        assert_refus(http.get(USERINFO_URL, **bearer(token)), 403, "insufficient_scope", "insufficient_scope")

    def test_is_journaled_with_the_claims_given(self, http, jean, jeton_individu):
        http.get(USERINFO_URL, **bearer(jeton_individu))

        trace = Enregistrement.objects.order_by("-id").first()
        assert trace.mode == Mode.INDIVIDU
        assert trace.sujet == str(jean.demandeur.pseudonyme)
        assert trace.champs == "sub,given_name,family_name,gender,email"

    def test_client_credentials_token_is_refused(self, http, partenaire, jeton):
        assert_refus(
            http.get(USERINFO_URL, **bearer(jeton(partenaire()))), 403, "insufficient_scope", "insufficient_scope"
        )

    def test_token_in_the_query_string_is_refused(self, http, jeton_individu):
        assert_refus(http.get(USERINFO_URL, {"access_token": jeton_individu}), 401, "jeton-invalide", "invalid_token")


def test_both_routes_are_in_the_openapi_document_with_the_oauth2_flow(http):
    document = http.get("/api/openapi.json").json()

    for route in (INDEMNISATION_URL, USERINFO_URL):
        operation = document["paths"][route]["get"]
        [schema] = operation["security"][0]
        securite = document["components"]["securitySchemes"][schema]
        assert securite["type"] == "oauth2"
        assert securite["flows"]["authorizationCode"]["tokenUrl"] == "/connexion/oauth2/access_token?realm=/individu"
