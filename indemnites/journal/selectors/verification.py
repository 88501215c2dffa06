"""`journal_verify`: the chain recomputed from the database, in one process or several."""

import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Max, Min
from django.utils import timezone

from indemnites.core.bases import sqlite_en_memoire
from indemnites.journal import domain
from indemnites.journal.domain import ACCES, Rapport
from indemnites.journal.empreintes import empreinte_sql
from indemnites.journal.selectors.chaine import (
    MODELES,
    champs_sql,
    cles_de_verification,
    non_scelles,
    points_de_controle_lister,
    tete_lire,
)

LOT_VERIFICATION = 20_000
# Below this many records per range, starting processes costs more than it saves.
SEGMENT_MINIMAL = 50_000


def _lignes(journal: str, *, depuis: int, jusqu_a: int | None) -> Iterator[list[tuple[Any, ...]]]:
    modele = MODELES[journal]
    borne = "" if jusqu_a is None else f" AND rang <= {int(jusqu_a)}"
    sql = (
        f"SELECT rang, {empreinte_sql('empreinte_precedente')}, {empreinte_sql('empreinte')}, "
        f"{', '.join(champs_sql(journal))} FROM {modele._meta.db_table} "
        f"WHERE rang > %s{borne} ORDER BY rang"
    )
    with connection.chunked_cursor() as cursor, ThreadPoolExecutor(1) as lecteur:
        cursor.execute(sql, [depuis])
        # The next batch is read while this one is checked: the database produces rows (PostgreSQL: a
        # server-side cursor, idle between FETCHes otherwise) while Python hashes them.
        suivant = lecteur.submit(cursor.fetchmany, LOT_VERIFICATION)
        while lot := suivant.result():
            suivant = lecteur.submit(cursor.fetchmany, LOT_VERIFICATION)
            yield lot


def journal_verifier(
    *,
    journal: str = ACCES,
    ancres: Iterable[domain.PointDeControle] = (),
    depuis: int = 0,
    jusqu_a: int | None = None,
    processus: int = 1,
    segment_minimal: int = SEGMENT_MINIMAL,
    depuis_dernier_point: bool = False,
) -> Rapport:
    """Recomputes one journal's chain and checks its signed checkpoints (those in the database and the
    `ancres` kept elsewhere). `depuis`: start after this record number, which must be a signed checkpoint;
    `depuis_dernier_point`: start after the last checkpoint (what was written since it was signed, the
    records before it having been verified when it was signed); `jusqu_a`: stop there (the chain head is
    then not compared). `processus` > 1 splits a large journal into ranges of record numbers checked in
    parallel, with the same findings as one process."""
    isoler = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if isoler:
            with connection.cursor() as cursor:  # one snapshot for the head and the records
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        tete_avant = tete_lire(journal=journal)
        points = [*points_de_controle_lister(journal=journal), *ancres]
        verification = domain.Verification(journal, points=points, cles=cles_de_verification())
        if depuis_dernier_point:  # the last checkpoint that verifies: a forged one is no starting point
            depuis = max((point.rang for point in verification.points_valides()), default=depuis)
        if depuis:
            verification.partir_du_point(depuis)
        segments = _segments(journal, depuis, jusqu_a, processus, segment_minimal)
        if len(segments) == 1:
            for lot in _lignes(journal, depuis=depuis, jusqu_a=jusqu_a):
                verification.ajouter(lot)
    if len(segments) > 1:
        valides = list(verification.points_valides())
        for rapport, etat in _en_parallele(journal, segments, valides, depuis, processus):
            verification.fusionner(rapport, etat)
    tete_apres = tete_lire(journal=journal)
    if jusqu_a is not None:
        return verification.terminer(None, partiel=True)
    rapport = verification.terminer(tete_avant, tete_apres)
    _attente_verifier(rapport)
    return rapport


def _attente_verifier(rapport: Rapport) -> None:
    """The tail not sealed yet: counted, and an anomaly when it has waited longer than sealing allows."""
    rapport.non_scelles, depuis = non_scelles(journal=rapport.journal)
    if depuis is None:
        return
    attente = (timezone.now() - depuis).total_seconds()
    if attente > settings.JOURNAL_SEAL_MAX_DELAY_SECONDS:
        suivant = (rapport.dernier or 0) + 1
        message = f"{rapport.non_scelles} enregistrement(s) attendent leur scellement depuis {attente:.0f} s"
        rapport.anomalies.append(domain.Anomalie(rang=suivant, nature="non-scelle", message=message))


def _segments(journal: str, depuis: int, jusqu_a: int | None, processus: int, minimal: int) -> list[tuple[int, int]]:
    """Ranges (first, last) of record numbers: one, unless several processes can share a large journal."""
    sequentiel = [(depuis + 1, jusqu_a if jusqu_a is not None else 2**62)]
    if processus <= 1 or sqlite_en_memoire():
        return sequentiel
    enregistrements = MODELES[journal].objects.filter(rang__gt=depuis)
    if jusqu_a is not None:
        enregistrements = enregistrements.filter(rang__lte=jusqu_a)
    bornes = enregistrements.aggregate(premier=Min("rang"), dernier=Max("rang"))
    if bornes["premier"] is None:
        return sequentiel
    etendue = bornes["dernier"] - bornes["premier"] + 1
    nombre = max(1, min(processus * 4, etendue // minimal))
    if nombre == 1:
        return sequentiel
    pas = -(-etendue // nombre)
    debuts = [bornes["premier"] + i * pas for i in range(nombre)]
    return [(debut, min(debut + pas - 1, bornes["dernier"])) for debut in debuts]


def _contexte(journal: str, debut: int, depuis: int) -> list[tuple[int | None, str]]:
    """The last two records before a range (oldest first), as the sequential loop would have seen them."""
    avant = MODELES[journal].objects.filter(rang__lt=debut, rang__gt=depuis).order_by("-rang")
    return list(reversed(avant.values_list("rang", "empreinte")[:2]))


def _segment_verifier(
    journal: str, debut: int, fin: int, contexte: list[tuple[int, str]], points: list[domain.PointDeControle]
) -> tuple[Rapport, tuple[int, str, str] | None]:
    try:
        verification = domain.Verification(journal, points=points, cles=cles_de_verification())
        verification.reprendre(contexte)
        for lot in _lignes(journal, depuis=debut - 1, jusqu_a=fin):
            verification.ajouter(lot)
        return verification.rapport, verification.etat()
    finally:
        connections.close_all()  # in a child process: its own connections, closed before it ends


def _en_parallele(
    journal: str, segments: list[tuple[int, int]], points: list[domain.PointDeControle], depuis: int, processus: int
) -> list[tuple[Rapport, tuple[int, str, str] | None]]:
    ancre = {point.rang: point for point in points}.get(depuis)
    depart = [(depuis, ancre.empreinte)] if ancre is not None else []
    taches = [
        (journal, debut, fin, _contexte(journal, debut, depuis) if rang else depart, points)
        for rang, (debut, fin) in enumerate(segments)
    ]
    connections.close_all()  # a forked child must never use its parent's connection
    with ProcessPoolExecutor(processus, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(_segment_verifier, *zip(*taches, strict=True)))
