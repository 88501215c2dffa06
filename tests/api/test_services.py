"""Answering a data call (api/services.py): what the database is asked, call by call. Each
round trip to PostgreSQL costs the worker far more than the server's work under load, so the number of
statements is part of the contract (bench/README.md, « Charge de l'API »); the answers themselves are
tested through HTTP in tests/api."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext

from indemnites.droits.models import Droit
from indemnites.journal.models import Enregistrement
from indemnites.oauth.models import AccessToken
from tests.api.outils import corps, jours

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL seulement (la CI lance aussi la suite sur PostgreSQL)"
)


def _instructions(appeler: Callable[..., HttpResponse], body: Any) -> tuple[HttpResponse, list[str]]:
    with CaptureQueriesContext(connection) as requetes:
        response = appeler(body)
    return response, [requete["sql"] for requete in requetes.captured_queries]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("identifiant", "statut"), [("jean.are", 200), ("personne.inconnue", 404)])
def test_the_rights_are_read_and_the_record_written_by_one_statement(
    appeler: Callable[..., HttpResponse], demandeur: Callable[..., Any], identifiant: str, statut: int
) -> None:
    demandeur(droits=(("ARE", "France Travail", jours(-10), None),))

    response, instructions = _instructions(appeler, corps(identifiant=identifiant))

    assert response.status_code == statut
    jeton, donnees = instructions  # no BEGIN nor COMMIT: the statement is its own transaction
    assert AccessToken._meta.db_table in jeton
    assert Enregistrement._meta.db_table in donnees
    assert Droit._meta.db_table in donnees
    assert Enregistrement.objects.get().statut == statut
