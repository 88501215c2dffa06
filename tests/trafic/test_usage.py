"""Abnormal usage: more distinct persons a day than the habilitation's expected volume allows."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from indemnites.journal.models import Enregistrement
from indemnites.trafic.models import AlerteUsage
from indemnites.trafic.selectors import alertes_ouvertes


@pytest.fixture(autouse=True)
def marge(settings):
    settings.TRAFIC_MARGE_VOLUME = 1.5  # a volume of 2 lets 3 distinct persons through


def personne(rang):
    return {"identifiant": f"personne.{rang}"}


def test_a_client_past_its_daily_distinct_persons_gets_429_abnormal_usage(client_quota, consulter):
    client, token = client_quota(volume=2)

    statuts = [consulter(token, personne(rang)).status_code for rang in range(3)]
    refus = consulter(token, personne(3))

    assert statuts == [404, 404, 404]  # unknown persons count too: scraping guesses identifiers
    assert refus.status_code == 429
    assert refus["Content-Type"] == "application/problem+json"
    assert refus.json()["code"] == "abnormal-usage-detected"
    assert refus.json()["type"] == "https://iana.org/assignments/http-problem-types#abnormal-usage-detected"
    assert refus.json()["violated-policies"] == ["personnes-par-jour"]
    demain = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    assert abs(int(refus["Retry-After"]) - (demain - timezone.localtime()).total_seconds()) <= 2
    assert "RateLimit" in refus


def test_persons_already_asked_about_today_stay_available(client_quota, consulter, demandeur):
    demandeur(identifiant="jean.are")
    _, token = client_quota(volume=2)
    consulter(token, {"identifiant": "jean.are"})
    consulter(token, personne(1)), consulter(token, personne(2))
    consulter(token, personne(3))

    assert consulter(token, {"identifiant": "jean.are"}).status_code == 200
    assert consulter(token, personne(4)).status_code == 429


def test_an_alert_is_recorded_once_a_day_for_instructors_and_every_refusal_counted(client_quota, consulter):
    client, token = client_quota(volume=2)
    for rang in range(6):
        consulter(token, personne(rang))

    alerte = alertes_ouvertes().get()

    assert alerte.client_id == client.application.client_id
    assert alerte.jour == timezone.localdate()
    assert (alerte.seuil, alerte.volume_journalier, alerte.refus) == (3, 2, 3)


def test_the_refusal_is_journaled(client_quota, consulter):
    _, token = client_quota(volume=2)
    for rang in range(3):
        consulter(token, personne(rang))

    refus = consulter(token, personne(3))

    enregistrement = Enregistrement.objects.get(request_id=refus["X-Request-ID"])
    assert (enregistrement.statut, enregistrement.resultat) == (429, "abnormal-usage-detected")


def test_identities_by_nir_count_as_persons(client_quota, consulter):
    _, token = client_quota(volume=1)  # threshold: 2
    consulter(token, {"nir": "185057800608491", "dateNaissance": "1985-05-12"})
    consulter(token, {"nir": "290067505612303", "dateNaissance": "1990-06-03"})

    assert consulter(token, {"nir": "185057800608491", "dateNaissance": "1985-05-12"}).status_code == 404
    assert consulter(token, {"nir": "172031305504748", "dateNaissance": "1972-03-21"}).status_code == 429


def test_without_an_expected_volume_the_default_applies(client_quota, consulter, settings):
    settings.TRAFIC_VOLUME_JOURNALIER_DEFAUT = 2
    _, token = client_quota(volume=None)

    statuts = [consulter(token, personne(rang)).status_code for rang in range(4)]

    assert statuts == [404, 404, 404, 429]


def test_the_count_starts_again_the_next_day(client_quota, consulter, jeton):
    client, token = client_quota(volume=1)
    maintenant = timezone.localtime()
    with time_machine.travel(maintenant, tick=True):
        for rang in range(3):
            consulter(token, personne(rang))
    with time_machine.travel(maintenant + timedelta(days=1), tick=True):
        assert consulter(jeton(client), personne(9)).status_code == 404


def test_clients_are_counted_apart(client_quota, consulter):
    _, premier = client_quota(volume=1)
    _, second = client_quota(volume=1)
    for rang in range(3):
        consulter(premier, personne(rang))

    assert consulter(second, personne(0)).status_code == 404
    assert AlerteUsage.objects.count() == 1


@pytest.mark.parametrize(
    ("identite", "champ"),
    [({"identifiant": "\ud800"}, "identifiant"), ({"nir": "\ud800", "dateNaissance": "1985-05-12"}, "nir")],
)
def test_an_identity_that_is_not_valid_unicode_is_a_422_not_counted(client_quota, consulter, identite, champ):
    # Counting distinct persons reads the body before validation: invalid Unicode must reach validation.
    _, jeton = client_quota()

    reponse = consulter(jeton, identite)

    assert reponse.status_code == 422, reponse.content
    assert champ in {erreur["champ"] for erreur in reponse.json()["errors"]}
