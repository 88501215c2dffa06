"""Every response carries X-Request-ID: the caller's when well-formed, else a generated one."""

import uuid

import pytest

from tests.conftest import DATA_URL, TOKEN_URL


def est_genere(value: str) -> bool:
    return str(uuid.UUID(value)) == value


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", DATA_URL),
        ("post", TOKEN_URL),
        ("get", "/admin/login/"),
        ("get", "/page/inconnue"),
        ("get", "/partenaire/inconnue"),
        ("get", "/api/openapi.json"),
        ("get", "/healthz"),
    ],
)
def test_every_response_carries_a_generated_request_id(http, method, path):
    response = getattr(http, method)(path)

    assert est_genere(response["X-Request-ID"])


def test_each_request_gets_its_own_id(http):
    assert http.get("/healthz")["X-Request-ID"] != http.get("/healthz")["X-Request-ID"]


@pytest.mark.parametrize("path", [DATA_URL, TOKEN_URL, "/admin/login/", "/page/inconnue"])
def test_well_formed_incoming_request_id_is_echoed(http, path):
    response = http.post(path, HTTP_X_REQUEST_ID="client-42:lot_7.a-b")

    assert response["X-Request-ID"] == "client-42:lot_7.a-b"


@pytest.mark.parametrize(
    "given",
    [
        "x" * 129,
        "court",
        "espace dedans",
        "accentué-123",
        "abcdefgh\r\nSet-Cookie: x=y",
        "abcdefghij\n",
        "abcdefgh;drop",
        "",
    ],
)
def test_malformed_incoming_request_id_is_replaced(http, given):
    response = http.get("/healthz", HTTP_X_REQUEST_ID=given)

    assert response.status_code == 200
    assert est_genere(response["X-Request-ID"])


def test_request_id_in_problem_body_matches_the_header(http):
    response = http.post(DATA_URL, data="{}", content_type="application/json", HTTP_X_REQUEST_ID="trace-0123456789")

    assert response.json()["requestId"] == response["X-Request-ID"] == "trace-0123456789"
