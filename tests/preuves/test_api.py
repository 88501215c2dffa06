"""`Accept: application/jwt` on both data routes: the same answer as a signed proof, bound to the person by a
salted hash, noted in the journal record; plain JSON unchanged; an Accept the route cannot serve is 406."""

import hashlib
from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from indemnites.journal.models import Enregistrement
from tests.api.outils import assert_problem
from tests.conftest import SIRET_DESTINATAIRE
from tests.oauth import outils as oauth
from tests.oauth.outils import INDEMNISATION_URL, bearer
from tests.preuves.outils import JWT, verifier

ARE = (("ARE", "France Travail", date(2020, 1, 1), None),)
NIR = "185057800608491"


@pytest.fixture
def jean(demandeur):
    return demandeur(droits=ARE)


def importer(dossier: Path, organisme: str, prestation: str, moment: datetime) -> None:
    """A one-line import of `organisme`, run at `moment` (a person other than jean)."""
    fichier = dossier / f"{prestation}.csv"
    fichier.write_text(
        "identifiant,nir,nom_naissance,prenom,date_naissance,email,prestation,organisme,date_debut,date_fin,reference\n"
        f"zoe.{prestation.lower()},,DUPONT,Zoe,1990-01-01,,{prestation},{organisme},2024-01-01,,{prestation}-1\n",
        encoding="utf-8",
    )
    with time_machine.travel(moment, tick=False):
        call_command("droits_import", str(fichier), "--organisme", organisme, stdout=StringIO())


def preuve(appeler, corps: dict, **headers: str):
    response = appeler(corps, HTTP_ACCEPT=JWT, **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == JWT
    return response


class TestServeurAServeur:
    def test_signed_answer_states_the_call_and_the_granted_booleans(self, http, appeler, jean):
        corps = {"identifiant": "jean.are", "recipient": SIRET_DESTINATAIRE, "referenceDossier": "DOSSIER-42"}
        response = preuve(appeler, corps)

        resultat = verifier(http, response.content.decode())

        assert resultat.valide
        claims = resultat.revendications
        assert claims["iss"] == "http://127.0.0.1:8000"
        assert claims["jti"] == response["X-Request-ID"]
        assert claims["recipient"] == SIRET_DESTINATAIRE
        assert claims["referenceDossier"] == "DOSSIER-42"
        assert claims["dateReference"] == timezone.localdate().isoformat()
        assert claims["beneficiaireAssuranceChomage"] is True
        assert claims["beneficiairePrestationSolidarite"] is False
        assert abs(claims["iat"] - timezone.now().timestamp()) < 60
        assert "donneesMisesAJourLe" not in claims  # nothing was ever imported: the refresh date is unknown
        assert resultat.entete["alg"] == "ES256"
        assert response["Cache-Control"] == "no-store"

    def test_states_when_the_registry_was_last_refreshed(self, http, appeler, jean, tmp_path):
        # The three sources imported on different nights: every answer's data is at least as fresh as the oldest.
        importer(tmp_path, "CAF", "RSA", datetime(2026, 11, 30, 3, 0, tzinfo=UTC))
        importer(tmp_path, "France Travail", "ARE", datetime(2026, 12, 1, 4, 30, tzinfo=UTC))
        importer(tmp_path, "MSA", "AAH", datetime(2026, 12, 1, 5, 0, tzinfo=UTC))

        response = preuve(appeler, {"identifiant": "jean.are", "recipient": SIRET_DESTINATAIRE})

        claims = verifier(http, response.content.decode()).revendications
        assert claims["donneesMisesAJourLe"] == "2026-11-30T03:00:00+00:00"

    def test_audience_is_the_client(self, http, appeler, jean, partenaire, jeton):
        client = partenaire()
        response = preuve(appeler, {"identifiant": "jean.are", "recipient": SIRET_DESTINATAIRE}, token=jeton(client))

        assert verifier(http, response.content.decode()).revendications["aud"] == client.application.client_id

    def test_only_granted_booleans_are_stated(self, http, appeler, jean, partenaire, jeton):
        client = partenaire(champs=("beneficiaireAssuranceChomage",))
        response = preuve(appeler, {"identifiant": "jean.are", "recipient": SIRET_DESTINATAIRE}, token=jeton(client))

        claims = verifier(http, response.content.decode()).revendications
        assert "beneficiairePrestationSolidarite" not in claims
        assert claims["beneficiaireAssuranceChomage"] is True

    def test_binds_the_person_by_salted_hash_of_the_canonical_identifiant(self, http, appeler, jean):
        response = preuve(appeler, {"identifiant": "jean.are", "recipient": SIRET_DESTINATAIRE})
        sel = response["X-Preuve-Sel"]
        jws = response.content.decode()

        assert len(bytes.fromhex(sel)) == 16
        empreinte = hashlib.sha256(f"{sel}identifiant:jean.are".encode()).hexdigest()
        assert verifier(http, jws).revendications["empreinteIdentite"] == empreinte
        assert verifier(http, jws, sel=sel, identite="identifiant:jean.are").identite_concorde is True
        assert verifier(http, jws, sel=sel, identite="identifiant:marc.ass").identite_concorde is False

    def test_binds_the_person_by_nir_without_revealing_it(self, http, appeler, jean):
        corps = {"nir": "1 85 05 78 006 084 91", "dateNaissance": "1985-05-12", "recipient": SIRET_DESTINATAIRE}
        response = preuve(appeler, corps)
        jws = response.content.decode()

        assert NIR not in str(verifier(http, jws).revendications)
        identite = f"nir:{NIR}:1985-05-12"
        assert verifier(http, jws, sel=response["X-Preuve-Sel"], identite=identite).identite_concorde is True

    def test_each_proof_has_its_own_salt(self, appeler, jean):
        corps = {"identifiant": "jean.are", "recipient": SIRET_DESTINATAIRE}

        assert preuve(appeler, corps)["X-Preuve-Sel"] != preuve(appeler, corps)["X-Preuve-Sel"]

    def test_journal_record_notes_the_proof_under_its_jti(self, http, appeler, jean):
        response = preuve(appeler, {"identifiant": "jean.are", "recipient": SIRET_DESTINATAIRE})
        jti = verifier(http, response.content.decode()).revendications["jti"]

        enregistrement = Enregistrement.objects.get(request_id=jti)
        assert enregistrement.preuve is True
        assert enregistrement.resultat == "donnees-transmises"

    def test_plain_json_is_unchanged_and_its_record_notes_no_proof(self, appeler, jean):
        response = appeler({"identifiant": "jean.are", "recipient": SIRET_DESTINATAIRE})

        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert "X-Preuve-Sel" not in response
        assert Enregistrement.objects.get(request_id=response["X-Request-ID"]).preuve is False

    @pytest.mark.parametrize("accept", ["application/json", "*/*", "application/*", "application/jwt;q=0.5, */*"])
    def test_json_when_accept_prefers_or_allows_it(self, appeler, jean, accept):
        response = appeler({"identifiant": "jean.are", "recipient": SIRET_DESTINATAIRE}, HTTP_ACCEPT=accept)

        assert response["Content-Type"] == "application/json"

    @pytest.mark.parametrize("accept", ["text/html", "application/xml", "application/jwt;q=0"])
    def test_an_accept_the_route_cannot_serve_is_406_before_any_read(self, appeler, jean, accept):
        response = appeler({"identifiant": "jean.are", "recipient": SIRET_DESTINATAIRE}, HTTP_ACCEPT=accept)

        assert_problem(response, 406, "format-non-acceptable")
        assert not Enregistrement.objects.filter(resultat="donnees-transmises").exists()

    def test_unknown_person_gets_a_problem_and_no_proof(self, appeler, jean):
        response = appeler({"identifiant": "personne", "recipient": SIRET_DESTINATAIRE}, HTTP_ACCEPT=JWT)

        assert_problem(response, 404, "individu-inconnu")
        assert Enregistrement.objects.get(request_id=response["X-Request-ID"]).preuve is False

    def test_without_signing_key_a_proof_is_503_and_no_data_leaves(self, appeler, jean, settings):
        settings.PREUVE_SIGNING_KEY = ""

        response = appeler({"identifiant": "jean.are", "recipient": SIRET_DESTINATAIRE}, HTTP_ACCEPT=JWT)

        assert_problem(response, 503, "preuve-indisponible")
        assert not Enregistrement.objects.exists()


class TestModeConnecte:
    def test_signed_answer_binds_the_connected_person_by_their_sub(self, http):
        client = oauth.client_individu()
        personne = oauth.personne("jean.are", ("ARE",))
        reponse = oauth.jetons(http, client, personne)
        sub = http.get(oauth.USERINFO_URL, **bearer(reponse["access_token"])).json()["sub"]

        response = http.get(INDEMNISATION_URL, HTTP_ACCEPT=JWT, **bearer(reponse["access_token"]))

        assert response.status_code == 200, response.content
        assert response["Content-Type"] == JWT
        resultat = verifier(http, response.content.decode(), sel=response["X-Preuve-Sel"], identite=f"sub:{sub}")
        assert resultat.valide
        assert resultat.identite_concorde
        assert resultat.revendications["aud"] == client.application.client_id
        assert resultat.revendications["beneficiaireAssuranceChomage"] is True
        assert Enregistrement.objects.get(request_id=response["X-Request-ID"]).preuve is True

    def test_406_on_the_connected_route_too(self, http):
        reponse = oauth.jetons(http, oauth.client_individu(), oauth.personne("jean.are", ("ARE",)))

        response = http.get(INDEMNISATION_URL, HTTP_ACCEPT="text/csv", **bearer(reponse["access_token"]))

        assert_problem(response, 406, "format-non-acceptable")
