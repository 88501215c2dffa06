"""`/preuves/jwks.json` (current and retired keys) and the public page `/preuves/verifier`."""

import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone
from joserfc.jwk import ECKey

from tests.conftest import SIRET_DESTINATAIRE
from tests.preuves.outils import JWT, cle_pem, jwks, un_octet_change, verifier

VERIFIER_URL = "/preuves/verifier"


@pytest.fixture
def jean(demandeur):
    return demandeur(droits=(("ARE", "France Travail", timezone.localdate() - timedelta(days=30), None),))


@pytest.fixture
def preuve(appeler, jean):
    response = appeler({"identifiant": "jean.are", "recipient": SIRET_DESTINATAIRE}, HTTP_ACCEPT=JWT)
    assert response.status_code == 200
    return response.content.decode(), response["X-Preuve-Sel"]


def retiree(pem: str, il_y_a_jours: int) -> dict:
    jwk = ECKey.import_key(pem).as_dict(private=False)
    return {"jwk": jwk, "retiree_le": (timezone.localdate() - timedelta(days=il_y_a_jours)).isoformat()}


class TestJwks:
    def test_publishes_the_signing_key_with_its_rfc7638_thumbprint(self, http, settings):
        cle = ECKey.import_key(settings.PREUVE_SIGNING_KEY)

        (publiee,) = jwks(http)["keys"]

        assert publiee["kid"] == cle.thumbprint()
        assert publiee["alg"] == "ES256"
        assert publiee["use"] == "sig"
        assert "d" not in publiee  # never the private part

    def test_is_named_in_the_catalogue(self, http):
        assert http.get("/api/catalogue.json").json()["preuves_jwks_uri"] == "http://testserver/preuves/jwks.json"

    def test_a_proof_still_verifies_after_a_rotation(self, http, settings, preuve):
        jws, _ = preuve
        ancienne = settings.PREUVE_SIGNING_KEY
        settings.PREUVE_SIGNING_KEY = cle_pem()
        assert not verifier(http, jws).valide  # the old key is no longer published…

        settings.PREUVE_CLES_RETIREES = json.dumps([retiree(ancienne, 0)])

        assert verifier(http, jws).valide  # …until it is listed among the retired keys
        assert len(jwks(http)["keys"]) == 2

    def test_retired_keys_are_dropped_after_the_retention(self, http, settings):
        settings.PREUVE_CLES_CONSERVATION_MOIS = 24
        gardee, perimee = cle_pem(), cle_pem()
        settings.PREUVE_CLES_RETIREES = json.dumps([retiree(gardee, 700), retiree(perimee, 760)])

        kids = [cle["kid"] for cle in jwks(http)["keys"]]

        assert ECKey.import_key(gardee).thumbprint() in kids
        assert ECKey.import_key(perimee).thumbprint() not in kids


class TestPageVerifier:
    @pytest.fixture
    def navigateur(self) -> Client:
        return Client(enforce_csrf_checks=True)

    def poster(self, navigateur: Client, **champs: str):
        navigateur.get(VERIFIER_URL)
        jeton_csrf = navigateur.cookies["csrftoken"].value
        return navigateur.post(VERIFIER_URL, {"csrfmiddlewaretoken": jeton_csrf, **champs})

    def test_shows_a_valid_signature_its_key_and_its_claims(self, navigateur, preuve, settings):
        jws, _ = preuve

        response = self.poster(navigateur, preuve=jws)

        page = response.content.decode()
        assert "Signature valide" in page
        assert ECKey.import_key(settings.PREUVE_SIGNING_KEY).thumbprint() in page
        assert "beneficiaireAssuranceChomage" in page
        assert "no-store" in response["Cache-Control"]

    def test_tells_whether_the_identity_matches(self, navigateur, preuve):
        jws, sel = preuve

        concordante = self.poster(navigateur, preuve=jws, sel=sel, identifiant="jean.are").content.decode()
        differente = self.poster(navigateur, preuve=jws, sel=sel, identifiant="marc.ass").content.decode()

        assert "Identité concordante" in concordante
        assert "Identité différente" in differente

    def test_one_byte_changed_is_not_valid(self, navigateur, preuve):
        jws, _ = preuve

        page = self.poster(navigateur, preuve=un_octet_change(jws)).content.decode()

        assert "Preuve non valide" in page
        assert "Signature valide" not in page

    def test_a_proof_issued_after_its_key_was_retired_is_not_valid(self, navigateur, preuve, settings):
        jws, _ = preuve
        ancienne = settings.PREUVE_SIGNING_KEY
        settings.PREUVE_SIGNING_KEY = cle_pem()
        # retired two days before the proof was issued (two, so that the Paris and UTC dates never overlap)
        settings.PREUVE_CLES_RETIREES = json.dumps([retiree(ancienne, 2)])

        page = self.poster(navigateur, preuve=jws).content.decode()

        assert "Preuve non valide" in page
        assert f"clé retirée le {(timezone.localdate() - timedelta(days=2)).isoformat()}" in page
        assert "Signature valide" not in page

    def test_garbage_is_not_valid(self, navigateur):
        assert "Preuve non valide" in self.poster(navigateur, preuve="pas une preuve").content.decode()

    def test_identity_without_salt_is_a_form_error(self, navigateur, preuve):
        page = self.poster(navigateur, preuve=preuve[0], identifiant="jean.are").content.decode()

        assert "Le sel est nécessaire" in page

    def test_post_without_csrf_token_is_refused(self, navigateur, preuve):
        assert navigateur.post(VERIFIER_URL, {"preuve": preuve[0]}).status_code == 403

    def test_nothing_pasted_is_stored_or_logged(self, navigateur, preuve, caplog):
        jws, sel = preuve
        avant = {modele: modele.objects.count() for modele in apps.get_models()}

        with caplog.at_level("DEBUG"):
            self.poster(navigateur, preuve=jws, sel=sel, identifiant="jean.are")

        assert {modele: modele.objects.count() for modele in apps.get_models()} == avant
        assert jws not in caplog.text
        assert sel not in caplog.text
