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


# --- every example is true: sent to the running service, it gets the answer the document gives ----------


@pytest.fixture
def bac_a_sable() -> None:
    from django.core.management import call_command

    call_command("demo_charger", verbosity=0)


def test_every_request_example_gets_the_documented_answer(live_server, bac_a_sable):
    import httpx

    from indemnites.oauth.services import CLIENTS_SANDBOX

    client = CLIENTS_SANDBOX[0]
    with httpx.Client(base_url=live_server.url, timeout=10) as http:
        document = http.get("/api/openapi.json").json()
        operation = document["paths"][DATA_URL]["post"]
        jeton = http.post(
            "/connexion/oauth2/access_token?realm=/partenaire",
            data={
                "grant_type": "client_credentials",
                "client_id": client.client_id,
                "client_secret": client.client_secret,
                "scope": "api_indemnisationsv1",
            },
        ).json()["access_token"]
        exemples = operation["requestBody"]["content"]["application/json"]["examples"]
        assert len(exemples) >= 3
        for nom, exemple in exemples.items():
            statut = re.search(r"Réponse (\d{3})", exemple["description"]).group(1)
            reponse = http.post(DATA_URL, json=exemple["value"], headers={"Authorization": f"Bearer {jeton}"})

            assert reponse.status_code == int(statut), (nom, reponse.text)
            # Asked without `Accept: application/jwt`: the JSON (or problem+json) form the document gives.
            contenus = operation["responses"][statut]["content"]
            assert reponse.headers["Content-Type"] in contenus, nom
            contenu = contenus[reponse.headers["Content-Type"]]
            if statut == "200":
                assert reponse.json() == contenu["example"], nom
            else:
                assert reponse.json()["code"] == contenu["example"]["code"], nom


def test_every_error_answer_of_every_route_is_problem_json(document):
    for chemin, item in document["paths"].items():
        for methode, operation in item.items():
            for statut, reponse in operation["responses"].items():
                if int(statut) >= 400:
                    assert list(reponse.get("content", {})) == ["application/problem+json"], (chemin, methode, statut)


def test_userinfo_schema_parameter_is_a_closed_set(document):
    [parametre] = document["paths"]["/partenaire/peconnect-individu/v1/userinfo"]["get"]["parameters"]

    assert parametre["name"] == "schema"
    assert parametre["schema"]["enum"] == ["openid"]
