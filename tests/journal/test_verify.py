"""`manage.py journal_verify` on the real database: an untouched journal always verifies; a journal tampered
with through SQL is reported, with the number of the record where it happened."""

import json
import re
from datetime import UTC, datetime
from io import StringIO

from django.core.management import call_command
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indemnites.journal.models import Enregistrement, PointDeControle
from indemnites.journal.selectors import point_de_controle_domaine
from indemnites.journal.services import point_de_controle_creer
from tests.journal.conftest import TABLE, TETE, ecrire, sql, vider

EXEMPLES = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
COLONNES = ["horodatage", "request_id", "mode", "client_id", "habilitation", "destinataire", "sujet", "champs"]
COLONNES += ["resultat", "statut", "reference_dossier", "empreinte_requete", "preuve", "empreinte_precedente"]
COLONNES += ["empreinte"]


def numeros_signales(sortie: str) -> list[int]:
    return [int(n) for n in re.findall(r"^\s+n° (\d+) \[", sortie, flags=re.MULTILINE)]


def signale_au(verifier, rang: int) -> str:
    intact, sortie = verifier()
    assert not intact, sortie
    assert "Journal altéré" in sortie
    assert numeros_signales(sortie)[0] == rang, sortie
    return sortie


def decaler(depuis: int) -> None:
    """Moves records n° `depuis`… one number up (in two steps: numbers are unique)."""
    sql(f"UPDATE {TABLE} SET rang = rang + 1000000 WHERE rang >= %s", [depuis])
    sql(f"UPDATE {TABLE} SET rang = rang - 999999 WHERE rang >= 1000000")


@EXEMPLES
@given(st.integers(1, 12))
def test_an_untouched_journal_always_verifies(verifier, nombre):
    vider()
    ecrire(nombre)

    intact, sortie = verifier()

    assert intact, sortie
    assert f"{nombre} enregistrement(s) vérifié(s) (n° 1 à {nombre})" in sortie
    assert "Intègre." in sortie


@EXEMPLES
@given(st.integers(1, 12), st.data())
def test_an_edited_field_is_reported_with_its_number(verifier, nombre, data):
    vider()
    ecrire(nombre)
    rang = data.draw(st.integers(1, nombre))
    colonne = data.draw(st.sampled_from(COLONNES))
    valeur = {
        "statut": 418,
        "preuve": True,  # the records written carry no proof
        "horodatage": connection.ops.adapt_datetimefield_value(datetime(2020, 1, 1, tzinfo=UTC)),
        "empreinte": bytes(32),  # fingerprints are stored as 32 bytes
        "empreinte_precedente": b"\xff" * 32,
        "empreinte_requete": bytes.fromhex("cd" * 32),
    }.get(colonne, "x")

    sql(f"UPDATE {TABLE} SET {colonne} = %s WHERE rang = %s", [valeur, rang])

    signale_au(verifier, rang)


@EXEMPLES
@given(st.integers(1, 12), st.data())
def test_a_deleted_record_is_reported_with_its_number(verifier, nombre, data):
    vider()
    ecrire(nombre)
    rang = data.draw(st.integers(1, nombre))

    sql(f"DELETE FROM {TABLE} WHERE rang = %s", [rang])

    signale_au(verifier, rang)


@EXEMPLES
@given(st.integers(1, 12), st.data())
def test_an_inserted_record_is_reported_with_its_number(verifier, nombre, data):
    vider()
    ecrire(nombre + 1)
    intrus = Enregistrement.objects.get(rang=nombre + 1)
    sql(f"DELETE FROM {TABLE} WHERE rang = %s", [nombre + 1])  # a well-formed record, moved elsewhere
    sql(f"UPDATE {TETE} SET rang = rang - 1 WHERE journal = 'acces'")
    rang = data.draw(st.integers(1, nombre))

    decaler(rang)
    intrus.pk, intrus.rang = None, rang
    intrus.save()

    signale_au(verifier, rang)


@EXEMPLES
@given(st.integers(2, 12), st.data())
def test_reordered_records_are_reported_at_the_first_one_moved(verifier, nombre, data):
    vider()
    ecrire(nombre)
    i = data.draw(st.integers(1, nombre - 1))
    j = data.draw(st.integers(i + 1, nombre))

    sql(f"UPDATE {TABLE} SET rang = -1 WHERE rang = %s", [i])
    sql(f"UPDATE {TABLE} SET rang = %s WHERE rang = %s", [i, j])
    sql(f"UPDATE {TABLE} SET rang = %s WHERE rang = -1", [j])

    signale_au(verifier, i)


@EXEMPLES
@given(st.integers(2, 12), st.data(), st.booleans())
def test_truncation_after_a_checkpoint_is_reported(verifier, nombre, data, tete_recalee):
    vider()
    ecrire(nombre)
    point_de_controle_creer(journal="acces")
    garde = data.draw(st.integers(1, nombre - 1))

    sql(f"DELETE FROM {TABLE} WHERE rang > %s", [garde])
    if tete_recalee:
        empreinte = Enregistrement.objects.get(rang=garde).empreinte
        sql(f"UPDATE {TETE} SET rang = %s, empreinte = %s WHERE journal = 'acces'", [garde, empreinte])

    sortie = signale_au(verifier, garde + 1)
    assert "tronqué" in sortie


def test_an_external_anchor_reveals_truncation_when_the_checkpoints_were_deleted_too(verifier, tmp_path):
    ecrire(5)
    point = point_de_controle_creer(journal="acces")
    ancre = tmp_path / "points.jsonl"
    ancre.write_text(point_de_controle_domaine(point).en_json() + "\n")
    sql(f"DELETE FROM {TABLE} WHERE rang > 3")
    PointDeControle.objects.all().delete()
    empreinte = Enregistrement.objects.get(rang=3).empreinte
    sql(f"UPDATE {TETE} SET rang = 3, empreinte = %s WHERE journal = 'acces'", [empreinte])

    assert verifier()[0] is True  # what the database alone can still tell
    intact, sortie = verifier("--ancre", str(ancre))
    assert not intact
    assert numeros_signales(sortie) == [4]


def test_a_checkpoint_with_a_broken_signature_is_reported(verifier):
    ecrire(3)
    point = point_de_controle_creer(journal="acces")
    PointDeControle.objects.filter(pk=point.pk).update(signature="QUJD" * 22)

    intact, sortie = verifier()

    assert not intact
    assert "signature invalide" in sortie


def test_verify_covers_both_journals_by_default(verifier):
    ecrire(2)
    sortie = StringIO()

    call_command("journal_verify", stdout=sortie)

    assert "Journal des accès : 2 enregistrement(s)" in sortie.getvalue()
    assert "Journal administratif : 0 enregistrement(s)" in sortie.getvalue()


def test_an_anchor_file_that_is_not_a_checkpoint_is_refused(verifier, tmp_path):
    fichier = tmp_path / "ancre.jsonl"
    fichier.write_text(json.dumps({"signature": "x"}) + "\n")

    intact, sortie = verifier("--ancre", str(fichier))

    assert not intact
    assert "ligne 1" in sortie


def test_verify_only_reads_a_recent_unsealed_record_waits_for_the_sealer(verifier):
    ecrire(2)
    ecrire(1, sceller=False)

    intact, sortie = verifier()

    assert intact, sortie
    assert "1 enregistrement(s) en attente de scellement" in sortie
    assert Enregistrement.objects.filter(rang__isnull=True).count() == 1  # still unsealed: verify never seals


def test_an_unsealed_record_older_than_the_delay_is_an_anomaly_not_sealed(verifier, settings):
    ecrire(2)
    ecrire(1, sceller=False)
    sql(f"UPDATE {TABLE} SET horodatage = %s WHERE rang IS NULL", [datetime(2020, 1, 1, tzinfo=UTC)])

    intact, sortie = verifier()

    assert not intact
    assert "n° 3 [non-scelle]" in sortie
    assert Enregistrement.objects.filter(rang__isnull=True).count() == 1


def test_since_the_last_checkpoint_only_the_records_written_after_it_are_read(verifier):
    ecrire(4)
    point_de_controle_creer(journal="acces")
    ecrire(3)
    sql(f"UPDATE {TABLE} SET reference_dossier = 'MODIFIE' WHERE rang = 2")  # before the checkpoint

    intact, sortie = verifier("--depuis-dernier-point")

    assert intact, sortie
    assert "3 enregistrement(s) vérifié(s) (n° 5 à 7)" in sortie
    assert numeros_signales(verifier()[1]) == [2]  # the full verification still finds it


def test_since_the_last_checkpoint_an_edit_after_it_is_reported(verifier):
    ecrire(4)
    point_de_controle_creer(journal="acces")
    ecrire(3)
    sql(f"UPDATE {TABLE} SET reference_dossier = 'MODIFIE' WHERE rang = 6")

    intact, sortie = verifier("--depuis-dernier-point")

    assert not intact
    assert numeros_signales(sortie) == [6]


def test_since_the_last_checkpoint_a_record_deleted_right_after_it_is_reported(verifier):
    ecrire(4)
    point_de_controle_creer(journal="acces")
    ecrire(3)
    sql(f"DELETE FROM {TABLE} WHERE rang = 5")

    intact, sortie = verifier("--depuis-dernier-point")

    assert not intact
    assert numeros_signales(sortie)[0] == 5


def test_since_the_last_checkpoint_a_forged_newest_one_is_passed_over_for_the_last_valid_one(verifier):
    """A checkpoint whose signature fails is no starting point: the verification starts after the last valid
    one, and says that the forged one does not verify, instead of calling the records before it missing."""
    ecrire(2)
    point_de_controle_creer(journal="acces")
    ecrire(2)
    point_de_controle_creer(journal="acces")
    ecrire(1)
    sql("UPDATE journal_pointdecontrole SET signature = 'AAAA' WHERE rang = 4")

    intact, sortie = verifier("--depuis-dernier-point")

    assert not intact
    assert "3 enregistrement(s) vérifié(s) (n° 3 à 5)" in sortie
    assert "absents" not in sortie


def test_since_the_last_checkpoint_without_one_everything_is_read(verifier):
    ecrire(3)

    intact, sortie = verifier("--depuis-dernier-point")

    assert intact, sortie
    assert "3 enregistrement(s) vérifié(s) (n° 1 à 3)" in sortie


def test_records_read_in_many_batches_are_each_checked_once_in_order(verifier, monkeypatch):
    monkeypatch.setattr("indemnites.journal.selectors.verification.LOT_VERIFICATION", 2)
    ecrire(7)
    intact, sortie = verifier()
    assert intact, sortie
    assert "7 enregistrement(s) vérifié(s) (n° 1 à 7)" in sortie

    sql(f"UPDATE {TABLE} SET reference_dossier = 'MODIFIE' WHERE rang = 6")

    assert numeros_signales(verifier()[1]) == [6]
