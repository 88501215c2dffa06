"""The OpenAPI document tells both data routes answer `application/jwt` on demand, with an example proof
that decodes, the salt header, and the 406."""

import base64
import json

import pytest

from tests.conftest import DATA_URL
from tests.oauth.outils import INDEMNISATION_URL

ROUTES = [(DATA_URL, "post"), (INDEMNISATION_URL, "get")]


@pytest.fixture
def document(http) -> dict:
    return http.get("/api/openapi.json").json()


@pytest.mark.parametrize(("chemin", "methode"), ROUTES)
def test_both_formats_with_examples(document, chemin, methode):
    succes = document["paths"][chemin][methode]["responses"]["200"]

    assert succes["content"]["application/json"]["example"]
    exemple = succes["content"]["application/jwt"]["example"]
    contenu = exemple.split(".")[1]
    revendications = json.loads(base64.urlsafe_b64decode(contenu + "=" * (-len(contenu) % 4)))
    assert {"iss", "iat", "jti", "aud", "recipient", "dateReference", "empreinteIdentite"} <= set(revendications)
    assert "X-Preuve-Sel" in succes["headers"]


@pytest.mark.parametrize(("chemin", "methode"), ROUTES)
def test_406_is_documented(document, chemin, methode):
    refus = document["paths"][chemin][methode]["responses"]["406"]

    assert refus["content"]["application/problem+json"]["example"]["code"] == "format-non-acceptable"
