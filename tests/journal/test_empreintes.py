"""The records' fingerprints are stored as 32 bytes (NULL when there is none) and seen as hex by everything
above the storage: the chain, exports, verification. A journal written in hex before the change still
verifies after its migration, checkpoints included."""

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from indemnites.journal import domain
from indemnites.journal.domain import ACCES, CHAMPS, GENESE
from indemnites.journal.models import ActionAdministrative, Enregistrement, PointDeControle, TeteChaine
from indemnites.journal.selectors import cle_signature
from indemnites.journal.services import action_enregistrer, journaux_sceller
from tests.journal.conftest import TABLE, ecrire, sql

AVANT = ("journal", "0005_sans_index_like")
EMPREINTES = ("empreinte_requete", "empreinte_precedente", "empreinte")


def stockees(table: str, colonnes: tuple[str, ...]) -> list[tuple[object, ...]]:
    """The fingerprints as the database holds them, read without the ORM, in record order."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(colonnes)} FROM {table} ORDER BY id")
        return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in ligne) for ligne in cursor.fetchall()]


def test_a_sealed_record_stores_its_fingerprints_as_32_bytes():
    ecrire(2)

    for ligne, enregistrement in zip(stockees(TABLE, EMPREINTES), Enregistrement.objects.all(), strict=True):
        assert [type(v) for v in ligne] == [bytes] * 3
        assert [len(v) for v in ligne] == [32] * 3
        assert [v.hex() for v in ligne] == [getattr(enregistrement, c) for c in EMPREINTES]
    assert stockees(TABLE, ("empreinte_precedente",))[0] == (bytes(32),)  # the origin: 64 zeros in hex


def test_no_fingerprint_is_stored_as_null_and_seen_as_empty():
    ecrire(1, sceller=False, empreinte_requete="")

    assert stockees(TABLE, EMPREINTES) == [(None, None, None)]
    assert Enregistrement.objects.values_list(*EMPREINTES).get() == ("", "", "")


def test_an_administrative_action_stores_its_fingerprints_as_32_bytes():
    action_enregistrer(acteur="test", action="essai")
    table = ActionAdministrative._meta.db_table
    assert stockees(table, EMPREINTES[1:]) == [(None, None)]

    journaux_sceller()

    precedente, empreinte = stockees(table, EMPREINTES[1:])[0]
    assert (precedente, len(empreinte)) == (bytes(32), 32)
    assert ActionAdministrative.objects.get().empreinte == empreinte.hex()


# The exports of `deux_enregistrements` as written when the fingerprints were stored as hex text (checked on
# the commit before: 8551e8d).
PREMIERE = "2cf5bdb82586added1725d763943595dfee9e7ab3427e814901bbd82ecd14171"
SECONDE = "0f0c647aca13a2f0e7a56d4c1f514daf74f5f2b204c250c284efde070b6e393e"
CSV_ATTENDU = (
    "rang,horodatage,request_id,mode,client_id,habilitation,destinataire,sujet,champs,resultat,statut,"
    "reference_dossier,empreinte_requete,preuve,empreinte_precedente,empreinte\r\n"
    "1,2026-03-05T10:00:00.000000Z,requete-000000,partenaire,client-test,,13002526500013,"
    "8d9c1f52-6f39-4c55-9c1a-4d1f3e0e8a11,beneficiaireAssuranceChomage,donnees-transmises,200,DOSSIER-0,,False,"
    f"{GENESE},{PREMIERE}\r\n"
    "2,2026-03-05T10:00:00.000000Z,requete-000000,partenaire,client-test,,13002526500013,"
    "8d9c1f52-6f39-4c55-9c1a-4d1f3e0e8a11,beneficiaireAssuranceChomage,donnees-transmises,200,DOSSIER-0,"
    f"{'ab' * 32},False,{PREMIERE},{SECONDE}\r\n"
)


@pytest.fixture
def deux_enregistrements() -> None:
    """Two records at a fixed instant, the first without a request body (no fingerprint of it)."""
    with time_machine.travel(datetime(2026, 3, 5, 10, 0, tzinfo=UTC), tick=False):
        ecrire(1, empreinte_requete="")
        ecrire(1)


def exporter(*args: str) -> str:
    sortie = StringIO()
    call_command("journal_export", *args, stdout=sortie, stderr=StringIO())
    return sortie.getvalue()


def test_the_csv_export_is_unchanged(deux_enregistrements):
    assert exporter() == CSV_ATTENDU


def test_the_jsonl_export_is_unchanged(deux_enregistrements):
    lignes = [json.loads(ligne) for ligne in exporter("--format", "jsonl").splitlines()]

    assert [(ligne["empreinte_requete"], ligne["empreinte_precedente"], ligne["empreinte"]) for ligne in lignes] == [
        ("", GENESE, PREMIERE),
        ("ab" * 32, PREMIERE, SECONDE),
    ]


def test_a_forged_stored_fingerprint_is_reported(verifier):
    ecrire(3)
    sql(f"UPDATE {TABLE} SET empreinte = %s WHERE rang = 2", [bytes.fromhex("cd" * 32)])

    intact, sortie = verifier()

    assert not intact
    assert re.search(r"^\s+n° 2 \[modifie\]", sortie, flags=re.MULTILINE), sortie


# --- migration of a journal written in hex ---------------------------------------------------------------


def _migrer(cible: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(cible)


def _journal_hex_ecrire(nombre: int) -> list[tuple[str, str, str]]:
    """`nombre` sealed records and one waiting for its seal, written as the code before wrote them (hex
    text, "" for none), chained with the service's own rules; the head and a checkpoint signed over hex."""
    colonnes = ["id", "rang", *CHAMPS[ACCES], "empreinte_precedente", "empreinte"]
    insertion = f"INSERT INTO {TABLE} ({', '.join(colonnes)}) VALUES ({', '.join(['%s'] * len(colonnes))})"
    instant = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)
    precedente, ecrites = GENESE, []
    for rang in range(1, nombre + 2):
        requete = "" if rang == 2 else f"{rang:02x}" * 32
        valeurs = [domain.horodatage_canonique(instant), f"r-{rang}", "partenaire", "c", "", "", "s", "", "ok"]
        valeurs += [200, "", requete, rang == 3]
        chainage = ("", "")  # the last one waits for its seal
        if rang <= nombre:
            empreinte = domain.empreinte_chainer(precedente, rang, domain.empreinte_contenu(ACCES, valeurs))
            chainage, precedente = (precedente, empreinte), empreinte
        valeurs[0] = connection.ops.adapt_datetimefield_value(instant)
        sql(insertion, [rang, rang if rang <= nombre else None, *valeurs, *chainage])
        ecrites.append((requete, *chainage))
    TeteChaine.objects.update_or_create(journal=ACCES, defaults={"rang": nombre, "empreinte": precedente})
    signe_le = datetime(2026, 3, 5, 10, 0, 1, tzinfo=UTC)
    point = domain.point_de_controle_signer(
        cle_signature(),
        journal=ACCES,
        numero=1,
        rang=nombre,
        empreinte=precedente,
        horodatage=domain.horodatage_canonique(signe_le),
    )
    PointDeControle.objects.create(
        journal=ACCES,
        numero=1,
        rang=nombre,
        empreinte=precedente,
        horodatage=signe_le,
        cle=point.cle,
        signature=point.signature,
    )
    return ecrites


@contextmanager
def _avant_la_migration() -> Iterator[None]:
    """An empty journal at the schema before the migration; the latest schema again on the way out."""
    _migrer([AVANT])
    try:
        sql(f"DELETE FROM {TABLE}")
        yield
    finally:
        _migrer_jusqu_au_bout()


def _migrer_jusqu_au_bout() -> None:
    _migrer(MigrationExecutor(connection).loader.graph.leaf_nodes("journal"))


@pytest.mark.django_db(transaction=True)
def test_a_journal_written_in_hex_verifies_after_the_migration(verifier):
    with _avant_la_migration():
        ecrites = _journal_hex_ecrire(4)

    assert stockees(TABLE, EMPREINTES) == [tuple(bytes.fromhex(v) if v else None for v in e) for e in ecrites]
    journaux_sceller()  # the one written before, sealed after: chained to the migrated ones
    intact, sortie = verifier()
    assert intact, sortie
    assert "5 enregistrement(s) vérifié(s) (n° 1 à 5), 1 point(s) de contrôle signé(s) valide(s)" in sortie


@pytest.mark.django_db(transaction=True)
def test_the_migration_can_be_undone(verifier):
    with _avant_la_migration():
        ecrites = _journal_hex_ecrire(2)
        _migrer_jusqu_au_bout()
        _migrer([AVANT])

        assert stockees(TABLE, EMPREINTES) == ecrites
