"""Signed checkpoints: `manage.py journal_checkpoint` signs each journal's head with the Ed25519 key, after
checking what was written since the previous one; the public key is published at /journal/cle-publique."""

import base64
import json
import threading
from io import StringIO

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from indemnites.journal import domain
from indemnites.journal.models import Enregistrement, PointDeControle
from indemnites.journal.services import action_enregistrer, scellement
from tests.journal.conftest import TABLE, ecrire, sql


def signer(*args: str) -> list[dict]:
    sortie = StringIO()
    call_command("journal_checkpoint", *args, stdout=sortie, stderr=StringIO())
    return [json.loads(ligne) for ligne in sortie.getvalue().splitlines()]


def test_the_head_is_signed_and_the_signature_verifies_with_the_published_key(http):
    ecrire(4)

    (point,) = signer("--journal", "acces")

    assert (point["journal"], point["numero"], point["rang"]) == ("acces", 1, 4)
    assert point["empreinte"] == Enregistrement.objects.get(rang=4).empreinte
    reponse = http.get("/journal/cle-publique")
    assert reponse.status_code == 200
    assert reponse["Content-Type"].startswith("text/plain")
    cle = serialization.load_pem_public_key(reponse.content)
    message = domain.point_de_controle_message("acces", 1, 4, point["empreinte"], point["horodatage"])
    cle.verify(base64.b64decode(point["signature"]), message)  # raises if it does not verify
    assert reponse["X-Cle-Empreinte"] == point["cle"]


def test_both_journals_are_signed_and_an_unchanged_head_is_not_signed_twice():
    ecrire(2)
    action_enregistrer(acteur="test", action="essai")

    assert [p["journal"] for p in signer()] == ["acces", "administratif"]
    assert signer() == []
    ecrire(1)
    assert [(p["journal"], p["numero"], p["rang"]) for p in signer()] == [("acces", 2, 3)]
    assert PointDeControle.objects.count() == 3


def test_a_checkpoint_is_written_to_the_log_for_safekeeping(caplog):
    ecrire(1)

    with caplog.at_level("INFO", logger="indemnites.journal.points_de_controle"):
        (point,) = signer("--journal", "acces")

    (ligne,) = [r.getMessage() for r in caplog.records if r.name == "indemnites.journal.points_de_controle"]
    assert domain.ancre_lire(json.dumps({"message": ligne})) == domain.PointDeControle(**point)


def test_a_tampered_journal_is_not_signed():
    ecrire(3)
    sql(f"UPDATE {TABLE} SET reference_dossier = 'falsifié' WHERE rang = 2")

    with pytest.raises(CommandError, match="altéré au n° 2"):
        signer("--journal", "acces")

    assert not PointDeControle.objects.exists()


def test_only_the_records_since_the_previous_checkpoint_are_checked_before_signing():
    ecrire(3)
    signer("--journal", "acces")
    ecrire(2)
    sql(f"UPDATE {TABLE} SET reference_dossier = 'falsifié' WHERE rang = 5")

    with pytest.raises(CommandError, match="altéré au n° 5"):
        signer("--journal", "acces")


def test_without_a_signing_key_nothing_is_signed_and_no_key_is_published(http):
    ecrire(1)

    with override_settings(JOURNAL_SIGNING_KEY=""), pytest.raises(CommandError, match="JOURNAL_SIGNING_KEY"):
        signer()
    with override_settings(JOURNAL_SIGNING_KEY=""):
        assert http.get("/journal/cle-publique").status_code == 404


def test_checkpoints_of_a_previous_key_still_verify_when_it_is_listed(verifier):
    ecrire(2)
    signer("--journal", "acces")
    ancienne = domain.cle_privee_lire(settings.JOURNAL_SIGNING_KEY).public_key()
    brute = base64.b64encode(ancienne.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
    nouvelle = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )

    with override_settings(JOURNAL_SIGNING_KEY=nouvelle.decode()):
        assert verifier()[0] is False  # after a rotation, the previous key is not trusted by itself
        with override_settings(JOURNAL_PUBLIC_KEYS=[brute.decode()]):
            assert verifier()[0] is True
    assert PointDeControle.objects.get().cle == domain.cle_empreinte(ancienne)


def test_the_background_round_seals_and_signs_the_heads_that_moved():
    ecrire(2, sceller=False)

    scellement.fond_executer(signer=True)

    assert list(Enregistrement.objects.values_list("rang", flat=True)) == [1, 2]
    assert PointDeControle.objects.get().rang == 2


def test_the_background_round_logs_a_missing_key_and_still_seals(caplog):
    ecrire(1, sceller=False)

    with override_settings(JOURNAL_SIGNING_KEY=""), caplog.at_level("ERROR"):
        scellement.fond_executer(signer=True)

    assert "JOURNAL_SIGNING_KEY" in caplog.text
    assert not PointDeControle.objects.exists()
    assert Enregistrement.objects.get().rang == 1


def test_the_background_thread_starts_once_per_process(monkeypatch):
    demarres = []
    monkeypatch.setattr(scellement, "_demarre", False)
    monkeypatch.setattr(scellement, "_boucle", lambda: demarres.append(True))

    scellement.fond_demarrer()
    scellement.fond_demarrer()
    for thread in threading.enumerate():
        if thread.name == "journal-scellement":
            thread.join(timeout=5)

    assert demarres == [True]
