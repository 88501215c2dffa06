"""The year-of-data builder (bench/jeu_annee.py) at a tiny scale: the chain it writes verifies with the service's
own verifier and checkpoints, and the persons it writes are found by the data call, by identifiant and by NIR."""

import sys
from pathlib import Path

import pytest
from django.db import connection

from indemnites.journal.domain import ACCES
from indemnites.journal.models import Enregistrement
from indemnites.journal.selectors import journal_verifier
from tests.conftest import DATA_URL, SIRET_DESTINATAIRE

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import jeu_annee  # bench/ holds scripts, not a package


@pytest.fixture
def jeu(partenaire, jeton):
    if connection.vendor != "postgresql":
        pytest.skip("le jeu d'une année se construit sur PostgreSQL seulement (COPY, index recréés)")
    client = partenaire()
    manifeste = jeu_annee.remplir(echelle=0.0001, lourd=50)
    return manifeste, jeton(client)


def appeler(http, jeton, **identite):
    return http.post(
        DATA_URL,
        {**identite, "recipient": SIRET_DESTINATAIRE},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {jeton}",
    )


def test_the_chain_verifies_with_a_checkpoint_per_day(jeu):
    manifeste, _ = jeu

    rapport = journal_verifier(journal=ACCES)

    assert rapport.integre, rapport.anomalies[:3]
    assert rapport.verifies == manifeste["enregistrements"] == Enregistrement.objects.count()
    assert rapport.points_valides == manifeste["points_de_controle"] >= 364


def test_records_are_in_time_order_with_a_heavy_subject(jeu):
    manifeste, _ = jeu
    instants = list(Enregistrement.objects.order_by("rang").values_list("horodatage", flat=True))

    assert instants == sorted(instants)
    assert (instants[-1] - instants[0]).days == 364
    assert Enregistrement.objects.filter(sujet=manifeste["sujet_lourd"]).count() == 50


def test_the_data_call_finds_the_persons_by_identifiant_and_by_nir(jeu, http):
    manifeste, jeton = jeu
    numero, naissance, _ = jeu_annee.nir(123)
    avant = Enregistrement.objects.count()

    par_identifiant = appeler(http, jeton, identifiant=manifeste["identifiant_lourd"])
    par_nir = appeler(http, jeton, nir=numero, dateNaissance=naissance.isoformat())

    assert (par_identifiant.status_code, par_nir.status_code) == (200, 200)
    nouveaux = Enregistrement.objects.filter(id__gt=manifeste["enregistrements"]).order_by("id")
    assert Enregistrement.objects.count() == avant + 2
    assert [e.sujet for e in nouveaux] == [manifeste["sujet_lourd"], jeu_annee.pseudonyme(123)]
