"""The journal notes a proof in the sealed chain: an auditor recomputes the fingerprints from a JSON Lines
export, and flipping the flag afterwards is reported."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from indemnites.journal import domain
from tests.journal.conftest import TABLE, ecrire, sql


def exporter() -> list[dict]:
    sortie = StringIO()
    call_command("journal_export", "--format", "jsonl", stdout=sortie, stderr=StringIO())
    return [json.loads(ligne) for ligne in sortie.getvalue().splitlines()]


def test_an_auditor_recomputes_the_chain_with_the_proof_flag_from_an_export():
    ecrire(2)
    ecrire(2, preuve=True)

    lignes = exporter()

    assert [ligne["preuve"] for ligne in lignes] == [False, False, True, True]
    precedente = domain.GENESE
    for ligne in lignes:
        valeurs = [ligne[nom] for nom in domain.CHAMPS[domain.ACCES]]
        empreinte = domain.empreinte_chainer(
            precedente, ligne["rang"], domain.empreinte_contenu(domain.ACCES, valeurs)
        )
        assert empreinte == ligne["empreinte"]
        precedente = empreinte


def test_a_flag_changed_after_sealing_is_reported():
    ecrire(3, preuve=True)

    sql(f"UPDATE {TABLE} SET preuve = %s WHERE rang = 2", [False])

    sortie = StringIO()
    with pytest.raises(CommandError, match="Journal altéré"):
        call_command("journal_verify", stdout=sortie, stderr=sortie)
    assert "n° 2 [" in sortie.getvalue()
