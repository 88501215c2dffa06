"""Writing the registry's next generation beside the current one, then switching to it (models.Generation).

Data calls read the current generation only (selectors.GENERATION_SQL). An import:
1. prepares everything in temporary tables without writing the registry (importation.py);
2. inserts its new persons and the new versions of its rights, tagged with the next generation, in
   transactions of LOT rows: no call sees them, and none waits long for the database's write lock
   (SQLite has one for the whole database);
3. refreshes the planner's statistics (PostgreSQL), corrects the description (names, email…) of known
   persons in short transactions, then their keys, keeping the former ones beside for the calls until the
   switch (models.IdentiteAnterieure), then switches in one short transaction: the generation number, the
   import's record;
4. deletes the versions and the former keys the switch retired, again in short transactions.
An import stopped before its switch leaves rows no one sees, and keys it changed; the next one removes the
rows and gives the keys back first (`reprendre`).
Imports run one at a time (`import_exclusif`).
"""

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from indemnites.core.bases import sqlite_en_memoire
from indemnites.core.verrou_ecriture import ecritures_en_attente_laisser_passer, verrou_ecriture
from indemnites.droits.models import DemandeurEmploi, Droit, Generation, IdentiteAnterieure

LOT = 5_000
# Between two of its transactions, the import lets the writers waiting for SQLite's lock through first, up
# to this many seconds: a data call writes in a few milliseconds, but a server kept busy always has one
# waiting, and with 0.5 s a 1 M-row import (700 transactions) took 300 s instead of about 100 under load.
CEDER_MAX = 0.1
# …and once those have passed, until no other has come for this long: a worker that has just answered takes
# its next call from the queue within a few milliseconds; without this, while the import held the lock
# most of the time, two workers answered two calls per transaction and a queue formed (bench/README.md).
CEDER_CALME = 0.01

DEMANDEURS = DemandeurEmploi._meta.db_table
DROITS = Droit._meta.db_table
GENERATIONS = Generation._meta.db_table
ANTERIEURES = IdentiteAnterieure._meta.db_table
# PostgreSQL advisory lock taken by the import: any constant, unique to this use in the database.
VERROU_IMPORT = 1_513_000_015


class ImportEnCours(Exception):
    """Another import holds the registry."""


@contextmanager
def import_exclusif() -> Iterator[None]:
    """One import at a time: a session lock on PostgreSQL, a lock on a file beside the SQLite database;
    both go with the process that holds them, whatever way it ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [VERROU_IMPORT])
            if not cursor.fetchone()[0]:
                raise ImportEnCours
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [VERROU_IMPORT])
        return
    with _fichier_verrouille() as libre:
        if not libre:
            raise ImportEnCours
        yield


@contextmanager
def _fichier_verrouille() -> Iterator[bool]:
    nom = str(connection.settings_dict["NAME"])
    if sqlite_en_memoire() or not Path(nom).parent.is_dir():
        yield True  # a database of this process only: no other process can import into it
        return
    descripteur = os.open(f"{nom}.import.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descripteur, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(descripteur)  # closing releases the lock


def generation_courante() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT numero FROM {GENERATIONS} WHERE id = 1")
        ligne = cursor.fetchone()
    if ligne is None:  # a database flushed after its migrations (tests)
        Generation.objects.get_or_create(pk=1)
        return 0
    return int(ligne[0])


def lot_rendre() -> None:
    """After each of the import's short transactions, on SQLite: the import copies its own pages back from
    the WAL to the database. Otherwise the WAL keeps growing and the next commit past `wal_autocheckpoint`,
    often a data call's journal record, pays for copying and syncing the import's pages (bench/README.md,
    « Appels pendant un import »: 3.4 s → 1.0 s at most in the server). A database in memory has no WAL."""
    if connection.vendor == "sqlite" and not sqlite_en_memoire():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")


@contextmanager
def ecriture() -> Iterator[None]:
    """One of the import's short write transactions. On file SQLite, it queues with the data calls for the
    writers' lock (core/verrou_ecriture.py), and first lets through those already waiting: in SQLite's busy
    handler, which sleeps up to 100 ms between tries, a data call kept missing the instant between two of
    the import's transactions and waited up to 1 s on an idle machine (bench/README.md, « Appels pendant un
    import »). So a data call waits for one of the import's transactions at most. The WAL checkpoint
    follows, outside the lock (`lot_rendre`)."""
    ecritures_en_attente_laisser_passer(CEDER_MAX, CEDER_CALME)
    with verrou_ecriture(), transaction.atomic():
        yield
    lot_rendre()


def lot_disperse() -> int:
    """The batch size for rows each written at a random place of an index (new persons, new birth dates). On
    SQLite, a batch of 5,000 new persons wrote some 15,000 pages and held the write lock up to half a second
    at the end of a million-row file; batches of 1,000 hold it about 0.1 s, for the same total."""
    return max(1, LOT // 5) if connection.vendor == "sqlite" else LOT


def par_lots(sql: str, params: list[Any]) -> int:
    """Runs `sql` (which acts on at most LOT rows) in short transactions until it acts on none."""
    total = 0
    while True:
        with ecriture(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            nombre = max(cursor.rowcount, 0)
        total += nombre
        if not nombre:
            return total


def par_plages(ecrire: Callable[[CursorWrapper, int, int], object], nombre: int, *, lot: int = LOT) -> None:
    """Calls `ecrire(cursor, a, b)` for the rows ranked (a, b], `lot` at a time, each range in its own short
    transaction: what it writes of one range is seen by data calls all at once, or not at all."""
    for debut in range(0, nombre, lot):
        with ecriture(), connection.cursor() as cursor:
            ecrire(cursor, debut, debut + lot)


def _existe(sql: str, params: list[Any]) -> bool:
    """Read first, without the write lock: most of the time there is nothing to do."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS ({sql})", params)
        return bool(cursor.fetchone()[0])


_ANCIENNES_VERSIONS = f"SELECT id FROM {DROITS} WHERE generation_fin IS NOT NULL AND generation_fin <= %s"
_ANCIENNES_IDENTITES = f"SELECT id FROM {ANTERIEURES} WHERE generation_fin <= %s"


def versions_retirer(courante: int) -> None:
    """Deletes the versions of rights, and the former keys of persons, no generation from `courante` on sees."""
    for table, versions in ((DROITS, _ANCIENNES_VERSIONS), (ANTERIEURES, _ANCIENNES_IDENTITES)):
        if _existe(versions, [courante]):
            par_lots(f"DELETE FROM {table} WHERE id IN ({versions} LIMIT {LOT})", [courante])


# A known person's keys back as they were, with the row that kept them, a batch at a time (the same rows:
# the first by id, in one transaction).
_IDENTITES_FUTURES = f"SELECT id FROM {ANTERIEURES} WHERE generation_fin > %s ORDER BY id LIMIT {LOT}"
_IDENTITES_RENDRE_SQL = f"""
UPDATE {DEMANDEURS} SET identifiant = a.identifiant, nir_hash = a.nir_hash, date_naissance = a.date_naissance
FROM {ANTERIEURES} a WHERE {DEMANDEURS}.id = a.demandeur_id AND a.id IN ({_IDENTITES_FUTURES})"""


def reprendre(courante: int) -> None:
    """Removes what an import stopped before its switch left: rows of a later generation, the end it gave to
    current versions, and the keys it gave to known persons. Then finishes the removal of retired versions."""
    futures = f"SELECT id FROM {DROITS} WHERE generation_debut > %s"
    if _existe(futures, [courante]):
        par_lots(f"DELETE FROM {DROITS} WHERE id IN ({futures} LIMIT {LOT})", [courante])
    finies = f"SELECT id FROM {DROITS} WHERE generation_fin IS NOT NULL AND generation_fin > %s"
    if _existe(finies, [courante]):
        par_lots(f"UPDATE {DROITS} SET generation_fin = NULL WHERE id IN ({finies} LIMIT {LOT})", [courante])
    personnes = f"SELECT id FROM {DEMANDEURS} WHERE generation > %s"
    if _existe(personnes, [courante]):
        par_lots(f"DELETE FROM {DEMANDEURS} WHERE id IN ({personnes} LIMIT {LOT})", [courante])
    # After the new persons' removal: a key given back is free again.
    while _existe(_IDENTITES_FUTURES, [courante]):
        with ecriture(), connection.cursor() as cursor:
            cursor.execute(_IDENTITES_RENDRE_SQL, [courante])
            cursor.execute(f"DELETE FROM {ANTERIEURES} WHERE id IN ({_IDENTITES_FUTURES})", [courante])
    versions_retirer(courante)


def statistiques_rafraichir() -> None:
    """PostgreSQL: the planner's statistics of the registry, once the next generation is written. Without them
    (autovacuum off, or not come by yet), it planned each data call over a freshly imported registry with a
    scan of the whole index of current rights: 56 ms of CPU per call with a million rights, and a 15 s queue
    of calls during the next import (bench/README.md, « Appels pendant un import »). ANALYZE reads a sample
    (30,000 rows, about a second) and blocks neither readers nor writers. SQLite plans the call by its indexes
    without statistics, and there ANALYZE is a write transaction for as long as it reads the tables."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {DROITS}, {DEMANDEURS}")


def basculer(generation: int) -> None:
    """In the caller's (short) transaction: data calls see `generation` from its commit on, and on
    PostgreSQL the commit waits for the disk even in an import's session (importation._session_de_lot)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL synchronous_commit = on")
        cursor.execute(f"UPDATE {GENERATIONS} SET numero = %s WHERE id = 1", [generation])
