"""A database that dropped the service's connections (restart, failover, an idle timeout on a proxy) costs the
data routes no failed call: at the start of each request Django checks a kept connection (CONN_HEALTH_CHECKS,
a `SELECT 1` before its first statement) and opens another one if the server dropped it. PostgreSQL only: SQLite
has no server to lose."""

from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from django.db import close_old_connections, connection
from django.http import HttpResponse

from indemnites.journal.models import Enregistrement
from tests.api.outils import corps, jours

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL seulement (la CI lance aussi la suite sur PostgreSQL)"
    ),
    pytest.mark.django_db(transaction=True),
]


def _connexion_coupee_par_le_serveur() -> None:
    """What a restart does to a kept-open connection: its server process ends; the client learns it only when it
    next uses the connection."""
    pid = connection.connection.info.backend_pid
    parametres = connection.get_connection_params()
    with psycopg.connect(**{**parametres, "autocommit": True}) as administrateur:
        administrateur.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
    # What a served process does as each request starts (Django's test client leaves it out): the next request
    # checks its connection before using it.
    close_old_connections()


def test_a_call_after_the_connection_was_dropped_is_answered(
    appeler: Callable[..., HttpResponse], demandeur: Callable[..., Any]
) -> None:
    demandeur(droits=(("ARE", "France Travail", jours(-10), None),))
    assert appeler(corps()).status_code == 200

    _connexion_coupee_par_le_serveur()
    response = appeler(corps())

    assert response.status_code == 200
    assert response.json()["beneficiaireAssuranceChomage"] is True
    assert Enregistrement.objects.filter(statut=200).count() == 2


def test_an_unknown_token_after_the_connection_was_dropped_is_still_a_401(
    appeler: Callable[..., HttpResponse],
) -> None:
    appeler(corps(identifiant="personne.inconnue"))

    _connexion_coupee_par_le_serveur()

    assert appeler(corps(), token="inconnu").status_code == 401
