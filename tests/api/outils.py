"""Bodies and assertions shared by the tests of the server-to-server data route."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import HttpResponse
from django.utils import timezone

from tests.conftest import SIRET_DESTINATAIRE

NIR = "185057800608491"
NAISSANCE = "1985-05-12"
PROBLEM = "application/problem+json"


def aujourdhui() -> date:
    return timezone.localdate()


def jours(n: int) -> date:
    """`n` days from today (negative: in the past)."""
    return aujourdhui() + timedelta(days=n)


def corps(**champs: Any) -> dict[str, Any]:
    """A valid body by identifiant; keyword arguments override or add keys (None removes one)."""
    body = {"identifiant": "jean.are", "recipient": SIRET_DESTINATAIRE, **champs}
    return {key: value for key, value in body.items() if value is not None}


def assert_problem(response: HttpResponse, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["code"] == code
    assert problem["status"] == status
    assert problem["type"].endswith(code)
    assert problem["title"]
    assert problem["detail"]
    assert problem["requestId"] == response["X-Request-ID"]
    return problem


def assert_erreur_champ(response: HttpResponse, champ: str, regle: str) -> None:
    problem = assert_problem(response, 422, "donnees-invalides")
    assert {"champ": champ, "regle": regle} in [{"champ": e["champ"], "regle": e["regle"]} for e in problem["errors"]]
    assert champ in problem["detail"]


@contextmanager
def wsgi_direct() -> Iterator[None]:
    """Calling the WSGI application itself (as gunicorn does): its handler closes the database connection
    around each request, which inside a test's transaction (PostgreSQL) would close the test's own.
    Django's test client does the same around each of its requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
