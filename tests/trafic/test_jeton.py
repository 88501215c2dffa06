"""The stricter limit of the token endpoint: per address and per client_id, RFC 6749 error JSON."""

import base64

import pytest

from tests.conftest import TOKEN_URL


@pytest.fixture(autouse=True)
def limite_jeton(settings):
    settings.TRAFIC_LIMITE_JETON = "3/minute"


def demander(http, client, secret=None, **extra):
    corps = {"grant_type": "client_credentials", "scope": "api_indemnisationsv1"}
    if "HTTP_AUTHORIZATION" not in extra:
        corps |= {"client_id": client.application.client_id, "client_secret": secret or client.client_secret}
    return http.post(TOKEN_URL, corps, **extra)


def test_the_token_endpoint_answers_429_slow_down_past_its_limit(http, partenaire):
    client = partenaire()

    statuts = [demander(http, client).status_code for _ in range(3)]
    refus = demander(http, client)

    assert statuts == [200, 200, 200]
    assert refus.status_code == 429
    assert refus["Content-Type"] == "application/json"
    assert refus.json()["error"] == "slow_down"
    assert "3 requêtes par 60 s" in refus.json()["error_description"]
    assert 1 <= int(refus["Retry-After"]) <= 60
    assert refus["Cache-Control"] == "no-store"
    assert '"jeton";r=0' in refus["RateLimit"]


def test_failed_attempts_count_too(http, partenaire):
    client = partenaire()

    statuts = [demander(http, client, secret="mauvais-secret").status_code for _ in range(4)]

    assert statuts == [401, 401, 401, 429]


def test_one_client_id_is_limited_across_addresses(http, partenaire):
    client = partenaire()
    for rang in range(3):
        demander(http, client, REMOTE_ADDR=f"192.0.2.{rang}")

    depuis_ailleurs = demander(http, client, REMOTE_ADDR="192.0.2.200")
    autre_client = demander(http, partenaire(), REMOTE_ADDR="192.0.2.201")

    assert depuis_ailleurs.status_code == 429
    assert autre_client.status_code == 200


def test_the_client_id_of_http_basic_is_counted(http, partenaire):
    client = partenaire()
    identifiants = f"{client.application.client_id}:{client.client_secret}".encode()
    basic = "Basic " + base64.b64encode(identifiants).decode()
    for rang in range(3):
        demander(http, client, HTTP_AUTHORIZATION=basic, REMOTE_ADDR=f"192.0.2.{rang}")

    assert demander(http, client, HTTP_AUTHORIZATION=basic, REMOTE_ADDR="192.0.2.99").status_code == 429


def test_an_address_is_limited_across_client_ids(http, partenaire):
    for _ in range(3):
        demander(http, partenaire())

    assert demander(http, partenaire()).status_code == 429
