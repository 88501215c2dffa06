"""Schemathesis against the OpenAPI document: every operation, with a valid token, every check on, a
bounded number of examples. The document must hold for whatever schemathesis derives from it.

JSON Schema cannot say everything the data route checks: the NIR's and the SIRET's keys, the bounds of
`dateReference` (the document says them in words). `_regles_hors_schema` completes the valid requests
schemathesis generates with those rules, so "valid data is accepted" is checked for real; invalid ones are
left as generated.
"""

import re
from datetime import date

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.wsgi import get_wsgi_application
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, settings

from indemnites.core.domain import siret_valide
from indemnites.droits.domain import mois_avant, nir_cle
from tests.api.outils import wsgi_direct
from tests.conftest import TOKEN_URL
from tests.oauth import outils

APPLICATION = get_wsgi_application()
SCHEMA = schemathesis.openapi.from_wsgi("/api/openapi.json", APPLICATION)
EXEMPLES = 25


def _luhn_completer(siret: str) -> str:
    """The same first 13 digits, and a 14th that makes the key exact."""
    return next(siret[:13] + fin for fin in "0123456789" if siret_valide(siret[:13] + fin))


def _date_bornee(texte: str) -> str:
    aujourdhui = timezone.localdate()
    plus_ancienne = mois_avant(aujourdhui, django_settings.API_DATE_REFERENCE_MAX_MONTHS)
    return min(max(date.fromisoformat(texte), plus_ancienne), aujourdhui).isoformat()


def _valide(case) -> bool:
    meta = getattr(case, "meta", None)
    return meta is not None and meta.generation.mode.is_positive


def _regles_hors_schema(corps: dict) -> dict:
    corps = dict(corps)
    if isinstance(corps.get("recipient"), str) and re.fullmatch(r"[0-9]{14}", corps["recipient"]):
        corps["recipient"] = _luhn_completer(corps["recipient"])
    if isinstance(corps.get("nir"), str) and len(corps["nir"]) == 15:
        corps["nir"] = corps["nir"][:13] + f"{nir_cle(corps['nir'][:13]):02d}"
    if isinstance(corps.get("dateReference"), str):
        corps["dateReference"] = _date_bornee(corps["dateReference"])
    return corps


@pytest.fixture
def jetons(partenaire) -> dict[str, str]:
    """A server-to-server token, and a job seeker's (the person is in the registry, with rights)."""
    http = Client()
    client = partenaire()
    serveur = http.post(
        TOKEN_URL,
        {
            "grant_type": "client_credentials",
            "client_id": client.application.client_id,
            "client_secret": client.client_secret,
            "scope": "api_indemnisationsv1",
        },
    ).json()["access_token"]
    individu = outils.jetons(http, outils.client_individu(), outils.personne())["access_token"]
    return {"partenaire": serveur, "individu": individu}


def _jeton(case, jetons: dict[str, str]) -> str | None:
    if not case.operation.definition.raw.get("security"):
        return None
    return jetons["partenaire"] if case.operation.method.upper() == "POST" else jetons["individu"]


@SCHEMA.parametrize()
@settings(
    max_examples=EXEMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_keeps_the_document_promises(case, jetons):
    if _valide(case) and isinstance(case.body, dict):
        case.body = _regles_hors_schema(case.body)
    jeton = _jeton(case, jetons)
    headers = {"Authorization": f"Bearer {jeton}"} if jeton else {}
    with wsgi_direct():
        case.call_and_validate(headers=headers)
