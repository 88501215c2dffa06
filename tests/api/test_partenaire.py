"""The server-to-server data route answers the granted booleans for one person."""

from datetime import date

import pytest

from tests.api.outils import NAISSANCE, NIR, assert_problem, corps, jours
from tests.conftest import SIRET_DESTINATAIRE

FT = "France Travail"
SOLIDARITE = "beneficiairePrestationSolidarite"
CHOMAGE = "beneficiaireAssuranceChomage"


def test_open_unemployment_right_answers_the_two_booleans(appeler, demandeur):
    demandeur(droits=(("ARE", FT, jours(-100), None),))

    response = appeler(corps())

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert response.json() == {SOLIDARITE: False, CHOMAGE: True}


@pytest.mark.parametrize(
    ("prestation", "organisme", "attendu"),
    [
        ("ARE", FT, {SOLIDARITE: False, CHOMAGE: True}),
        ("ASP", FT, {SOLIDARITE: False, CHOMAGE: True}),
        ("ASS", FT, {SOLIDARITE: True, CHOMAGE: False}),
        ("AER", FT, {SOLIDARITE: True, CHOMAGE: False}),
        ("AAH", "CAF", {SOLIDARITE: True, CHOMAGE: False}),
        ("RSA", "MSA", {SOLIDARITE: True, CHOMAGE: False}),
    ],
)
def test_each_benefit_sets_its_own_boolean(appeler, demandeur, prestation, organisme, attendu):
    demandeur(droits=((prestation, organisme, jours(-10), jours(10)),))

    assert appeler(corps()).json() == attendu


def test_person_without_rights_answers_two_false(appeler, demandeur):
    demandeur()

    assert appeler(corps()).json() == {SOLIDARITE: False, CHOMAGE: False}


def test_client_granted_one_field_never_sees_the_other_key(http, partenaire, jeton, appeler, demandeur):
    demandeur(droits=(("RSA", "CAF", jours(-10), None), ("ARE", FT, jours(-10), None)))
    token = jeton(partenaire(champs=(CHOMAGE,)))

    assert appeler(corps(), token=token).json() == {CHOMAGE: True}


def test_client_granted_solidarity_only_sees_only_it(partenaire, jeton, appeler, demandeur):
    demandeur(droits=(("ARE", FT, jours(-10), None),))
    token = jeton(partenaire(champs=(SOLIDARITE,)))

    assert appeler(corps(), token=token).json() == {SOLIDARITE: False}


@pytest.mark.parametrize(
    ("debut", "fin", "ouvert"),
    [
        (0, None, True),  # starts today
        (-10, 0, True),  # ends today
        (-10, None, True),  # no end date
        (1, None, False),  # starts tomorrow
        (-10, -1, False),  # ended yesterday
    ],
)
def test_right_counts_from_its_start_to_its_end_inclusive(appeler, demandeur, debut, fin, ouvert):
    demandeur(droits=(("ARE", FT, jours(debut), None if fin is None else jours(fin)),))

    assert appeler(corps()).json()[CHOMAGE] is ouvert


def test_date_reference_changes_the_answer(appeler, demandeur):
    demandeur(droits=(("ARE", FT, jours(-400), jours(-30)),))

    assert appeler(corps(dateReference=jours(-60).isoformat())).json()[CHOMAGE] is True
    assert appeler(corps()).json()[CHOMAGE] is False


def test_date_reference_of_today_is_accepted(appeler, demandeur):
    demandeur(droits=(("ASS", FT, jours(0), None),))

    assert appeler(corps(dateReference=jours(0).isoformat())).json()[SOLIDARITE] is True


def test_lookup_by_nir_and_birth_date(appeler, demandeur):
    demandeur(identifiant=None, droits=(("RSA", "CAF", jours(-10), None),))

    response = appeler(corps(identifiant=None, nir=NIR, dateNaissance=NAISSANCE))

    assert response.status_code == 200
    assert response.json() == {SOLIDARITE: True, CHOMAGE: False}


def test_nir_with_spaces_and_lowercase_corsica_is_normalised(appeler, demandeur):
    nir = "2 69 02 2A 004 012 77"  # Corsica: the key counts 2A as 19
    demandeur(identifiant=None, nir=nir.replace(" ", "").upper(), naissance=date(1969, 2, 1))

    response = appeler(corps(identifiant=None, nir=nir.lower(), dateNaissance="1969-02-01"))

    assert response.status_code == 200, response.content


def test_nir_with_a_wrong_birth_date_is_unknown_like_an_unknown_person(appeler, demandeur):
    demandeur(droits=(("RSA", "CAF", jours(-10), None),))

    mauvaise_date = appeler(corps(identifiant=None, nir=NIR, dateNaissance="1985-05-13"))
    inconnu = appeler(corps(identifiant="personne.inconnue"))

    problem = assert_problem(mauvaise_date, 404, "individu-inconnu")
    autre = assert_problem(inconnu, 404, "individu-inconnu")
    assert set(problem) == set(autre)
    assert (problem["title"], problem["detail"]) == (autre["title"], autre["detail"])


def test_unknown_person_is_a_404_problem(appeler):
    response = appeler(corps(identifiant="personne.inconnue"))

    problem = assert_problem(response, 404, "individu-inconnu")
    assert "beneficiaireAssuranceChomage" not in response.content.decode()
    assert problem["instance"] == "/partenaire/indemnisations/v1/indemnisation"


def test_reference_dossier_is_accepted(appeler, demandeur):
    demandeur()

    assert appeler(corps(referenceDossier="DOSSIER-2026-0042 é")).status_code == 200


def test_second_allowed_recipient_is_accepted(partenaire, jeton, appeler, demandeur):
    demandeur()
    autre = "21750001600019"  # Ville de Paris
    token = jeton(partenaire(destinataires=(SIRET_DESTINATAIRE, autre)))

    assert appeler(corps(recipient=autre), token=token).status_code == 200
