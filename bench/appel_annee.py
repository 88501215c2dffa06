"""The data call over a year of data (bench/README.md, « Une année de données »), and what a call costs.

In one run, on loopback only, two services side by side (gunicorn, 2 sync workers each, as `make run` serves):
**grand**, the year of data of `jeu_annee.py` (5 M persons, 10 M rights, 20 M journal records), and **petit**,
an empty journal and a 10,000-person registry. Then `--tours` rounds, alternating which goes first; in each
round and for each service:

1. the data call at a constant rate (250 requests/s for 30 s by default, open loop, latency counted from each
   request's due time): p50, p99, max, errors, and the journal checked: exactly one record per call (by
   X-Request-ID, among the records written since the run began);
2. the no-op (`GET /healthz`, the same stack without the data) at the same rate for `--duree-noop` seconds;
3. for both, the CPU time per request of the gunicorn workers and of the PostgreSQL backends serving the
   service (`pg_stat_activity` of its database, then `/proc/<pid>/stat`): the cost to track from now on.

The target: the big set's p99 within 20 % of the small one's (medians of the rounds), zero errors, one record
per call.

    .venv/bin/python bench/appel_annee.py                            # builds the year (17 min here), drops it after
    .venv/bin/python bench/appel_annee.py --reutiliser --garder \\
        --database-url postgres://postgres@127.0.0.1:5432/wt20a_annee   # a set kept by jeu_annee.py --garder
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import api_load as charge  # bench/ is not a package
import commun
import jeu_annee
import psycopg

JOURNAL = "journal_enregistrement"
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Service:
    nom: str  # "petit" or "grand"
    url: str
    pool: list[str]
    serveur: commun.Serveur | None = None
    jeton: str = ""
    mesures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def base(self) -> str:
        return urllib.parse.urlparse(self.url).path.lstrip("/")


def _ticks(pid: int) -> int:
    try:
        champs = Path(f"/proc/{pid}/stat").read_text().rpartition(") ")[2].split()
    except OSError:
        return 0
    return int(champs[11]) + int(champs[12])  # utime + stime


def _workers(serveur: commun.Serveur) -> list[int]:
    """gunicorn's workers: the children of its master."""
    enfants = Path(f"/proc/{serveur.process.pid}/task/{serveur.process.pid}/children")
    return [int(pid) for pid in enfants.read_text().split()]


def _backends(connexion: psycopg.Connection, base: str) -> list[int]:
    """The PostgreSQL processes serving the service: its database's client backends, ours excepted."""
    lignes = connexion.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend' "
        "AND pid <> pg_backend_pid()",
        [base],
    ).fetchall()
    return [pid for (pid,) in lignes]


class Cpu(threading.Thread):
    """CPU time of the workers and of the backends during a run, sampled every half second: a process that
    starts during the run (a connection reopened after CONN_MAX_AGE) counts from zero, one that ends keeps its
    last sample (at most half a second of it is lost)."""

    def __init__(self, service: Service) -> None:
        super().__init__(daemon=True)
        assert service.serveur is not None
        self.serveur, self.url, self.base = service.serveur, service.url, service.base
        self.premiers: dict[str, dict[int, int]] = {"workers": {}, "backends": {}}
        self.derniers: dict[str, dict[int, int]] = {"workers": {}, "backends": {}}
        self.arret = threading.Event()
        self.connexion = psycopg.connect(self.url, autocommit=True)
        self._relever(premier=True)

    def _relever(self, premier: bool = False) -> None:
        for genre, pids in (("workers", _workers(self.serveur)), ("backends", _backends(self.connexion, self.base))):
            for pid in pids:
                ticks = _ticks(pid)
                self.premiers[genre].setdefault(pid, ticks if premier else 0)
                self.derniers[genre][pid] = max(ticks, self.derniers[genre].get(pid, 0))

    def run(self) -> None:
        while not self.arret.wait(0.5):
            self._relever()

    def terminer(self) -> dict[str, float]:
        """Seconds of CPU of each kind since the start."""
        self.arret.set()
        self.join()
        self._relever()
        self.connexion.close()
        return {
            genre: sum(t - self.premiers[genre][pid] for pid, t in self.derniers[genre].items()) / TICK
            for genre in ("workers", "backends")
        }


def _requetes(service: Service, noop: bool, nombre: int, prefixe: str) -> list[bytes]:
    assert service.serveur is not None
    port = service.serveur.port
    requetes = []
    for i in range(nombre):
        entete = f"Host: {commun.HOST}:{port}\r\nX-Request-ID: {prefixe}{i:07d}\r\n"
        if noop:
            requetes.append(f"GET {commun.NOOP_PATH} HTTP/1.1\r\n{entete}\r\n".encode())
            continue
        corps = charge._body(random.choice(service.pool))
        requetes.append(
            f"POST {commun.DATA_PATH} HTTP/1.1\r\n{entete}Authorization: Bearer {service.jeton}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(corps)}\r\n\r\n".encode()
            + corps
        )
    return requetes


def _tir(service: Service, connexion: psycopg.Connection, noop: bool, debit: float, duree: float) -> dict[str, Any]:
    """One constant-rate run of the data call (or the no-op): latencies, errors, CPU per request, journal."""
    assert service.serveur is not None
    nombre = int(debit * duree)
    prefixe = f"annee-{uuid.uuid4().hex[:10]}-"
    requetes = _requetes(service, noop, nombre, prefixe)
    (id_avant,) = _agreger(connexion, f"SELECT COALESCE(MAX(id), 0) FROM {JOURNAL}", [])
    charge_avant = Path("/proc/loadavg").read_text().split()[0]
    wal_avant = _wal(connexion)
    releve = Cpu(service)
    releve.start()
    cles = None if noop else charge.DATA_KEYS
    issue = asyncio.run(charge._constant_rate(service.serveur.port, requetes, debit, 10.0, cles))
    cpu = releve.terminer()
    wal = _wal(connexion)
    lignes, distincts = _journal_attendre(connexion, id_avant, prefixe, 0 if noop else nombre)
    serveur = sorted(_durees_serveur(service.serveur.log.name, prefixe))
    latences = sorted(x * 1000 for x in issue["latencies"])
    erreurs = sum(issue["kinds"].values())
    return {
        "route": "noop" if noop else "appel",
        "requetes": nombre,
        "erreurs": erreurs,
        "genres_erreurs": issue["kinds"],
        "p50_ms": round(charge._percentile(latences, 50), 2),
        "p99_ms": round(charge._percentile(latences, 99), 2),
        "max_ms": round(latences[-1], 2) if latences else None,
        "serveur_p50_ms": round(charge._percentile(serveur, 50), 2),
        "serveur_p99_ms": round(charge._percentile(serveur, 99), 2),
        "serveur_max_ms": serveur[-1] if serveur else None,
        "reponses_serveur": len(serveur),
        "debit_obtenu": round(nombre / issue["elapsed"], 1),
        "cpu_workers_us": round(cpu["workers"] / nombre * 1e6),
        "cpu_backends_us": round(cpu["backends"] / nombre * 1e6),
        # What the server wrote to its WAL per request (the sealer's included), and the checkpoints that
        # came during the run: after each, a page's first change writes the whole page to the WAL.
        "wal_octets": round((wal[0] - wal_avant[0]) / nombre),
        "points_de_reprise": wal[1] - wal_avant[1],
        "journal": {"enregistrements": lignes, "distincts": distincts},
        # Exactly one record per call sent; when the client gave up on some (timeouts), one per call the server
        # answered (its access log) is what can still be checked, and is reported apart.
        "un_par_appel": noop or (lignes == distincts == nombre),
        "un_par_reponse": noop or (lignes == distincts == len(serveur)),
        "charge_1min": charge_avant,
    }


def _expliquer(identifiant: str) -> list[str]:
    """In a child process on the service's database: the plan of each statement of the data call (the
    service's own use case, api/services.py), each executed then rolled back."""
    jeu_annee._django()
    from datetime import date

    from django.db import connection, transaction

    from indemnites.api.services import Appel, indemnisation_consulter
    from indemnites.droits.domain import CHAMPS
    from indemnites.droits.selectors import Identite
    from indemnites.journal.models import Mode

    instructions: list[tuple[str, Any]] = []

    def relever(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        instructions.append((sql, params))
        return execute(sql, params, many, context)

    appel = Appel(
        request_id="appel-annee-explain",
        mode=Mode.PARTENAIRE,
        client_id=commun.CLIENT_ID,
        champs_accordes=frozenset(CHAMPS),
        destinataire=charge.RECIPIENT,
    )
    plan: list[str] = []
    with transaction.atomic():
        with connection.execute_wrapper(relever):
            indemnisation_consulter(
                appel=appel, identite=Identite(identifiant=identifiant), date_reference=date.today()
            )
        with connection.cursor() as cursor:
            for sql, params in instructions:
                if sql.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE")):
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                    plan += [sql.split()[0], *(ligne for (ligne,) in cursor.fetchall())]
        transaction.set_rollback(True)
    return plan


def _plan(service: Service) -> list[str]:
    fait = subprocess.run(
        [sys.executable, __file__, "_expliquer", service.pool[0]],
        env=charge._env(charge.Target("postgresql", service.url)),
        cwd=commun.ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if fait.returncode != 0:
        return [f"(plan indisponible : {fait.stderr.strip().splitlines()[-1:]})"]
    return json.loads(fait.stdout.strip().splitlines()[-1])


def _agreger(connexion: psycopg.Connection, sql: str, params: list[Any]) -> tuple[Any, ...]:
    ligne = connexion.execute(sql, params).fetchone()
    assert ligne is not None  # an aggregate without GROUP BY always returns one row
    return tuple(ligne)


def _wal(connexion: psycopg.Connection) -> tuple[int, int]:
    """The server's WAL position (bytes) and its checkpoints so far. The services run one at a time, so
    the difference over a run is that service's (with whatever the server does in the background)."""
    position, points = _agreger(
        connexion,
        "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint, "
        "checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter",
        [],
    )
    return int(position), int(points)


def _journal_attendre(connexion: psycopg.Connection, id_avant: int, prefixe: str, attendus: int) -> tuple[int, int]:
    """The run's records, once the server has answered everything it received: a request the client gave up
    on (timeout) is still served and recorded; the next run must not start behind that queue."""
    sql = f"SELECT COUNT(*), COUNT(DISTINCT request_id) FROM {JOURNAL} WHERE id > %s AND request_id LIKE %s"
    precedent, stable, limite = -1, 0, time.monotonic() + 60
    while True:
        time.sleep(0.5)
        lignes, distincts = _agreger(connexion, sql, [id_avant, prefixe + "%"])
        stable = stable + 1 if lignes == precedent else 0
        if lignes >= attendus and stable >= 2 or time.monotonic() > limite:
            return lignes, distincts
        precedent = lignes


def _durees_serveur(journal: str, prefixe: str) -> list[float]:
    """Each request's time in the service (`duration_ms` of its access log line): what the data set can change,
    without the queue of a machine too loaded to serve the rate."""
    durees = []
    with open(journal, encoding="utf-8", errors="replace") as lignes:
        for ligne in lignes:
            if prefixe in ligne and ligne.startswith("{"):
                try:
                    durees.append(float(json.loads(ligne)["duration_ms"]))
                except (ValueError, KeyError):
                    continue
    return durees


def _petit(url: str, personnes: int) -> Service:
    """An empty journal and a registry of `personnes` (api_load's preparation), dropped at the end."""
    cible = charge._database_reset(charge.Target("postgresql", url), personnes, False)
    prete = charge._run_phase(cible, "_prepare", str(personnes), "1000", "0")
    return Service("petit", url, prete["pool"])


def _grand(url: str, args: argparse.Namespace) -> tuple[Service, dict[str, Any]]:
    manifeste = jeu_annee.manifeste_lire(url) if args.reutiliser else None
    if manifeste is None:
        print(f"construction du jeu d'une année (échelle {args.echelle})…", flush=True)
        manifeste = jeu_annee.construire(url, echelle=args.echelle)
    hasard = random.Random(7)
    pool = [jeu_annee.identifiant(hasard.randint(1, manifeste["personnes"])) for _ in range(1000)]
    return Service("grand", url, pool), manifeste


def _demarrer(service: Service, workers: int) -> None:
    cible = charge.Target("postgresql", service.url)
    env = {
        **charge._env(cible),
        "METRIQUES_REPERTOIRE": str(charge.BENCH_DIR / f"appel-annee-{service.nom}-metriques"),
    }
    arguments = ["-c", "python:indemnites.exploitation.gunicorn", "indemnites.config.wsgi", "--workers", str(workers)]
    journal = charge.BENCH_DIR / f"appel-annee-{service.nom}-gunicorn.log"
    service.serveur = commun.Serveur(arguments, env, journal)
    service.serveur.wait_ready()
    service.jeton = commun.jeton(service.serveur.base)
    charge._sanity_check(service.serveur.base, service.jeton, service.pool[0])


def _mediane(valeurs: list[float | None]) -> float:
    nombres = [v for v in valeurs if v is not None and v == v]  # neither absent nor NaN (a run without answers)
    return round(statistics.median(nombres), 2) if nombres else float("nan")


def _tableau(services: list[Service]) -> str:
    lignes = [
        "| jeu | route | tours | p50 / p99 / max (ms), médianes | dans le serveur : p50 / p99 / max | erreurs "
        "| un enregistrement par appel (par réponse du serveur) "
        "| CPU µs/requête gunicorn | CPU µs/requête PostgreSQL | total | WAL octets/requête | points de reprise |",
        "| --- | --- | ---: | --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for service in services:
        for route in ("appel", "noop"):
            tirs = [m for m in service.mesures if m["route"] == route]
            workers = _mediane([m["cpu_workers_us"] for m in tirs])
            backends = _mediane([m["cpu_backends_us"] for m in tirs])
            lignes.append(
                f"| {service.nom} | {'appel de données' if route == 'appel' else 'no-op'} | {len(tirs)} "
                f"| {_mediane([m['p50_ms'] for m in tirs])} / {_mediane([m['p99_ms'] for m in tirs])} / "
                f"{_mediane([m['max_ms'] for m in tirs])} | {_mediane([m['serveur_p50_ms'] for m in tirs])} / "
                f"{_mediane([m['serveur_p99_ms'] for m in tirs])} / {_mediane([m['serveur_max_ms'] for m in tirs])} "
                f"| {sum(m['erreurs'] for m in tirs)} "
                f"| {'oui' if all(m['un_par_appel'] for m in tirs) else 'NON'} "
                f"({'oui' if all(m['un_par_reponse'] for m in tirs) else 'NON'}) | {workers:.0f} | {backends:.0f} "
                f"| {workers + backends:.0f} | {_mediane([m.get('wal_octets') for m in tirs]):.0f} "
                f"| {sum(m.get('points_de_reprise', 0) for m in tirs)} |"
            )
    return "\n".join(lignes)


def _verdict(petit: Service, grand: Service) -> str:
    def p99(service: Service, cle: str) -> float:
        return _mediane([m[cle] for m in service.mesures if m["route"] == "appel"])

    ecarts = {cle: p99(grand, cle) / p99(petit, cle) - 1 for cle in ("p99_ms", "serveur_p99_ms")}
    erreurs = sum(m["erreurs"] for s in (petit, grand) for m in s.mesures)
    journal = all(m["un_par_appel"] for s in (petit, grand) for m in s.mesures)
    return (
        f"p99 grand {p99(grand, 'p99_ms')} ms contre petit {p99(petit, 'p99_ms')} ms : {ecarts['p99_ms']:+.0%} "
        f"({'OK' if ecarts['p99_ms'] <= 0.20 else 'MANQUÉ'}, ≤ +20 %) ; dans le serveur "
        f"{p99(grand, 'serveur_p99_ms')} contre {p99(petit, 'serveur_p99_ms')} ms : {ecarts['serveur_p99_ms']:+.0%} ; "
        f"erreurs {erreurs} ({'OK' if not erreurs else 'MANQUÉ'}) ; "
        f"un enregistrement par appel : {'OK' if journal else 'MANQUÉ'}"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=jeu_annee.URL_DEFAUT, help="la base du jeu d'une année")
    parser.add_argument("--reutiliser", action="store_true", help="reprendre le jeu gardé sur cette base s'il existe")
    parser.add_argument("--echelle", type=float, default=1.0, help="échelle du jeu s'il faut le construire")
    parser.add_argument("--garder", action="store_true", help="garder la base du jeu à la fin")
    parser.add_argument("--personnes-petit", type=int, default=10_000, help="registre du petit jeu")
    parser.add_argument("--debit", type=float, default=250.0, help="requêtes/s")
    parser.add_argument("--duree", type=float, default=30.0, help="secondes de l'appel de données par tir")
    parser.add_argument("--duree-noop", type=float, default=10.0, help="secondes du no-op par tir")
    parser.add_argument(
        "--chauffe", type=float, default=10.0, help="secondes d'appels de données non comptés, avant les tours"
    )
    parser.add_argument("--tours", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    durees = (args.duree, args.duree_noop, args.chauffe)
    if not 0 < args.debit <= 1000 or not all(0 < duree <= 120 for duree in durees):
        parser.error("débit ≤ 1000 req/s, durées ≤ 120 s")
    print(f"{os.cpu_count()} cœurs, charge {Path('/proc/loadavg').read_text().strip()}", flush=True)
    jeu_annee.preparer_repertoire()
    grand, manifeste = _grand(args.database_url, args)
    url_petit = f"{args.database_url}_petit"
    services: list[Service] = []
    try:
        petit = _petit(url_petit, args.personnes_petit)
        services = [petit, grand]
        for service in services:
            _demarrer(service, args.workers)
        connexions = {
            s.nom: psycopg.connect(s.url.replace("postgres://", "postgresql://"), autocommit=True) for s in services
        }
        for service in services:  # warm-up at the run's rate: imports, connections, caches
            _tir(service, connexions[service.nom], False, args.debit, args.chauffe)
            _tir(service, connexions[service.nom], True, args.debit, 2)
        for tour in range(args.tours):
            for service in services if tour % 2 == 0 else services[::-1]:
                for noop, duree in ((False, args.duree), (True, args.duree_noop)):
                    mesure = _tir(service, connexions[service.nom], noop, args.debit, duree)
                    service.mesures.append(mesure)
                    print(f"   tour {tour + 1} {service.nom} : {json.dumps(mesure, ensure_ascii=False)}", flush=True)
        for service in services:
            print(f"\nplan de l'appel de données, jeu {service.nom} :", *_plan(service), sep="\n   ", flush=True)
    finally:
        for service in services:
            if service.serveur is not None:
                service.serveur.stop()
        nom_petit = urllib.parse.urlparse(url_petit).path.lstrip("/")
        options = jeu_annee._psql_base(url_petit)[0]
        subprocess.run(["dropdb", "--if-exists", "--force", *options, nom_petit], capture_output=True, check=False)
        if not args.garder:
            jeu_annee.supprimer(args.database_url)
    print("\n" + _tableau(services))
    print("\n" + _verdict(petit, grand))
    taille = f"{manifeste['personnes']} personnes, {manifeste['enregistrements']} enregistrements"
    print(f"jeu : {taille} ({manifeste['base']})")
    sortie = charge.BENCH_DIR / f"appel-annee-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    sortie.write_text(json.dumps({s.nom: s.mesures for s in services}, indent=2, ensure_ascii=False))
    print(f"détail : {sortie.relative_to(commun.ROOT)}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "_expliquer":
        print(json.dumps(_expliquer(sys.argv[2])))
        sys.exit(0)
    try:
        sys.exit(main(sys.argv[1:]))
    except commun.BenchError as erreur:
        print(f"appel_annee : {erreur}", file=sys.stderr)
        sys.exit(2)
