"""The routes of the PE Connect APIs this service does not serve answer a documented 404 problem
`api-non-servie` naming the API, never a framework page, whatever the token."""

import pytest

from indemnites.oauth.domain import APIS_NON_SERVIES

ROUTES = {
    "/partenaire/peconnect-coordonnees/v1/coordonnees": "Coordonnées v1",
    "/partenaire/peconnect-statut/v1/statut": "Statut v1",
    "/partenaire/peconnect-datenaissance/v1/etat-civil": "Date de naissance v1",
    "/partenaire/peconnect-formations/v1/formations": "Formations v1",
    "/partenaire/peconnect-experiences/v1/experiences": "Expériences v1",
    "/partenaire/peconnect-experiencesprofessionellesdeclareesparlemployeur/v1/experiences": (
        "Expériences déclarées par l'employeur v1"
    ),
    "/partenaire/peconnect-competences/v2/competences": "Compétences v2",
}


@pytest.mark.parametrize(("route", "nom"), ROUTES.items())
def test_an_unserved_pe_connect_api_answers_api_non_servie(http, route, nom):
    reponse = http.get(route, HTTP_AUTHORIZATION="Bearer un-jeton-quelconque")

    assert reponse.status_code == 404
    assert reponse["Content-Type"] == "application/problem+json"
    corps = reponse.json()
    assert corps["code"] == "api-non-servie"
    assert corps["api"] == nom
    assert nom in corps["detail"]


def test_every_unserved_api_is_in_the_openapi_document(http):
    document = http.get("/api/openapi.json").json()

    for api in APIS_NON_SERVIES:
        operation = document["paths"][f"/partenaire/{api.prefixe}/{{chemin}}"]["get"]
        assert "404" in operation["responses"]
        assert "api-non-servie" in operation["description"]
