"""The OpenAPI document describes the data route with an example for every answer; the docs pages are local."""

import re

import pytest

from tests.conftest import DATA_URL

STATUTS = {"200", "400", "401", "403", "404", "405", "413", "415", "422", "503"}


@pytest.fixture
def document(http) -> dict:
    response = http.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_document_is_openapi_3_and_lists_the_data_route(document):
    assert document["openapi"].startswith("3.")
    assert "post" in document["paths"][DATA_URL]


def test_every_answer_of_the_data_route_has_an_example(document):
    reponses = document["paths"][DATA_URL]["post"]["responses"]

    assert set(reponses) >= STATUTS
    for statut in STATUTS:
        exemples = [contenu.get("example") for contenu in reponses[statut]["content"].values()]
        assert any(exemples), statut


def test_problem_examples_carry_their_status_and_a_code(document):
    reponses = document["paths"][DATA_URL]["post"]["responses"]

    for statut in STATUTS - {"200"}:
        exemple = reponses[statut]["content"]["application/problem+json"]["example"]
        assert exemple["status"] == int(statut)
        assert exemple["code"]


def test_request_examples_cover_both_identity_keys(document):
    exemples = document["paths"][DATA_URL]["post"]["requestBody"]["content"]["application/json"]["examples"]

    assert {"identifiant", "nir"} <= {cle for exemple in exemples.values() for cle in exemple["value"]}


def test_data_route_declares_bearer_security(document):
    operation = document["paths"][DATA_URL]["post"]
    [schema_name] = operation["security"][0]

    assert document["components"]["securitySchemes"][schema_name]["scheme"] == "bearer"


@pytest.mark.parametrize("page", ["/api/docs", "/api/redoc"])
def test_docs_pages_load_only_local_assets(http, page):
    response = http.get(page)
    html = response.content.decode()

    assert response.status_code == 200
    references = re.findall(r'<(?:script|link)[^>]*?(?:src|href)="([^"]+)"', html)
    assert references
    for reference in references:
        assert not re.match(r"^(https?:)?//", reference), reference
        asset = http.get(reference)
        asset.close()  # WhiteNoise streams the file
        assert asset.status_code == 200, reference
