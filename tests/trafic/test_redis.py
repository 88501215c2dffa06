"""Counters in Redis: shared by processes; unreachable, the limits open and the journal still holds."""

import logging
import os
import time

import pytest
from django.db import DatabaseError, connection
from prometheus_client import REGISTRY

from indemnites.journal.models import Enregistrement
from indemnites.trafic.storage import CompteursRedis, Personnes, Quota
from tests.conftest import TOKEN_URL

INJOIGNABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused at once


def echecs_comptes(raison):
    return REGISTRY.get_sample_value("indemnites_ratelimit_fail_open_total", {"reason": raison}) or 0


@pytest.fixture
def redis_injoignable(settings):
    settings.REDIS_URL = INJOIGNABLE


@pytest.mark.usefixtures("redis_injoignable")
def test_requests_get_answers_when_redis_is_unreachable(client_quota, consulter, demandeur, caplog):
    avant = echecs_comptes("storage_error")
    demandeur()

    with caplog.at_level(logging.ERROR, logger="indemnites.trafic"):
        _, token = client_quota(quota=1)
        reponses = [consulter(token) for _ in range(3)]

    assert [r.status_code for r in reponses] == [200, 200, 200]  # a quota of 1, but nothing is counted
    alertes = [r for r in caplog.records if r.name == "indemnites.trafic" and r.levelno == logging.ERROR]
    assert len(alertes) == 1  # once, then Redis rests for TRAFIC_REDIS_PAUSE_SECONDES
    assert "injoignables" in alertes[0].getMessage()
    assert echecs_comptes("storage_error") == avant + 1
    # Nothing was counted: the answers claim no quota (no RateLimit header at all).
    assert not [nom for nom in reponses[-1].headers if nom.lower().startswith("ratelimit")]


@pytest.mark.usefixtures("redis_injoignable")
def test_every_request_served_without_limit_is_counted(client_quota, consulter):
    _, token = client_quota()
    avant = echecs_comptes("storage_error") + echecs_comptes("storage_paused")

    consulter(token), consulter(token)

    # each call is counted against its address, then its client (quota and persons, one round trip): all open
    assert echecs_comptes("storage_error") + echecs_comptes("storage_paused") == avant + 4


@pytest.mark.usefixtures("redis_injoignable")
def test_redis_is_tried_again_after_the_pause(client_quota, consulter, settings, caplog):
    settings.TRAFIC_REDIS_PAUSE_SECONDES = 0
    _, token = client_quota()
    caplog.clear()

    with caplog.at_level(logging.ERROR, logger="indemnites.trafic"):
        consulter(token)

    assert len([r for r in caplog.records if r.name == "indemnites.trafic"]) == 2  # address, then client


@pytest.mark.usefixtures("redis_injoignable")
def test_the_token_endpoint_still_answers(http, partenaire, settings):
    settings.TRAFIC_LIMITE_JETON = "1/minute"
    client = partenaire()
    corps = {
        "grant_type": "client_credentials",
        "client_id": client.application.client_id,
        "client_secret": client.client_secret,
        "scope": "api_indemnisationsv1",
    }

    assert [http.post(TOKEN_URL, corps).status_code for _ in range(3)] == [200, 200, 200]


@pytest.mark.usefixtures("redis_injoignable")
def test_the_journal_never_fails_open(client_quota, consulter, demandeur):
    demandeur()
    _, token = client_quota()
    table = Enregistrement._meta.db_table

    def journal_en_panne(execute, sql, params, many, context):
        if "INSERT INTO " + table in sql:  # on PostgreSQL, inside a WITH … INSERT
            raise DatabaseError("disque plein")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(journal_en_panne):
        reponse = consulter(token)

    assert reponse.status_code == 503
    assert reponse.json()["code"] == "journal-indisponible"
    assert "beneficiaireAssuranceChomage" not in reponse.content.decode()


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL absent : compteurs en mémoire du processus")
def test_two_processes_share_the_counts_in_redis(settings):
    # Two counters built as two workers or instances build them: same Redis, same prefix.
    premier, second = (
        CompteursRedis(settings.REDIS_URL, prefixe=settings.TRAFIC_PREFIXE_CLES, delai=1.0) for _ in range(2)
    )
    quota = Quota(cle="client:partage", quota=3, fenetre=60)

    def personne(membre):
        return Personnes(cle="personnes:partage", membre=membre, plafond=2, duree=60)

    resultats = [
        premier.client_compter(quota, personne("a")),
        second.client_compter(quota, personne("b")),
        premier.client_compter(quota, personne("c")),  # a third person: over the threshold of 2
        second.client_compter(quota, personne("a")),  # over the quota of 3: not counted as a person
    ]

    assert [(consommes, accepte) for consommes, _, accepte in resultats] == [
        (1, True),
        (2, True),
        (3, False),
        (4, True),
    ]
    assert all(time.time() < fin <= time.time() + 60 for _, fin, _ in resultats)
