"""The overall limit per source address."""

import pytest

from tests.conftest import DATA_URL


@pytest.fixture
def limite_ip(settings):
    settings.TRAFIC_LIMITE_IP_PAR_MINUTE = 3


@pytest.mark.usefixtures("limite_ip")
def test_an_address_over_its_limit_gets_a_429_problem_on_the_api(http):
    statuts = [http.get("/api/openapi.json").status_code for _ in range(3)]

    refus = http.post(DATA_URL, data="{}", content_type="application/json")

    assert statuts == [200, 200, 200]
    assert refus.status_code == 429
    assert refus["Content-Type"] == "application/problem+json"
    assert refus.json()["code"] == "quota-exceeded"
    assert refus.json()["violated-policies"] == ["ip"]
    assert 1 <= int(refus["Retry-After"]) <= 60
    assert refus["RateLimit"].startswith('"ip";r=0;t=')


@pytest.mark.usefixtures("limite_ip")
def test_pages_answer_a_dsfr_page_over_the_limit(http):
    for _ in range(3):
        http.get("/statut")

    refus = http.get("/statut")

    assert refus.status_code == 429
    assert refus["Content-Type"].startswith("text/html")
    assert 1 <= int(refus["Retry-After"]) <= 60
    assert "Trop de tentatives" in refus.content.decode()
    assert 'class="fr-header' in refus.content.decode()


@pytest.mark.usefixtures("limite_ip")
def test_each_address_has_its_own_count(http):
    for _ in range(4):
        http.get("/api/openapi.json", REMOTE_ADDR="192.0.2.1")

    assert http.get("/api/openapi.json", REMOTE_ADDR="192.0.2.1").status_code == 429
    assert http.get("/api/openapi.json", REMOTE_ADDR="192.0.2.2").status_code == 200


@pytest.mark.usefixtures("limite_ip")
def test_ipv6_addresses_of_one_64_network_share_a_count(http):
    for suffixe in range(1, 4):
        http.get("/api/openapi.json", REMOTE_ADDR=f"2001:db8:0:1::{suffixe}")

    assert http.get("/api/openapi.json", REMOTE_ADDR="2001:db8:0:1::99").status_code == 429
    assert http.get("/api/openapi.json", REMOTE_ADDR="2001:db8:0:2::1").status_code == 200


@pytest.mark.usefixtures("limite_ip")
def test_x_forwarded_for_counts_only_behind_a_trusted_proxy(http, settings):
    for rang in range(4):
        http.get("/api/openapi.json", HTTP_X_FORWARDED_FOR=f"198.51.100.{rang}")
    ignore = http.get("/api/openapi.json", HTTP_X_FORWARDED_FOR="198.51.100.200")

    settings.TRAFIC_NOMBRE_PROXYS = 1
    derriere_le_proxy = http.get("/api/openapi.json", HTTP_X_FORWARDED_FOR="198.51.100.200")

    assert ignore.status_code == 429  # the header is the caller's word: the peer address counts
    assert derriere_le_proxy.status_code == 200


@pytest.mark.usefixtures("limite_ip")
@pytest.mark.parametrize("chemin", ["/healthz", "/ping", "/readyz", "/metrics"])
def test_health_and_metrics_are_never_limited(http, chemin):
    reponses = [http.get(chemin) for _ in range(6)]

    assert all(reponse.status_code != 429 for reponse in reponses)
    assert "RateLimit" not in reponses[-1]
