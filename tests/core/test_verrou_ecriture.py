"""The SQLite writers' file lock: a second writer waits for the file, never in SQLite's busy handler."""

import multiprocessing
import sqlite3
import threading
import time
from pathlib import Path

from indemnites.core.verrou_ecriture import FileEcriture

ATTENTE = 0.1  # seconds a waiting writer is given to (wrongly) get through


def _base(chemin: Path) -> None:
    with sqlite3.connect(chemin) as base:
        base.execute("PRAGMA journal_mode=WAL")
        base.execute("CREATE TABLE ecrit (qui TEXT)")


def _ecrire(chemin: Path, qui: str) -> None:
    """A write transaction that fails at once, instead of sleeping, if another writer holds SQLite's lock."""
    base = sqlite3.connect(chemin, isolation_level=None, timeout=0)
    try:
        base.execute("BEGIN IMMEDIATE")
        base.execute("INSERT INTO ecrit VALUES (?)", [qui])
        base.execute("COMMIT")
    finally:
        base.close()


def test_a_second_thread_waits_for_the_file_then_finds_sqlite_free(tmp_path):
    chemin = tmp_path / "base.sqlite3"
    _base(chemin)
    file = FileEcriture(f"{chemin}.ecriture")
    ordre: list[str] = []
    erreurs: list[BaseException] = []

    def second() -> None:
        try:
            with file.tenir():
                ordre.append("second entre")
                _ecrire(chemin, "second")
        except BaseException as erreur:  # surfaced by the assertions below
            erreurs.append(erreur)

    with file.tenir():
        base = sqlite3.connect(chemin, isolation_level=None)
        base.execute("BEGIN IMMEDIATE")
        base.execute("INSERT INTO ecrit VALUES ('premier')")
        fil = threading.Thread(target=second)
        fil.start()
        time.sleep(ATTENTE)
        assert ordre == []  # the other thread waits on the file, though the lock is taken by this one
        base.execute("COMMIT")
        base.close()
        ordre.append("premier sort")
    fil.join(timeout=10)

    assert erreurs == []
    assert ordre == ["premier sort", "second entre"]
    with sqlite3.connect(chemin) as base:
        assert [qui for (qui,) in base.execute("SELECT qui FROM ecrit ORDER BY rowid")] == ["premier", "second"]


def _dans_un_enfant(file: FileEcriture, marque: Path) -> None:
    with file.tenir():
        marque.write_text("entré")


def test_a_forked_process_does_not_share_the_parents_hold(tmp_path):
    """gunicorn forks its workers: a descriptor opened before the fork must not let the child through."""
    file = FileEcriture(str(tmp_path / "base.sqlite3.ecriture"))
    marque = tmp_path / "enfant"
    with file.tenir():
        enfant = multiprocessing.get_context("fork").Process(target=_dans_un_enfant, args=(file, marque))
        enfant.start()
        time.sleep(ATTENTE)
        assert not marque.exists()
    enfant.join(timeout=10)

    assert enfant.exitcode == 0
    assert marque.read_text() == "entré"


def test_without_a_usable_file_writes_go_on_unqueued_and_say_so_once(tmp_path, caplog):
    file = FileEcriture(str(tmp_path / "absent" / "base.sqlite3.ecriture"))  # a directory that does not exist
    chemin = tmp_path / "base.sqlite3"
    _base(chemin)

    for qui in ("premier", "second"):
        with file.tenir():
            _ecrire(chemin, qui)

    avertissements = [r for r in caplog.records if r.name == "indemnites.sqlite"]
    assert [r.levelname for r in avertissements] == ["WARNING"]
    assert "sans file d'attente" in avertissements[0].getMessage()


def test_when_only_the_waiting_room_cannot_be_opened_no_descriptor_is_left_open(tmp_path):
    """The lock file opens, its waiting room does not (here a directory stands in its way): each write goes on
    unqueued, and the lock file's descriptor is closed again, not leaked once per write."""
    chemin = tmp_path / "base.sqlite3.ecriture"
    (tmp_path / "base.sqlite3.ecriture.attente").mkdir()
    file = FileEcriture(str(chemin))
    with file.tenir():
        pass
    ouverts = len(list(Path("/proc/self/fd").iterdir()))

    for _ in range(20):
        with file.tenir():
            pass

    assert len(list(Path("/proc/self/fd").iterdir())) == ouverts


def test_a_series_of_transactions_lets_the_writer_waiting_meanwhile_through_first(tmp_path):
    """The import, between two of its transactions: without this, running, it took the lock again before the
    waiter the kernel had just woken."""
    file = FileEcriture(str(tmp_path / "base.sqlite3.ecriture"))
    ordre: list[str] = []

    def attendre_son_tour() -> None:
        with file.tenir():
            ordre.append("appel")
            time.sleep(ATTENTE)

    with file.tenir():
        fil = threading.Thread(target=attendre_son_tour)
        fil.start()
        time.sleep(ATTENTE)
    file.laisser_passer(10)
    with file.tenir():
        ordre.append("série")
    fil.join(timeout=10)

    assert ordre == ["appel", "série"]


def test_letting_writers_through_is_bounded_in_time(tmp_path):
    chemin = str(tmp_path / "base.sqlite3.ecriture")
    detenteur, serie = FileEcriture(chemin), FileEcriture(chemin)
    debut = time.monotonic()
    serie.laisser_passer(10)
    assert time.monotonic() - debut < 1  # no one waits: at once

    def ecrire() -> None:
        with detenteur.tenir():
            pass

    with detenteur.tenir():  # another thread waits as long as this one holds the lock
        fil = threading.Thread(target=ecrire)
        fil.start()
        time.sleep(ATTENTE)
        debut = time.monotonic()
        serie.laisser_passer(ATTENTE)
        attendu = time.monotonic() - debut
    fil.join(timeout=10)

    assert ATTENTE <= attendu < 10 * ATTENTE


def test_after_the_waiters_a_series_also_lets_through_whoever_comes_in_the_quiet_time(tmp_path):
    """A gunicorn worker that has just answered takes its next call from the queue a few milliseconds later:
    the series must not take the lock back in between."""
    file = FileEcriture(str(tmp_path / "base.sqlite3.ecriture"))
    ordre: list[str] = []

    def appel(nom: str) -> None:
        with file.tenir():
            ordre.append(nom)

    def deux_appels() -> None:
        appel("premier")  # waits for the series' transaction
        time.sleep(ATTENTE / 10)
        appel("suivant")

    with file.tenir():
        fil = threading.Thread(target=deux_appels)
        fil.start()
        time.sleep(ATTENTE)
    file.laisser_passer(10, calme=ATTENTE)
    with file.tenir():
        ordre.append("série")
    fil.join(timeout=10)

    assert ordre == ["premier", "suivant", "série"]
