"""SQLite: writers queue on a file lock instead of SQLite's sleeps.

SQLite lets one writer at a time. Another one's `BEGIN IMMEDIATE` waits in SQLite's busy handler, which sleeps
1, 2, 5, 10 ms… between its tries, whatever the holder's transaction lasts (≈ 0.1 ms for a data call). Under
load, the two workers of `make run` spent a good part of their time asleep so (bench/README.md, « Charge de
l'API »). An exclusive `flock` on a file beside the database makes the next writer wait in the kernel, woken
the moment the holder lets go; SQLite's own lock is then free when it asks.

Only an outermost write queues (`verrou_ecriture()` is a no-op inside a transaction): there the database's
write lock may already be ours, and waiting for the file could wait for a writer who waits for us. Writers
that do not queue (the admin, the import) are still served by SQLite's busy handler. In-memory databases
(the tests) and PostgreSQL, which locks rows, not the database, need no queue.
"""

import fcntl
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

from django.db import connection

from indemnites.core.bases import sqlite_en_memoire

logger = logging.getLogger("indemnites.sqlite")


class FileEcriture:
    """An exclusive lock on `chemin`, for a thread at a time across every process of the host. Not
    reentrant: a thread that holds it must not take it again."""

    def __init__(self, chemin: str) -> None:
        self.chemin = chemin
        self.indisponible = False  # warned once per process
        self._local = threading.local()

    def _descripteur(self) -> int:
        # One per thread and per process: flock excludes open file descriptions, and a descriptor inherited
        # through fork() (gunicorn's workers) or shared by two threads would not exclude the other holder.
        ouvert = getattr(self._local, "ouvert", None)
        if ouvert is None or ouvert.processus != os.getpid():
            ouvert = self._local.ouvert = _Descripteur(_ouvrir(self.chemin))
        return ouvert.numero

    def _ouvert_ou_rien(self) -> int | None:
        try:
            return self._descripteur()
        except OSError as erreur:
            if not self.indisponible:
                self.indisponible = True
                logger.warning("verrou d'écriture indisponible, écritures sans file d'attente : %s", erreur.strerror)
            return None

    @contextmanager
    def tenir(self) -> Iterator[None]:
        """The lock, or, when the file cannot be opened (a file created by another account, a directory
        gone), no queue at all: SQLite's busy handler still keeps the writes apart, only slower."""
        descripteur = self._ouvert_ou_rien()
        if descripteur is None:
            yield
            return
        fcntl.flock(descripteur, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(descripteur, fcntl.LOCK_UN)


class _Descripteur:
    def __init__(self, numero: int) -> None:
        self.numero = numero
        self.processus = os.getpid()

    def __del__(self) -> None:
        # The thread ended, or a forked child replaced its parent's descriptor: closing one copy of a
        # descriptor releases no lock while another process holds a copy of it.
        os.close(self.numero)


def _ouvrir(chemin: str) -> int:
    # Read-only is enough for flock; readable by all, so that a command run under another account cannot
    # lock the service out of a file it created.
    return os.open(chemin, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)


_files: dict[str, FileEcriture] = {}


def _file() -> FileEcriture | None:
    if connection.vendor != "sqlite" or sqlite_en_memoire():
        return None
    chemin = f"{connection.settings_dict['NAME']}.ecriture"
    return _files.get(chemin) or _files.setdefault(chemin, FileEcriture(chemin))


def verrou_ecriture() -> AbstractContextManager[None]:
    """To enter before an outermost write transaction (or autocommit write) of the default database."""
    file = None if connection.in_atomic_block else _file()
    return nullcontext() if file is None else file.tenir()
