"""Retention: `manage.py journal_purge` deletes the records older than the retention period, and what
remains still verifies, anchored on the signed checkpoint of the last record deleted."""

from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import override_settings

from indemnites.journal.models import ActionAdministrative, Enregistrement, PointDeControle
from indemnites.journal.services import action_enregistrer, journaux_sceller
from tests.journal.conftest import TABLE, ecrire, sql

AUJOURDHUI = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def ecrire_le(instant: datetime, nombre: int) -> None:
    with time_machine.travel(instant, tick=False):
        ecrire(nombre)


def purger(*args: str) -> str:
    sortie = StringIO()
    with time_machine.travel(AUJOURDHUI, tick=False):
        call_command("journal_purge", *args, stdout=sortie)
    return sortie.getvalue()


@pytest.fixture
def journal_sur_deux_ans() -> None:
    ecrire_le(datetime(2025, 1, 10, tzinfo=UTC), 3)  # past 12 months
    ecrire_le(datetime(2025, 11, 25, 22, 59, tzinfo=UTC), 2)  # 25/11/2025 23:59 in Paris: still past
    ecrire_le(datetime(2025, 11, 25, 23, 1, tzinfo=UTC), 2)  # 26/11/2025 00:01 in Paris: kept
    ecrire_le(datetime(2026, 11, 1, tzinfo=UTC), 3)


def test_records_past_retention_are_deleted_and_the_rest_still_verifies(journal_sur_deux_ans, verifier):
    sortie = purger("--journal", "acces")

    assert "5 enregistrement(s) antérieur(s) au 26/11/2025 00:00" in sortie
    assert list(Enregistrement.objects.values_list("rang", flat=True)) == [6, 7, 8, 9, 10]
    ancre = PointDeControle.objects.get(journal="acces")
    assert (ancre.rang, ancre.empreinte) == (5, Enregistrement.objects.get(rang=6).empreinte_precedente)
    intact, rapport = verifier()
    assert intact, rapport
    assert "(n° 6 à 10)" in rapport


def test_a_purge_by_small_ranges_deletes_the_same_records(journal_sur_deux_ans, verifier):
    sortie = purger("--journal", "acces", "--lot", "2", "--pause", "0")

    assert "5 enregistrement(s) antérieur(s)" in sortie
    assert list(Enregistrement.objects.values_list("rang", flat=True)) == [6, 7, 8, 9, 10]
    intact, rapport = verifier()
    assert intact, rapport


def test_a_range_of_no_record_is_refused(journal_sur_deux_ans):
    with pytest.raises(CommandError, match="lot de suppression"):
        purger("--journal", "acces", "--lot", "0")

    assert Enregistrement.objects.count() == 10


def test_the_purge_is_journaled_and_a_second_one_deletes_nothing(journal_sur_deux_ans):
    purger("--journal", "acces")

    action = ActionAdministrative.objects.get(action="journal_purge")
    assert action.acteur.startswith("commande journal_purge (compte système ")
    assert '"jusqu_au_rang":5' in action.details
    assert '"supprimes":5' in action.details
    assert "rien d'antérieur" in purger("--journal", "acces")
    assert Enregistrement.objects.count() == 5


def test_the_retention_period_comes_from_the_settings(journal_sur_deux_ans):
    with override_settings(JOURNAL_RETENTION_MONTHS=1):
        purger("--journal", "acces")

    assert list(Enregistrement.objects.values_list("rang", flat=True)) == [8, 9, 10]


def test_a_journal_purged_entirely_still_verifies_and_goes_on(verifier):
    ecrire_le(datetime(2024, 3, 1, tzinfo=UTC), 4)

    purger("--journal", "acces")
    assert not Enregistrement.objects.exists()
    assert verifier()[0] is True

    ecrire(2)
    intact, rapport = verifier()
    assert intact, rapport
    assert list(Enregistrement.objects.values_list("rang", flat=True)) == [5, 6]


def test_purges_follow_one_another_on_their_anchors(journal_sur_deux_ans, verifier):
    purger("--journal", "acces")
    with time_machine.travel(datetime(2027, 6, 1, tzinfo=UTC), tick=False):
        call_command("journal_purge", "--journal", "acces", stdout=StringIO())

    assert list(Enregistrement.objects.values_list("rang", flat=True)) == [8, 9, 10]
    assert list(PointDeControle.objects.values_list("rang", flat=True)) == [7]
    assert verifier()[0] is True


def test_a_tampered_journal_is_not_purged(journal_sur_deux_ans):
    sql(f"UPDATE {TABLE} SET sujet = 'quelqu-un-d-autre' WHERE rang = 2")

    with pytest.raises(CommandError, match="altéré au n° 2"):
        purger("--journal", "acces")

    assert Enregistrement.objects.count() == 10


def test_the_administrative_journal_keeps_its_own_retention(verifier):
    with time_machine.travel(datetime(2023, 1, 1, tzinfo=UTC), tick=False):
        action_enregistrer(acteur="x", action="ancienne")
    with time_machine.travel(datetime(2024, 6, 1, tzinfo=UTC), tick=False):
        action_enregistrer(acteur="x", action="recente")

    purger("--journal", "administratif")  # 36 months by default

    assert list(ActionAdministrative.objects.values_list("action", flat=True)) == ["recente", "journal_purge"]
    journaux_sceller()  # the purge's own record, as the sealer would (verifying never seals)
    intact, sortie = verifier("--journal", "administratif")
    assert intact, sortie


def test_a_retention_below_one_month_is_refused(journal_sur_deux_ans):
    with override_settings(JOURNAL_RETENTION_MONTHS=0), pytest.raises(CommandError, match="au moins un mois"):
        purger("--journal", "acces")
