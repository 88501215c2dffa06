"""The sealer: gives each record written since the last round its number, the habilitation its client held
at that instant, and its fingerprint chained to the previous record's, in the order of the identifiers.

Several processes and instances run it at once: a round moves the journal's chain head only if it is still
where the round read it, so the chain never forks and never has a gap. A record whose transaction commits
late, or rolls back, is simply sealed in a later round, or never: the numbers are given here, not by a
sequence.

It runs in a background thread of every serving process (JOURNAL_SEAL_INTERVAL_SECONDS), started by the
first request the process serves, with the optional checkpoint schedule; the journal commands seal first.
"""

import logging
import random
import threading
import time
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import request_started
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.utils import timezone

from indemnites.core.verrou_ecriture import verrou_ecriture
from indemnites.journal import domain
from indemnites.journal.domain import ACCES, CHAMPS, GENESE, JOURNAUX
from indemnites.journal.empreintes import hexa, octets
from indemnites.journal.models import TeteChaine
from indemnites.journal.selectors import (
    MODELES,
    champs_sql,
    habilitation_en_vigueur,
    habilitations_des_clients,
    non_scelle_existe,
    non_scelles,
    tete_lire,
)
from indemnites.journal.services import etat

logger = logging.getLogger("indemnites.journal")

# Records per round. The round's write is short (the chain is computed before it): on SQLite it holds the
# database's write lock, shared with the data routes, well under a millisecond for 50 records; on PostgreSQL
# it does not block the data routes, and larger rounds share one commit (one WAL flush).
LOTS = {"sqlite": 50, "postgresql": 500}
# PostgreSQL: one sealer at a time does the work (the others skip their round instead of computing in vain).
VERROU_POSTGRESQL = 0x6A6F75726E616C  # "journal"
TETE = TeteChaine._meta.db_table
_HABILITATION = CHAMPS[ACCES].index("habilitation")


def _tete(journal: str) -> tuple[int, str]:
    tete = tete_lire(journal=journal)
    if tete is None:
        with connection.cursor() as cursor:
            _tete_creer(cursor, journal)
        tete = tete_lire(journal=journal)
    assert tete is not None
    return tete


def _tete_creer(cursor: Any, journal: str) -> None:
    """No head row (a fresh or emptied database): start after the last sealed record, never fork."""
    table = MODELES[journal]._meta.db_table
    cursor.execute(f"SELECT rang, empreinte FROM {table} WHERE rang IS NOT NULL ORDER BY rang DESC LIMIT 1")
    rang, stockee = cursor.fetchone() or (None, None)
    empreinte = hexa(stockee)
    if rang is None:
        rang, empreinte = 0, GENESE
    else:
        logger.warning("tête de chaîne absente pour le journal %s : reprise après le n° %s", journal, rang)
    cursor.execute(
        f"INSERT INTO {TETE} (journal, rang, empreinte) VALUES (%s, %s, %s) ON CONFLICT (journal) DO NOTHING",
        [journal, rang, empreinte],
    )


# The sealer runs in a thread of processes that serve requests: it hands the interpreter lock back every
# few dozen records, so a request never waits behind a whole round (a few milliseconds of Python).
PAR_MORCEAU = 25


def _ceder() -> None:
    time.sleep(0)


def _a_sceller(journal: str, limite: int) -> list[tuple[Any, ...]]:
    table = MODELES[journal]._meta.db_table
    colonnes = ", ".join(champs_sql(journal))
    lignes: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {colonnes} FROM {table} WHERE rang IS NULL ORDER BY id LIMIT %s", [limite])
        while morceau := cursor.fetchmany(PAR_MORCEAU):
            lignes.extend(morceau)
            _ceder()
    return lignes


def _chainer(journal: str, tete: tuple[int, str], lignes: list[tuple[Any, ...]]) -> list[list[Any]]:
    """(rang, habilitation, empreinte_precedente, empreinte, id) of each record, after the head."""
    periodes = habilitations_des_clients(ligne[4] for ligne in lignes) if journal == ACCES else {}
    rang, precedente = tete
    scelles = []
    for identifiant, *valeurs in lignes:
        if journal == ACCES:
            valeurs[_HABILITATION] = habilitation_en_vigueur(periodes.get(valeurs[3], []), valeurs[0])
        rang += 1
        empreinte = domain.empreinte_chainer(precedente, rang, domain.empreinte_contenu(journal, valeurs))
        scelles.append([rang, valeurs[_HABILITATION] if journal == ACCES else "", precedente, empreinte, identifiant])
        precedente = empreinte
        if len(scelles) % PAR_MORCEAU == 0:
            _ceder()
    return scelles


def journal_sceller(*, journal: str, limite: int | None = None) -> int:
    """One round: seals up to `limite` records; returns how many (0 when nothing waits, or when another sealer
    is at work or moved the head meanwhile: its records are then sealed, the next round goes on from them).

    The chain is computed from the head and the records as read, then written in one short transaction
    that moves the head only if it is still where it was read (compare-and-set): two sealers never both
    win, so the chain neither forks nor skips a number, and no lock is held while computing."""
    if not non_scelle_existe(journal=journal):
        return 0
    if connection.vendor == "postgresql":
        with transaction.atomic():
            return _sceller(journal, limite or _lot()) if _verrou_pris(journal) else 0
    return _sceller(journal, limite or _lot())


def _lot() -> int:
    return LOTS["postgresql" if connection.vendor == "postgresql" else "sqlite"]


def _sceller(journal: str, limite: int) -> int:
    tete = _tete(journal)
    lignes = _a_sceller(journal, limite)
    if not lignes:
        return 0
    scelles = _chainer(journal, tete, lignes)
    with verrou_ecriture(), transaction.atomic():  # SQLite: the write lock, for the write only
        if not _tete_avancer(journal, tete, (scelles[-1][0], scelles[-1][3])):
            return 0
        _ecrire(journal, scelles)
    return len(scelles)


def _verrou_pris(journal: str) -> bool:
    """PostgreSQL: one sealer computes, the others skip their round (released at commit). SQLite needs none:
    the computation precedes the transaction, which takes the database's write lock for the write only."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [VERROU_POSTGRESQL + JOURNAUX.index(journal)])
        return bool(cursor.fetchone()[0])


def _tete_avancer(journal: str, avant: tuple[int, str], apres: tuple[int, str]) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TETE} SET rang = %s, empreinte = %s WHERE journal = %s AND rang = %s AND empreinte = %s",
            [*apres, journal, *avant],
        )
        return cursor.rowcount == 1


def _ecrire(journal: str, scelles: list[list[Any]]) -> None:
    table = MODELES[journal]._meta.db_table
    habilitation = "habilitation = %s, " if journal == ACCES else ""
    sql = (
        f"UPDATE {table} SET rang = %s, {habilitation}empreinte_precedente = %s, empreinte = %s "
        "WHERE id = %s AND rang IS NULL"
    )
    if journal == ACCES:
        scelles = [[r, h, octets(p), octets(e), i] for r, h, p, e, i in scelles]
    else:
        scelles = [[r, octets(p), octets(e), i] for r, _, p, e, i in scelles]
    ecrits = 0
    with connection.cursor() as cursor:
        for debut in range(0, len(scelles), PAR_MORCEAU):
            cursor.executemany(sql, scelles[debut : debut + PAR_MORCEAU])
            ecrits += cursor.rowcount
            if connection.vendor == "postgresql":  # SQLite: the write lock is held, a request would wait on it
                _ceder()
    if ecrits != len(scelles):  # cannot happen behind the head's compare-and-set: never leave a gap
        raise DatabaseError(f"scellement incomplet : {ecrits} sur {len(scelles)}")


def journaux_sceller(*, journaux: tuple[str, ...] = JOURNAUX) -> int:
    """Seals everything that waits (the commands call it before they read); stops early if another sealer
    is at work meanwhile. A round that seals less than a full lot has sealed all it could see: records
    committed since then wait for the next pass, instead of rounds of one record each chasing the traffic
    (each round costs several statements, in a thread of the serving process)."""
    total = 0
    lot = _lot()
    for journal in journaux:
        while scelles := journal_sceller(journal=journal, limite=lot):
            total += scelles
            if scelles < lot:
                break
    return total


def attente_constater() -> None:
    """Tells the request path how long the oldest unsealed record has waited (services/etat.py)."""
    maintenant = timezone.now()
    for journal in JOURNAUX:
        _, depuis = non_scelles(journal=journal)
        etat.scellement_constater(journal=journal, attente=(maintenant - depuis).total_seconds() if depuis else None)


# --- the background thread ------------------------------------------------------------------------------

_demarrage = threading.Lock()
_demarre = False
_UID = "journal-fond"


def fond_demarrer(**_: object) -> None:
    """Connected to `request_started` (apps.py): the first request of a serving process starts its sealer
    and checkpoint thread, once. Management commands and migrations never start it."""
    global _demarre
    with _demarrage:
        if _demarre:
            return
        _demarre = True
    request_started.disconnect(dispatch_uid=_UID)
    threading.Thread(target=_boucle, name="journal-scellement", daemon=True).start()


def _boucle() -> None:
    intervalle = settings.JOURNAL_SEAL_INTERVAL_SECONDS
    dernier_point = time.monotonic()
    while True:
        time.sleep(intervalle * random.uniform(0.8, 1.2))  # the processes' rounds drift apart
        points = settings.JOURNAL_CHECKPOINT_INTERVAL_MINUTES * 60
        signer = bool(points) and time.monotonic() - dernier_point >= points
        if signer:
            dernier_point = time.monotonic()
        close_old_connections()  # this thread's own connection: dropped when broken or too old
        fond_executer(signer=signer)


def fond_executer(*, signer: bool = False) -> None:
    """One round of the background work; never raises (errors are logged, the next round retries)."""
    from indemnites.journal.services.points_de_controle import JournalAltere, points_de_controle_creer

    try:
        journaux_sceller()
    except Exception:
        logger.exception("scellement du journal en échec")
    try:
        attente_constater()  # also, above all, after a failed round
        if signer:
            points_de_controle_creer()
    except JournalAltere:
        pass  # logged where it was found
    except ImproperlyConfigured as error:
        logger.error("points de contrôle planifiés impossibles : %s", error)
    except Exception:
        logger.exception("points de contrôle du journal en échec")
