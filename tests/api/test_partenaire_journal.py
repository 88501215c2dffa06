"""No trace, no data: every call that reaches the data, and every refusal, leaves one journal record."""

import hashlib
import json

import pytest
from django.db import connection

from indemnites.journal.models import Enregistrement
from indemnites.oauth.models import Application
from tests.api.outils import NAISSANCE, NIR, assert_problem, corps, jours
from tests.conftest import SIRET_DESTINATAIRE, TOKEN_URL

CHOMAGE = "beneficiaireAssuranceChomage"


def colonnes(enregistrement: Enregistrement) -> str:
    return " ".join(str(getattr(enregistrement, field.attname)) for field in Enregistrement._meta.concrete_fields)


@pytest.fixture
def journal_en_panne() -> None:
    """The database itself refuses every journal insert (the test transaction drops the trigger)."""
    table = Enregistrement._meta.db_table
    with connection.cursor() as cursor:
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


def test_data_answer_writes_one_complete_record(appeler, demandeur):
    personne = demandeur(droits=(("ARE", "France Travail", jours(-10), None),))
    body = json.dumps(corps(referenceDossier="DOSSIER-42"))

    response = appeler(body, HTTP_X_REQUEST_ID="appel-0001")

    assert response.status_code == 200
    enregistrement = Enregistrement.objects.get()
    assert enregistrement.request_id == "appel-0001" == response["X-Request-ID"]
    assert enregistrement.client_id == Application.objects.get().client_id
    assert enregistrement.mode == "partenaire"
    assert enregistrement.destinataire == SIRET_DESTINATAIRE
    assert enregistrement.sujet == str(personne.pseudonyme)
    assert enregistrement.champs == "beneficiairePrestationSolidarite,beneficiaireAssuranceChomage"
    assert (enregistrement.resultat, enregistrement.statut) == ("donnees-transmises", 200)
    assert enregistrement.reference_dossier == "DOSSIER-42"
    assert enregistrement.empreinte_requete == hashlib.sha256(body.encode()).hexdigest()
    assert enregistrement.horodatage is not None


def test_record_lists_only_the_granted_fields(partenaire, jeton, appeler, demandeur):
    demandeur()

    appeler(corps(), token=jeton(partenaire(champs=(CHOMAGE,))))

    assert Enregistrement.objects.get().champs == CHOMAGE


def test_record_never_holds_the_nir_nor_the_identifiant(appeler, demandeur):
    demandeur(identifiant="jean.are")

    appeler(corps(identifiant=None, nir=NIR, dateNaissance=NAISSANCE))
    appeler(corps(identifiant="jean.are"))
    appeler(corps(identifiant=None, nir="269022A00401277", dateNaissance=NAISSANCE))
    appeler(corps(identifiant="personne.inconnue"))

    enregistrements = list(Enregistrement.objects.all())
    assert [e.statut for e in enregistrements] == [200, 200, 404, 404]
    for enregistrement in enregistrements:
        texte = colonnes(enregistrement)
        for secret in (NIR, NIR[:13], "269022A004012", "jean.are", "personne.inconnue"):
            assert secret not in texte


def test_same_unknown_person_gets_the_same_pseudonymous_subject(appeler):
    appeler(corps(identifiant="personne.inconnue"))
    appeler(corps(identifiant="personne.inconnue"))
    appeler(corps(identifiant="autre.inconnue"))

    sujets = [e.sujet for e in Enregistrement.objects.all()]
    assert sujets[0] == sujets[1] != sujets[2]


def test_unknown_person_is_recorded(appeler):
    assert_problem(appeler(corps(identifiant="personne.inconnue")), 404, "individu-inconnu")

    enregistrement = Enregistrement.objects.get()
    assert (enregistrement.resultat, enregistrement.statut, enregistrement.champs) == ("individu-inconnu", 404, "")


def test_missing_token_is_recorded(appeler):
    appeler(corps(), token=None, HTTP_X_REQUEST_ID="sans-jeton-1")

    enregistrement = Enregistrement.objects.get()
    assert (enregistrement.resultat, enregistrement.statut) == ("jeton-absent", 401)
    assert enregistrement.request_id == "sans-jeton-1"


def test_unknown_token_is_recorded(appeler):
    appeler(corps(), token="inconnu")

    assert Enregistrement.objects.get().statut == 401


def test_scope_refusal_is_recorded_with_the_client(http, appeler, partenaire):
    cree = partenaire()
    reponse_jeton = http.post(
        TOKEN_URL,
        {
            "grant_type": "client_credentials",
            "client_id": cree.application.client_id,
            "client_secret": cree.client_secret,
        },
    )

    appeler(corps(), token=reponse_jeton.json()["access_token"])

    enregistrement = Enregistrement.objects.get()
    assert (enregistrement.resultat, enregistrement.statut) == ("insufficient_scope", 403)
    assert enregistrement.client_id == cree.application.client_id


def test_recipient_refusal_is_recorded_with_the_client(appeler):
    appeler(corps(recipient="21750001600019"))

    enregistrement = Enregistrement.objects.get()
    assert (enregistrement.resultat, enregistrement.statut) == ("destinataire-non-autorise", 403)
    assert enregistrement.client_id == Application.objects.get().client_id
    assert enregistrement.destinataire == "21750001600019"
    assert enregistrement.sujet == ""


def test_invalid_input_reaches_no_data_and_is_not_recorded(appeler):
    appeler(corps(recipient="123"))

    assert not Enregistrement.objects.exists()


def test_journal_failure_is_a_503_without_data(appeler, demandeur, journal_en_panne):
    demandeur(droits=(("ARE", "France Travail", jours(-10), None),))

    response = appeler(corps())

    problem = assert_problem(response, 503, "journal-indisponible")
    assert "beneficiaire" not in json.dumps(problem)
    assert not Enregistrement.objects.exists()


def test_journal_failure_on_an_unknown_person_is_a_503(appeler, journal_en_panne):
    assert_problem(appeler(corps(identifiant="personne.inconnue")), 503, "journal-indisponible")


def test_journal_failure_on_a_refusal_is_a_503(appeler, journal_en_panne):
    assert_problem(appeler(corps(), token="inconnu"), 503, "journal-indisponible")
