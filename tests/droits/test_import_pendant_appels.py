"""The API keeps answering during an import, from the whole previous registry or the whole new one.

The import writes the next generation in short transactions, then switches (droits/services/generations.py).
With one row per transaction, a data call made after each of the import's writes must see the old state until
the switch, the new one after: never a mix. On PostgreSQL, calls from other threads run while an import
writes, and none fails or waits.
"""

import fcntl
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import psycopg
import pytest
from django.db import DatabaseError, connection

from indemnites.core import verrou_ecriture
from indemnites.droits.domain import nir_cle
from indemnites.droits.models import DemandeurEmploi, Droit, Generation, IdentiteAnterieure
from indemnites.droits.services import generations
from tests.api.outils import corps
from tests.droits.test_import import NIR_CLAIRE, NIR_JEAN, NIR_KARIM, claire, csv_ecrire, importer, ligne, refuser

T = TypeVar("T")
AVEC_ACTION = (*ligne(), "action")
PERSONNES = ("jean.are", "claire.asp", "karim.are")
TABLES = (Droit._meta.db_table, DemandeurEmploi._meta.db_table, Generation._meta.db_table)


def avant(tmp_path):
    return csv_ecrire(tmp_path / "avant.csv", [ligne(reference="R1"), claire(reference="R3", prestation="ASP")])


def apres(tmp_path):
    """Jean's ARE ended, he now has an ASS; Claire's right is cancelled; Karim arrives; Jean's name corrected."""
    lignes = [
        ligne(reference="R1", date_fin="2024-06-30", nom_naissance="MARTINEZ"),
        ligne(reference="R4", prestation="ASS", date_debut="2024-07-01", nom_naissance="MARTINEZ"),
        {"reference": "R3", "action": "supprimer"},
        ligne(identifiant="karim.are", nir=NIR_KARIM, prenom="Karim", nom_naissance="ROUX", reference="K1"),
    ]
    return csv_ecrire(tmp_path / "apres.csv", lignes, entete=AVEC_ACTION)


def donnees(*, solidarite: bool, chomage: bool) -> tuple[int, tuple[tuple[str, bool], ...]]:
    return 200, (("beneficiaireAssuranceChomage", chomage), ("beneficiairePrestationSolidarite", solidarite))


ANCIEN = (donnees(solidarite=False, chomage=True), donnees(solidarite=False, chomage=True), (404, None))
NOUVEAU = (
    donnees(solidarite=True, chomage=False),
    donnees(solidarite=False, chomage=False),
    donnees(solidarite=False, chomage=True),
)


def etat(appeler: Callable[..., Any]) -> tuple[Any, ...]:
    reponses = [appeler(corps(identifiant=identifiant)) for identifiant in PERSONNES]
    return tuple((r.status_code, tuple(sorted(r.json().items())) if r.status_code == 200 else None) for r in reponses)


# Keys: Claire's birth date corrected, Karim (known by NIR) given an identifiant, Jean's NIR replaced; and
# each one's right ended, so that every answer tells which registry it came from.
NIR_JEAN_NOUVEAU = f"1850578006085{nir_cle('1850578006085'):02d}"
FIN = "2024-06-30"


def cles_avant(tmp_path):
    lignes = [
        ligne(reference="R1"),
        claire(reference="R3", prestation="ASP"),
        ligne(identifiant="", nir=NIR_KARIM, prenom="Karim", nom_naissance="ROUX", reference="K1"),
    ]
    return csv_ecrire(tmp_path / "cles_avant.csv", lignes)


def cles_apres(tmp_path):
    lignes = [
        ligne(reference="R1", nir=NIR_JEAN_NOUVEAU, date_fin=FIN),
        claire(reference="R3", prestation="ASP", date_naissance="1990-06-04", date_fin=FIN),
        ligne(
            identifiant="karim.are", nir=NIR_KARIM, prenom="Karim", nom_naissance="ROUX", reference="K1", date_fin=FIN
        ),
    ]
    return csv_ecrire(tmp_path / "cles_apres.csv", lignes)


APPELS_PAR_CLES = (
    {"identifiant": "jean.are"},
    {"nir": NIR_JEAN, "dateNaissance": "1985-05-12"},
    {"nir": NIR_JEAN_NOUVEAU, "dateNaissance": "1985-05-12"},
    {"nir": NIR_CLAIRE, "dateNaissance": "1990-06-03"},
    {"nir": NIR_CLAIRE, "dateNaissance": "1990-06-04"},
    {"identifiant": "karim.are"},
    {"nir": NIR_KARIM, "dateNaissance": "1985-05-12"},
)
EN_DROIT = donnees(solidarite=False, chomage=True)
SANS_DROIT = donnees(solidarite=False, chomage=False)
INCONNU = (404, None)
CLES_ANCIENNES = (EN_DROIT, EN_DROIT, INCONNU, EN_DROIT, INCONNU, INCONNU, EN_DROIT)
CLES_NOUVELLES = (SANS_DROIT, INCONNU, SANS_DROIT, INCONNU, SANS_DROIT, SANS_DROIT, SANS_DROIT)


def etat_par_cles(appeler: Callable[..., Any]) -> tuple[Any, ...]:
    reponses = [appeler(corps(**({"identifiant": None} | cles))) for cles in APPELS_PAR_CLES]
    return tuple((r.status_code, tuple(sorted(r.json().items())) if r.status_code == 200 else None) for r in reponses)


def _ecriture_du_registre(sql: str) -> bool:
    debut = sql.lstrip().split(None, 1)[0].upper()
    return debut in {"INSERT", "UPDATE", "DELETE"} and any(table in sql for table in TABLES)


def _table_ecrite(sql: str) -> str | None:
    """The table an INSERT, UPDATE or DELETE writes (not the ones it reads)."""
    mots = [*sql.replace('"', "").split(), "", ""]
    verbe = mots[0].upper()
    if verbe not in {"INSERT", "UPDATE", "DELETE"}:
        return None
    return mots[2] if verbe in {"INSERT", "DELETE"} else mots[1]


def importer_en_observant(path: Path, observation: Callable[[], T]) -> list[T]:
    """Imports the file, making the observation (data calls) after each of the import's writes to the registry."""
    vus: list[T] = []
    en_appel = threading.local()

    def observer(execute, sql, params, many, context):
        resultat = execute(sql, params, many, context)
        if not getattr(en_appel, "actif", False) and _ecriture_du_registre(sql):
            en_appel.actif = True
            try:
                vus.append(observation())
            finally:
                en_appel.actif = False
        return resultat

    with connection.execute_wrapper(observer):
        importer(path)
    return vus


def importer_en_panne_a_la_bascule(path: Path) -> None:
    def panne(execute, sql, params, many, context):
        if sql.lstrip().startswith("UPDATE") and Generation._meta.db_table in sql:
            raise DatabaseError("panne pendant la bascule")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(panne), pytest.raises(DatabaseError):
        importer(path)


def test_every_call_during_an_import_sees_the_whole_old_or_the_whole_new_registry(tmp_path, appeler, monkeypatch):
    importer(avant(tmp_path))
    assert etat(appeler) == ANCIEN
    monkeypatch.setattr(generations, "LOT", 1)
    vus = importer_en_observant(apres(tmp_path), lambda: etat(appeler))

    assert etat(appeler) == NOUVEAU
    assert set(vus) <= {ANCIEN, NOUVEAU}
    bascule = vus.index(NOUVEAU)
    assert bascule > 3  # several writes, each in its own transaction, before the switch
    assert all(vu == ANCIEN for vu in vus[:bascule])
    assert all(vu == NOUVEAU for vu in vus[bascule:])


def test_an_import_stopped_before_its_switch_leaves_the_registry_as_it_was(tmp_path, appeler):
    importer(avant(tmp_path))
    lignes_avant = list(Droit.objects.order_by("reference").values_list("reference", "date_fin"))

    importer_en_panne_a_la_bascule(apres(tmp_path))

    assert etat(appeler) == ANCIEN
    assert list(Droit.objects.order_by("reference").values_list("reference", "date_fin")) == lignes_avant
    assert set(DemandeurEmploi.objects.values_list("identifiant", flat=True)) == {"jean.are", "claire.asp"}
    importer(apres(tmp_path))
    assert etat(appeler) == NOUVEAU
    assert Droit.objects.count() == 3  # R1, R4, K1: the retired versions are gone


def test_the_next_import_clears_what_an_interrupted_one_left(tmp_path, appeler):
    importer(avant(tmp_path))
    courante = generations.generation_courante()
    jean = DemandeurEmploi.objects.get(identifiant="jean.are")
    # What a process killed in the middle of its writes leaves: a new version, an old one ended, a new person.
    Droit.objects.filter(reference="R1").update(generation_fin=courante + 1)
    Droit.objects.create(
        demandeur=jean,
        prestation="ASS",
        organisme="France Travail",
        date_debut="2024-01-01",
        reference="R1",
        generation_debut=courante + 1,
    )
    DemandeurEmploi.objects.create(
        identifiant="fantome", nom_naissance="X", prenom="Y", date_naissance="2000-01-01", generation=courante + 1
    )
    assert etat(appeler) == ANCIEN

    importer(apres(tmp_path))

    assert etat(appeler) == NOUVEAU
    assert not DemandeurEmploi.objects.filter(identifiant="fantome").exists()
    assert Droit.objects.filter(reference="R1").count() == 1


@pytest.mark.django_db(transaction=True)  # the writers' lock is taken by outermost transactions only
def test_every_write_of_an_import_queues_with_the_data_calls_for_the_writers_lock(tmp_path, monkeypatch):
    """On file SQLite, a data call waits for the import's transaction in the kernel's queue of the writers'
    lock, served in turn, instead of in SQLite's busy handler, which kept missing the gaps between them."""
    importer(avant(tmp_path))
    chemin = str(tmp_path / "registre.ecriture")
    monkeypatch.setattr(verrou_ecriture, "_file", lambda: verrou_ecriture.FileEcriture(chemin))
    monkeypatch.setattr(generations, "LOT", 1)
    libres: list[str] = []
    ecritures: list[str] = []

    def observer(execute, sql, params, many, context):
        if _table_ecrite(sql) in TABLES:
            ecritures.append(sql)
            autre = os.open(chemin, os.O_RDONLY)
            try:
                fcntl.flock(autre, fcntl.LOCK_EX | fcntl.LOCK_NB)
                libres.append(sql)
            except BlockingIOError:
                pass
            finally:
                os.close(autre)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(observer):
        importer(apres(tmp_path))

    assert len(ecritures) > 5  # persons, versions, the switch, the retired versions' removal
    assert libres == []


pg_seulement = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL seulement : la base SQLite des tests est en mémoire, propre au processus "
    "(les appels concurrents sur SQLite sont mesurés par bench/import_pendant_appels.py)",
)


# Each scenario: the file before, the file after, the observation (one call per person or key), and what
# it gives before and after the switch.
SCENARIOS = {
    "droits": (avant, apres, etat, ANCIEN, NOUVEAU),
    "cles": (cles_avant, cles_apres, etat_par_cles, CLES_ANCIENNES, CLES_NOUVELLES),
}


@pg_seulement
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_calls_from_other_threads_during_an_import_never_fail_nor_mix(tmp_path, appeler, monkeypatch, scenario):
    fichier_avant, fichier_apres, observer, ancien, nouveau = SCENARIOS[scenario]
    importer(fichier_avant(tmp_path))
    monkeypatch.setattr(generations, "LOT", 1)
    vus: list[tuple[Any, ...]] = []
    fini = threading.Event()

    def appels():
        try:
            while not fini.is_set():
                vus.append(observer(appeler))
        finally:
            connection.close()

    def attendre(condition: Callable[[], bool]) -> None:
        limite = time.monotonic() + 30
        while not condition() and time.monotonic() < limite:
            time.sleep(0.01)

    def laisser_observer(execute, sql, params, many, context):
        """After each of the import's writes, two observations begin: each state is seen, however short."""
        resultat = execute(sql, params, many, context)
        if _ecriture_du_registre(sql):
            deja = len(vus)
            attendre(lambda: len(vus) >= deja + 2 or not fil.is_alive())  # a failed thread fails the test after
        return resultat

    fil = threading.Thread(target=appels)
    fil.start()
    try:
        attendre(lambda: len(vus) > 0)
        with connection.execute_wrapper(laisser_observer):
            importer(fichier_apres(tmp_path))
        apres_import = len(vus)
        attendre(lambda: len(vus) > apres_import + 1)
    finally:
        fini.set()
        fil.join(timeout=30)

    assert vus[0] == ancien
    assert vus[-1] == nouveau
    # The calls of one observation follow each other: the switch may fall between two of them, so the first
    # ones answer from the old registry and the next from the new. Each answer is one or the other (no 503,
    # no mix), and a person once answered from the new registry never is from the old again.
    assert all(any(vu == ancien[:k] + nouveau[k:] for k in range(len(ancien) + 1)) for vu in vus)
    for rang in range(len(ancien)):
        reponses = [vu[rang] for vu in vus]
        bascule = reponses.index(nouveau[rang])
        assert all(reponse == nouveau[rang] for reponse in reponses[bascule:])


def connexion_autre() -> psycopg.Connection:
    """A second session on the test database, as another process would hold one."""
    reglages = connection.settings_dict
    return psycopg.connect(
        host=reglages["HOST"] or "127.0.0.1",
        port=reglages["PORT"] or 5432,
        user=reglages["USER"],
        password=reglages["PASSWORD"] or None,
        dbname=reglages["NAME"],
        autocommit=True,
    )


@pg_seulement
def test_a_second_import_at_the_same_time_is_refused(tmp_path):
    autre = connexion_autre()
    try:
        autre.execute("SELECT pg_advisory_lock(%s)", [generations.VERROU_IMPORT])
        assert "Un autre import est en cours" in refuser(avant(tmp_path))
    finally:
        autre.close()


@pg_seulement
@pytest.mark.django_db(transaction=True)  # as in production: the switch's setting ends with its commit
def test_on_postgresql_the_batches_commit_without_waiting_for_the_disk_but_the_switch_waits(tmp_path):
    importer(avant(tmp_path))
    reglages: dict[str, set[str]] = {}
    dedans = threading.local()

    def observer(execute, sql, params, many, context):
        resultat = execute(sql, params, many, context)
        table = _table_ecrite(sql)
        if table in TABLES and not getattr(dedans, "actif", False):
            dedans.actif = True
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SHOW synchronous_commit")
                    reglages.setdefault(table, set()).add(cursor.fetchone()[0])
            finally:
                dedans.actif = False
        return resultat

    with connection.execute_wrapper(observer):
        importer(apres(tmp_path))

    assert reglages[Droit._meta.db_table] == reglages[DemandeurEmploi._meta.db_table] == {"off"}
    assert reglages[Generation._meta.db_table] == {"on"}  # the switch: a crash cannot undo an answered import


@pytest.mark.django_db(transaction=True)  # transactions are counted by their commits
def test_the_switch_writes_no_person_whatever_the_corrections(tmp_path, monkeypatch):
    """A source that corrects every person's name, or every birth date, made the switch update them all:
    4.6 s and 3.6 s holding SQLite's write lock for 500,000 persons, every data call waiting
    (bench/README.md). Descriptions and keys are corrected before it, in short transactions; the former keys
    are kept beside for the calls until the switch."""
    importer(csv_ecrire(tmp_path / "avant.csv", [ligne(reference="R1"), claire(reference="R3")]))
    transactions: list[list[tuple[str, int]]] = [[]]
    valider = connection.commit

    def valider_et_compter() -> None:
        valider()
        transactions.append([])

    def observer(execute, sql, params, many, context):
        resultat = execute(sql, params, many, context)
        table = _table_ecrite(sql)
        if table in TABLES:
            transactions[-1].append((table, context["cursor"].rowcount))
        return resultat

    monkeypatch.setattr(connection, "commit", valider_et_compter)
    corrige = [
        ligne(reference="R1", nom_naissance="MARTINEZ", prenom="Jan", email="jan@example.org", sexe="M"),
        claire(reference="R3", date_naissance="1990-06-04"),
    ]
    with connection.execute_wrapper(observer):
        importer(csv_ecrire(tmp_path / "corrige.csv", corrige))

    bascule = next(ecrits for ecrits in transactions if any(table == Generation._meta.db_table for table, _ in ecrits))
    assert [table for table, _ in bascule] == [Generation._meta.db_table]
    jean = DemandeurEmploi.objects.get(identifiant="jean.are")
    assert (jean.nom_naissance, jean.prenom, jean.email, jean.sexe) == ("MARTINEZ", "Jan", "jan@example.org", "M")
    assert DemandeurEmploi.objects.get(identifiant="claire.asp").date_naissance.isoformat() == "1990-06-04"
    assert not IdentiteAnterieure.objects.exists()  # deleted once the switch made them useless


def test_a_person_is_found_by_their_former_keys_until_the_switch_and_by_the_new_ones_after(
    tmp_path, appeler, monkeypatch
):
    importer(cles_avant(tmp_path))
    assert etat_par_cles(appeler) == CLES_ANCIENNES
    monkeypatch.setattr(generations, "LOT", 1)
    vus = importer_en_observant(
        cles_apres(tmp_path), lambda: (etat_par_cles(appeler), IdentiteAnterieure.objects.exists())
    )

    assert etat_par_cles(appeler) == CLES_NOUVELLES
    etats = [etat for etat, _ in vus]
    bascule = etats.index(CLES_NOUVELLES)
    assert all(etat == CLES_ANCIENNES for etat in etats[:bascule])
    assert all(etat == CLES_NOUVELLES for etat in etats[bascule:])
    # Calls were made while the registry held new keys and kept the former ones beside, before the switch.
    assert any(anterieures for _, anterieures in vus[:bascule])
    assert not IdentiteAnterieure.objects.exists()


def test_an_import_stopped_before_its_switch_gives_the_persons_their_keys_back(tmp_path, appeler):
    importer(cles_avant(tmp_path))
    cles = sorted(DemandeurEmploi.objects.values_list("identifiant", "nir_hash", "date_naissance"), key=str)

    importer_en_panne_a_la_bascule(cles_apres(tmp_path))

    assert etat_par_cles(appeler) == CLES_ANCIENNES
    assert sorted(DemandeurEmploi.objects.values_list("identifiant", "nir_hash", "date_naissance"), key=str) == cles
    assert not IdentiteAnterieure.objects.exists()
    importer(cles_apres(tmp_path))
    assert etat_par_cles(appeler) == CLES_NOUVELLES


def test_the_next_import_gives_back_the_keys_a_killed_one_changed(tmp_path, appeler):
    importer(cles_avant(tmp_path))
    courante = generations.generation_courante()
    claire_ = DemandeurEmploi.objects.get(identifiant="claire.asp")
    # What a process killed between two batches leaves: a birth date changed, the former one kept beside.
    IdentiteAnterieure.objects.create(
        demandeur=claire_,
        identifiant=claire_.identifiant,
        nir_hash=claire_.nir_hash,
        date_naissance=claire_.date_naissance,
        generation_fin=courante + 1,
    )
    DemandeurEmploi.objects.filter(pk=claire_.pk).update(date_naissance="1990-06-04")
    assert etat_par_cles(appeler) == CLES_ANCIENNES

    importer(cles_avant(tmp_path))  # nothing to change in it: only what the killed import left is undone

    assert etat_par_cles(appeler) == CLES_ANCIENNES
    assert DemandeurEmploi.objects.get(pk=claire_.pk).date_naissance.isoformat() == "1990-06-03"
    assert not IdentiteAnterieure.objects.exists()


@pg_seulement
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_import_gives_the_planner_the_size_of_what_it_wrote(tmp_path):
    """Without statistics, PostgreSQL planned each data call over a freshly imported registry with a scan of
    the whole index of current rights: 56 ms of CPU per call with a million rights, and the calls queued for
    15 s during the next import (bench/README.md). Autovacuum may be off, or a minute late: the import
    analyses the registry once it has written it, before its switch."""
    lignes = [ligne(identifiant=f"p{n % 4}", nir="", reference=f"R{n}") for n in range(7)]
    importer(csv_ecrire(tmp_path / "droits.csv", lignes))

    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)", [list(TABLES[:2])])
        assert dict(cursor.fetchall()) == {Droit._meta.db_table: 7, DemandeurEmploi._meta.db_table: 4}
