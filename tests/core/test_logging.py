"""JSON log lines carry the request id and never a token, a NIR or an identifiant."""

import io
import json
import logging
import sys

from indemnites.core.logging import JsonFormatter
from tests.api.outils import NAISSANCE, NIR, corps

IDENTIFIANT = "jean.are"


def lignes(sortie: io.StringIO) -> list[dict]:
    return [json.loads(ligne) for ligne in sortie.getvalue().splitlines()]


def test_data_calls_log_json_lines_without_token_nir_or_identifiant(
    appeler, demandeur, jeton_deux_champs, journal_technique
):
    demandeur(identifiant=IDENTIFIANT)

    appeler(corps(identifiant=IDENTIFIANT), HTTP_X_REQUEST_ID="trace-logs-0001")
    appeler(corps(identifiant=None, nir=NIR, dateNaissance=NAISSANCE))
    appeler(corps(identifiant=None, nir=NIR, dateNaissance="1985-05-13"))
    appeler(corps(identifiant=None, nir=NIR + "0", dateNaissance=NAISSANCE))
    appeler(corps(identifiant="personne.inconnue"), token=jeton_deux_champs + "x")

    texte = journal_technique.getvalue()
    parsed = lignes(journal_technique)
    assert len(parsed) >= 5
    assert any(ligne["request_id"] == "trace-logs-0001" for ligne in parsed)
    assert all(ligne["request_id"] for ligne in parsed)
    for secret in (jeton_deux_champs, NIR, NIR[:13], IDENTIFIANT, "personne.inconnue"):
        assert secret not in texte


def test_token_request_logs_neither_the_secret_nor_the_token(http, partenaire, jeton, journal_technique):
    cree = partenaire()

    token = jeton(cree)

    texte = journal_technique.getvalue()
    assert lignes(journal_technique)
    assert token not in texte
    assert cree.client_secret not in texte


def test_access_line_names_route_status_and_client(appeler, jeton_deux_champs, journal_technique):
    appeler(corps(identifiant="personne.inconnue"), HTTP_X_REQUEST_ID="trace-logs-0002")

    [acces] = [ligne for ligne in lignes(journal_technique) if ligne["request_id"] == "trace-logs-0002"]
    assert acces["logger"] == "indemnites.access"
    assert (acces["method"], acces["status"]) == ("POST", 404)
    assert acces["route"] == "partenaire/indemnisations/v1/indemnisation"
    assert acces["client_id"]
    assert acces["duration_ms"] >= 0


def test_formatter_writes_only_allowed_extra_keys():
    record = logging.LogRecord("indemnites.test", logging.INFO, __file__, 1, "message", None, None)
    record.nir = NIR
    record.token = "secret-token"
    record.status = 200

    ligne = json.loads(JsonFormatter().format(record))

    assert ligne["status"] == 200
    assert NIR not in json.dumps(ligne)
    assert "secret-token" not in json.dumps(ligne)


def test_exception_lines_carry_the_exception_type_not_its_message():
    try:
        raise ValueError(f"NIR {NIR} refusé")
    except ValueError:
        record = logging.LogRecord("indemnites.test", logging.ERROR, __file__, 1, "erreur", None, sys.exc_info())

    ligne = JsonFormatter().format(record)

    assert json.loads(ligne)["exception"] == "ValueError"
    assert NIR not in ligne
