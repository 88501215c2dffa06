"""Writing the registry's next generation beside the current one, then switching to it (models.Generation).

Data calls read the current generation only (selectors.GENERATION_SQL). An import:
1. prepares everything in temporary tables without writing the registry (importation.py);
2. inserts its new persons and the new versions of its rights, tagged with the next generation, in
   transactions of LOT rows: no call sees them, and none waits long for the database's write lock
   (SQLite has one for the whole database);
3. switches in one short transaction: corrections of known persons, the generation number, the record;
4. deletes the versions the switch retired, again in short transactions.
An import stopped before its switch leaves rows no one sees; the next one removes them first (`reprendre`).
Imports run one at a time (`import_exclusif`).
"""

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from indemnites.core.bases import sqlite_en_memoire
from indemnites.droits.models import DemandeurEmploi, Droit, Generation

LOT = 5_000
DEMANDEURS = DemandeurEmploi._meta.db_table
DROITS = Droit._meta.db_table
GENERATIONS = Generation._meta.db_table
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


def par_lots(sql: str, params: list[Any]) -> int:
    """Runs `sql` (which acts on at most LOT rows) in short transactions until it acts on none."""
    total = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            nombre = max(cursor.rowcount, 0)
        lot_rendre()
        total += nombre
        if not nombre:
            return total


def par_plages(sql: str, params: Callable[[int, int], list[Any]], nombre: int) -> None:
    """Runs `sql` on rows ranked (a, b], LOT at a time, each range in its own short transaction."""
    for debut in range(0, nombre, LOT):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params(debut, debut + LOT))
        lot_rendre()


def _existe(sql: str, params: list[Any]) -> bool:
    """Read first, without the write lock: most of the time there is nothing to do."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS ({sql})", params)
        return bool(cursor.fetchone()[0])


_ANCIENNES_VERSIONS = f"SELECT id FROM {DROITS} WHERE generation_fin IS NOT NULL AND generation_fin <= %s"


def versions_retirer(courante: int) -> None:
    """Deletes the versions no generation from `courante` on sees."""
    if _existe(_ANCIENNES_VERSIONS, [courante]):
        par_lots(f"DELETE FROM {DROITS} WHERE id IN ({_ANCIENNES_VERSIONS} LIMIT {LOT})", [courante])


def reprendre(courante: int) -> None:
    """Removes what an import stopped before its switch left: rows of a later generation, and the end it
    gave to current versions. Then finishes the removal of retired versions."""
    futures = f"SELECT id FROM {DROITS} WHERE generation_debut > %s"
    if _existe(futures, [courante]):
        par_lots(f"DELETE FROM {DROITS} WHERE id IN ({futures} LIMIT {LOT})", [courante])
    finies = f"SELECT id FROM {DROITS} WHERE generation_fin IS NOT NULL AND generation_fin > %s"
    if _existe(finies, [courante]):
        par_lots(f"UPDATE {DROITS} SET generation_fin = NULL WHERE id IN ({finies} LIMIT {LOT})", [courante])
    personnes = f"SELECT id FROM {DEMANDEURS} WHERE generation > %s"
    if _existe(personnes, [courante]):
        par_lots(f"DELETE FROM {DEMANDEURS} WHERE id IN ({personnes} LIMIT {LOT})", [courante])
    versions_retirer(courante)


def basculer(generation: int) -> None:
    """In the caller's (short) transaction: data calls see `generation` from its commit on."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {GENERATIONS} SET numero = %s WHERE id = 1", [generation])
