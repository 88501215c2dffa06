"""The per-client quota of the server-to-server route, and the headers of every API response."""

import time

from indemnites.journal.models import Enregistrement

IANA = "https://iana.org/assignments/http-problem-types#"


def test_a_client_gets_its_habilitation_quota_then_429_quota_exceeded(client_quota, consulter, demandeur):
    demandeur()
    _, token = client_quota(quota=3)

    statuts = [consulter(token).status_code for _ in range(4)]
    refus = consulter(token)

    assert statuts == [200, 200, 200, 429]
    assert refus.status_code == 429
    assert refus["Content-Type"] == "application/problem+json"
    probleme = refus.json()
    assert probleme["code"] == "quota-exceeded"
    assert probleme["type"] == IANA + "quota-exceeded"
    assert probleme["violated-policies"] == ["client"]
    assert probleme["status"] == 429
    assert probleme["requestId"] == refus["X-Request-ID"]


def test_the_default_quota_applies_when_the_habilitation_sets_none(client_quota, consulter, settings):
    settings.TRAFIC_QUOTA_CLIENT_PAR_SECONDE = 2
    _, token = client_quota(quota=0)

    assert [consulter(token).status_code for _ in range(3)] == [404, 404, 429]


def test_retry_after_is_the_end_of_the_window_and_the_quota_comes_back_after_it(client_quota, consulter, demandeur):
    demandeur()
    _, token = client_quota(quota=2)
    consulter(token), consulter(token)

    refus = consulter(token)
    attente = int(refus["Retry-After"])
    time.sleep(attente)

    assert attente == 1  # a one-second window: never 0, never past its end
    assert refus.json()["retryAfter"] == attente
    assert consulter(token).status_code == 200


def test_a_longer_window_multiplies_the_quota_and_retry_after_follows_it(client_quota, consulter, settings):
    settings.TRAFIC_FENETRE_CLIENT_SECONDES = 30
    _, token = client_quota(quota=1)

    statuts = [consulter(token).status_code for _ in range(31)]
    refus = consulter(token)

    assert statuts.count(404) == 30
    assert 29 <= int(refus["Retry-After"]) <= 30
    assert refus["RateLimit-Policy"].startswith('"ip";q=1000;w=60, "client";q=30;w=30')


def test_one_client_over_its_quota_does_not_limit_another(client_quota, consulter):
    _, premier = client_quota(quota=1)
    _, second = client_quota(quota=1)
    consulter(premier)

    assert consulter(premier).status_code == 429
    assert consulter(second).status_code == 404


def test_success_responses_carry_the_ietf_and_legacy_headers(client_quota, consulter, demandeur):
    demandeur()
    _, token = client_quota(quota=5)

    reponse = consulter(token)

    assert reponse.status_code == 200
    assert reponse["RateLimit-Policy"] == '"ip";q=1000;w=60, "client";q=5;w=1'
    # the address already spent one request on the token
    assert reponse["RateLimit"] == '"ip";r=998;t=60, "client";r=4;t=1'
    assert reponse["RateLimit-Limit"] == "5"
    assert reponse["RateLimit-Remaining"] == "4"
    assert time.time() < int(reponse["RateLimit-Reset"]) <= time.time() + 2


def test_refusals_carry_the_headers_with_nothing_remaining(client_quota, consulter):
    _, token = client_quota(quota=1)
    consulter(token)

    refus = consulter(token)

    assert '"client";r=0;t=1' in refus["RateLimit"]
    assert refus["RateLimit-Remaining"] == "0"
    assert int(refus["RateLimit-Reset"]) >= time.time()
    # Reset is the window's end rounded up to the second: retrying after Retry-After is past it
    assert time.time() + int(refus["Retry-After"]) > int(refus["RateLimit-Reset"]) - 1
    assert "WWW-Authenticate" not in refus


def test_every_api_response_carries_the_headers_even_before_authentication(http):
    sans_jeton = http.post("/partenaire/indemnisations/v1/indemnisation", data="{}", content_type="application/json")
    document = http.get("/api/openapi.json")

    assert sans_jeton.status_code == 401
    for reponse in (sans_jeton, document):
        assert reponse["RateLimit-Policy"] == '"ip";q=1000;w=60'
        assert reponse["RateLimit-Limit"] == "1000"


def test_a_429_is_journaled_as_a_refusal_without_data(client_quota, consulter, demandeur):
    demandeur()
    client, token = client_quota(quota=1)
    consulter(token)

    refus = consulter(token)

    enregistrement = Enregistrement.objects.get(request_id=refus["X-Request-ID"])
    assert (enregistrement.statut, enregistrement.resultat) == (429, "quota-exceeded")
    assert enregistrement.client_id == client.application.client_id
    assert enregistrement.champs == ""


def test_limits_can_be_switched_off_by_the_operator(client_quota, consulter, settings):
    settings.TRAFIC_LIMITES_ACTIVES = False
    _, token = client_quota(quota=1)

    reponses = [consulter(token) for _ in range(3)]

    assert [r.status_code for r in reponses] == [404, 404, 404]
    assert "RateLimit" not in reponses[-1]
