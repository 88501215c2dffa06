"""Strict inputs on the data route: duplicate keys, invalid Unicode, media types, chunked bodies, and
validation messages in French, pydantic's included."""

import io
import json
import re

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory

from indemnites.api.errors import MESSAGE_PAR_DEFAUT, MESSAGES
from indemnites.journal.models import Enregistrement
from tests.api.outils import assert_erreur_champ, assert_problem, corps, wsgi_direct
from tests.conftest import DATA_URL, SIRET_DESTINATAIRE

# --- duplicate keys ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texte", "cle"),
    [
        ('{"identifiant": "jean.are", "identifiant": "marc.ass", "recipient": "%s"}', "identifiant"),
        ('{"identifiant": "jean.are", "recipient": "%s", "recipient": "13002526500013"}', "recipient"),
        ('{"identifiant": "jean.are", "recipient": "%s", "x": {"a": 1, "a": 2}}', "a"),
    ],
)
def test_a_duplicate_key_is_a_400_naming_it(appeler, texte, cle):
    response = appeler(texte % SIRET_DESTINATAIRE)

    problem = assert_problem(response, 400, "json-invalide")
    assert problem["cle"] == cle
    assert f"« {cle} »" in problem["detail"]


def test_a_duplicate_key_without_a_token_is_still_a_401(appeler):
    response = appeler('{"identifiant": "a", "identifiant": "b"}', token=None)

    assert response.status_code == 401


# --- invalid Unicode ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texte", "champ"),
    [
        ('{"identifiant": "\\ud800", "recipient": "%s"}', "identifiant"),
        ('{"nir": "\\udc00", "dateNaissance": "1985-05-12", "recipient": "%s"}', "nir"),
        ('{"identifiant": "jean.are", "recipient": "%s", "referenceDossier": "a\\ud83d"}', "referenceDossier"),
        ('{"identifiant": "jean.are", "recipient": "%s", "dateReference": "\\ud800"}', "dateReference"),
    ],
)
def test_a_lone_surrogate_is_a_422_naming_the_field(appeler, texte, champ):
    assert_erreur_champ(appeler(texte % SIRET_DESTINATAIRE), champ, "unicode-invalide")


def test_bytes_that_are_not_utf8_are_a_422_naming_the_field(appeler):
    texte = f'{{"identifiant": "jean", "recipient": "{SIRET_DESTINATAIRE}", "referenceDossier": "X"}}'
    brut = texte.encode().replace(b'"X"', b'"\xff\xfe"')

    assert_erreur_champ(appeler(brut), "referenceDossier", "unicode-invalide")


def test_a_surrogate_pair_is_valid_unicode(appeler, demandeur):
    demandeur()
    response = appeler(corps(referenceDossier="\U0001f600"))

    assert_erreur_champ(response, "referenceDossier", "caracteres-non-imprimables")


def test_invalid_unicode_writes_nothing_half_done(appeler):
    avant = Enregistrement.objects.count()

    appeler(f'{{"identifiant": "\\ud800", "recipient": "{SIRET_DESTINATAIRE}"}}')

    assert Enregistrement.objects.count() == avant


# --- media types ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["application/merge-patch+json", "application/problem+json", "text/json"])
def test_only_application_json_is_read(appeler, content_type):
    assert_problem(appeler(corps(), content_type=content_type), 415, "type-de-contenu-non-supporte")


def test_application_json_with_a_charset_is_read(appeler, demandeur):
    demandeur()

    assert appeler(corps(), content_type="application/json; charset=utf-8").status_code == 200


def test_the_openapi_document_offers_application_json_only(http):
    operation = http.get("/api/openapi.json").json()["paths"][DATA_URL]["post"]

    assert list(operation["requestBody"]["content"]) == ["application/json"]


# --- chunked bodies ---------------------------------------------------------------------------------------


def _wsgi(jeton: str, corps_brut: bytes, **environ: str) -> tuple[int, dict]:
    """The WSGI application called as gunicorn calls it for a chunked request: no CONTENT_LENGTH, the
    de-chunked body in wsgi.input."""
    requete = RequestFactory().generic("POST", DATA_URL, b"", content_type="application/json")
    env = {**requete.environ, "wsgi.input": io.BytesIO(corps_brut), "CONTENT_TYPE": "application/json", **environ}
    env.pop("CONTENT_LENGTH", None)
    env["HTTP_AUTHORIZATION"] = f"Bearer {jeton}"
    statut: list[str] = []
    with wsgi_direct():
        morceaux = WSGIHandler()(env, lambda status, headers: statut.append(status))
    return int(statut[0].split()[0]), json.loads(b"".join(morceaux))


def test_a_chunked_body_is_read(jeton_deux_champs, demandeur):
    demandeur()
    body = json.dumps(corps()).encode()

    statut, reponse = _wsgi(jeton_deux_champs, body, HTTP_TRANSFER_ENCODING="chunked")

    assert statut == 200, reponse
    assert reponse == {"beneficiairePrestationSolidarite": False, "beneficiaireAssuranceChomage": False}


def test_a_chunked_body_over_the_limit_is_a_413(jeton_deux_champs, settings):
    body = json.dumps(corps(referenceDossier="x" * settings.API_MAX_BODY_BYTES)).encode()

    statut, reponse = _wsgi(jeton_deux_champs, body, HTTP_TRANSFER_ENCODING="chunked")

    assert statut == 413
    assert reponse["code"] == "corps-trop-volumineux"


# --- French messages ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        corps(identifiant=12),
        corps(identifiant=["jean"]),
        corps(identifiant=True),
        corps(referenceDossier={"a": 1}),
        corps(dateReference=20240101),
        corps(recipient=None),
        [1, 2],
        "texte",
        12,
        None,
        corps(identifiant="a" * 65),
    ],
)
def test_every_validation_message_is_french(appeler, body):
    response = appeler(json.dumps(body))

    assert response.status_code in (400, 422), response.content
    problem = response.json()
    for erreur in problem.get("errors", []):
        message = erreur["message"]
        assert message in MESSAGES.values() or message == MESSAGE_PAR_DEFAUT or "-" in erreur["regle"], erreur
    assert not re.search(r"\b(Input should|Field required|valid|must)\b", problem["detail"]), problem["detail"]
