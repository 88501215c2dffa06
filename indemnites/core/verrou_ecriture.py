"""SQLite: writers queue on a file lock instead of SQLite's sleeps.

SQLite lets one writer at a time. Another one's `BEGIN IMMEDIATE` waits in SQLite's busy handler, which sleeps
1, 2, 5, 10 ms… between its tries, whatever the holder's transaction lasts (≈ 0.1 ms for a data call). Under
load, the two workers of `make run` spent a good part of their time asleep so (bench/README.md, « Charge de
l'API »). An exclusive `flock` on a file beside the database makes the next writer wait in the kernel, woken
the moment the holder lets go; SQLite's own lock is then free when it asks.

A long series of write transactions (the rights import) would still keep the queue waiting: the kernel wakes
a waiter when the lock is released, but the series, already running, takes it again first (up to 4.6 s for a
data call during a 1 M-row import on a loaded machine). So a writer that has to wait says so, with a shared
lock on a second file (`.attente`) while it waits; between two transactions, the series lets them through
first, and those who come to wait in the next few milliseconds (`ecritures_en_attente_laisser_passer`).

Only an outermost write queues (`verrou_ecriture()` is a no-op inside a transaction): there the database's
write lock may already be ours, and waiting for the file could wait for a writer who waits for us. Writers
that do not queue (the admin) are still served by SQLite's busy handler. In-memory databases
(the tests) and PostgreSQL, which locks rows, not the database, need no queue.
"""

import fcntl
import logging
import os
import threading
import time
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

    def _descripteurs(self) -> tuple[int, int]:
        # One per thread and per process: flock excludes open file descriptions, and a descriptor inherited
        # through fork() (gunicorn's workers) or shared by two threads would not exclude the other holder.
        ouvert = getattr(self._local, "ouvert", None)
        if ouvert is None or ouvert.processus != os.getpid():
            verrou = _ouvrir(self.chemin)
            try:
                attente = _ouvrir(f"{self.chemin}.attente")
            except OSError:
                os.close(verrou)  # else one descriptor more for each write that goes on unqueued
                raise
            ouvert = self._local.ouvert = _Descripteurs(verrou, attente)
        return ouvert.verrou, ouvert.attente

    def _ouvert_ou_rien(self) -> tuple[int, int] | None:
        try:
            return self._descripteurs()
        except OSError as erreur:
            if not self.indisponible:
                self.indisponible = True
                logger.warning("verrou d'écriture indisponible, écritures sans file d'attente : %s", erreur.strerror)
            return None

    @contextmanager
    def tenir(self) -> Iterator[None]:
        """The lock, or, when the file cannot be opened (a file created by another account, a directory
        gone), no queue at all: SQLite's busy handler still keeps the writes apart, only slower."""
        descripteurs = self._ouvert_ou_rien()
        if descripteurs is None:
            yield
            return
        verrou, attente = descripteurs
        try:
            fcntl.flock(verrou, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fcntl.flock(attente, fcntl.LOCK_SH)  # « I am waiting », until the lock is mine
            try:
                fcntl.flock(verrou, fcntl.LOCK_EX)
            finally:
                fcntl.flock(attente, fcntl.LOCK_UN)
        try:
            yield
        finally:
            fcntl.flock(verrou, fcntl.LOCK_UN)

    def laisser_passer(self, delai_max: float, calme: float = 0.0) -> None:
        """Returns at once if no writer waits for the lock; else once they have all had it and no other
        has come to wait for `calme` seconds, or after `delai_max` seconds: what a series of transactions
        calls between two of them, not holding the lock."""
        descripteurs = self._ouvert_ou_rien()
        if descripteurs is None or not self._attendu(descripteurs[1]):
            return
        limite = time.monotonic() + delai_max
        calme_depuis = None
        while (maintenant := time.monotonic()) < limite:
            if self._attendu(descripteurs[1]):
                calme_depuis = None
            elif calme_depuis is None:
                calme_depuis = maintenant
            if calme_depuis is not None and maintenant - calme_depuis >= calme:
                return
            time.sleep(0.001)  # the waiters take the lock in turn, each in a few milliseconds

    @staticmethod
    def _attendu(attente: int) -> bool:
        """Whether some writer waits for the lock (holds the waiting room shared)."""
        try:
            fcntl.flock(attente, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(attente, fcntl.LOCK_UN)
        return False


class _Descripteurs:
    def __init__(self, verrou: int, attente: int) -> None:
        self.verrou = verrou
        self.attente = attente
        self.processus = os.getpid()

    def __del__(self) -> None:
        # The thread ended, or a forked child replaced its parent's descriptors: closing one copy of a
        # descriptor releases no lock while another process holds a copy of it.
        os.close(self.verrou)
        os.close(self.attente)


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


def ecritures_en_attente_laisser_passer(delai_max: float, calme: float = 0.0) -> None:
    """For a series of write transactions, between two of them: the writers waiting for the lock go first,
    and those who come next while the lock stays free (until `calme` seconds pass without any), at most
    `delai_max` seconds, so that a stream of calls cannot stop the series."""
    file = None if connection.in_atomic_block else _file()
    if file is not None:
        file.laisser_passer(delai_max, calme)
