"""Load benchmark of the server-to-server route, on loopback only (bench/README.md, « Charge de l'API »).

For each database (SQLite file under var/bench/, or a PostgreSQL database whose name contains "bench")
and each registry size, in one run:

1. a fresh database: migrations, demo data, then the registry filled to N persons with bulk SQL
   (one or two rights each);
2. gunicorn (2 sync workers) on a free 127.0.0.1 port, a client_credentials token;
3. `wrk` at full speed on `GET /healthz` (a no-op of the same stack) then on the full
   `POST /partenaire/indemnisations/v1/indemnisation`, identifiants drawn from a pool of existing persons;
4. an open-loop run at a constant rate (250 requests/s for 30 s by default): each request is due at
   `start + i / rate` and its latency counts from that due time, so a slow server cannot hide its
   queue (no coordinated omission);
5. the journal checked: one record per request of the constant-rate run (by X-Request-ID), and as
   many records as wrk's answers (plus at most the requests in flight when wrk stopped).

Everything it starts, it stops (gunicorn's process group, wrk), also on error or Ctrl-C.

    .venv/bin/python bench/api_load.py --persons 10000 --persons 1000000 \\
        --database-url sqlite --database-url postgres://postgres@127.0.0.1:5432/bench_api
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import io
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from commun import (
    CLIENT_ID,
    DATA_PATH,
    HOST,
    NOOP_PATH,
    ROOT,
    SETTINGS,
    BenchError,
    Serveur,
    jeton,
)

BENCH_DIR = ROOT / "var" / "bench"
RECIPIENT = "13002526500013"
BENCH_PREFIX = "bench."  # identifiants of the persons added by the benchmark
LOOPBACK_DB_HOSTS = {"127.0.0.1", "localhost", "::1", ""}
# The serving command of docs/exploitation.md: its hooks manage the metrics' multiprocess directory.
GUNICORN_HOOKS = ROOT / "indemnites" / "exploitation" / "gunicorn.py"
METRICS_DIR = BENCH_DIR / f"api-load-metriques-{os.getpid()}"  # removed at the end of the run


# --------------------------------------------------------------------------------------------------
# Database side: these run in a child process, with Django set up on the benchmark's database.
# --------------------------------------------------------------------------------------------------

_FILL_PERSONS = {
    "sqlite": """
        INSERT INTO {personnes} (created_at, updated_at, identifiant, nir_hash, nom_naissance, prenom,
                                 date_naissance, lieu_naissance, email, sexe, pseudonyme)
        WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < %s)
        SELECT %s, %s, '{prefix}' || g, NULL, 'BENCH', 'Personne',
               date('1960-01-01', '+' || (g %% 15000) || ' days'), '', '', 'F', lower(hex(randomblob(16)))
        FROM s
    """,
    "postgresql": """
        INSERT INTO {personnes} (created_at, updated_at, identifiant, nir_hash, nom_naissance, prenom,
                                 date_naissance, lieu_naissance, email, sexe, pseudonyme)
        SELECT %s, %s, '{prefix}' || g, NULL, 'BENCH', 'Personne',
               DATE '1960-01-01' + (g %% 15000), '', '', 'F', gen_random_uuid()
        FROM generate_series(1, %s) AS g
    """,
}
# Every bench person gets a right; one in two gets a second one. One in three first rights has ended.
_PRESTATION = (
    "CASE ({expr}) %% 6 WHEN 0 THEN 'ARE' WHEN 1 THEN 'ASP' WHEN 2 THEN 'ASS' "
    "WHEN 3 THEN 'AER' WHEN 4 THEN 'AAH' ELSE 'RSA' END"
)
_ORGANISME = "CASE WHEN ({expr}) %% 6 >= 4 THEN 'CAF' ELSE 'France Travail' END"


def _fill_rights_sql(vendor: str, droits: str, personnes: str, today: str, second: bool) -> str:
    """`today` is our own ISO date, written as a literal; the params are (now, now, last id before the fill)."""

    def shifted(start: str, sign: str, days: str) -> str:
        if vendor == "sqlite":
            return f"date({start}, '{sign}' || ({days}) || ' days')"
        return f"({start} {sign} CAST({days} AS integer))"

    origin = f"'{today}'" if vendor == "sqlite" else f"DATE '{today}'"
    expr = "p.id + 3" if second else "p.id"
    debut = shifted(origin, "-", "p.id %% 200" if second else "p.id %% 700")
    fin = "NULL" if second else f"CASE WHEN p.id %% 3 = 0 THEN {shifted(debut, '+', 'p.id %% 400')} END"
    where = "p.id > %s AND p.id %% 2 = 0" if second else "p.id > %s"
    return f"""
        INSERT INTO {droits} (created_at, updated_at, prestation, organisme, date_debut, date_fin, reference,
                              demandeur_id)
        SELECT %s, %s, {_PRESTATION.format(expr=expr)}, {_ORGANISME.format(expr=expr)}, {debut}, {fin},
               'bench-' || p.id || '{"-2" if second else "-1"}', p.id
        FROM {personnes} p WHERE {where}
    """


def _django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _ecritures_terminer(vendor: str) -> None:
    """The fill's writes reach the disk before the measures: otherwise the system writes back a GB of dirty pages
    (and PostgreSQL runs the checkpoint the fill called for) during them, and every commit's fsync waits behind
    that — tail latencies of a bulk load, not of the service."""
    if vendor == "postgresql":
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    os.sync()


def _phase_prepare(persons: int, pool_size: int, reuse: bool) -> dict[str, Any]:
    """Migrate, load the demo data, fill the registry to `persons`; returns the pool of identifiants."""
    _django_setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from indemnites.droits.models import DemandeurEmploi, Droit

    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("demo_charger", stdout=io.StringIO())
    _quotas_lever()
    personnes, droits = DemandeurEmploi._meta.db_table, Droit._meta.db_table
    vendor = connection.vendor
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {personnes} WHERE identifiant LIKE %s", [BENCH_PREFIX + "%"])
        already = cursor.fetchone()[0]
        cursor.execute(f"SELECT COUNT(*) FROM {personnes}")
        total = cursor.fetchone()[0]
    n_bench = persons - (total - already)
    if n_bench < 1:
        raise BenchError(f"--persons {persons} est inférieur aux personas de démonstration ({total - already}).")
    if already and not (reuse and already == n_bench):
        raise BenchError("La base contient déjà des personnes du banc : elle devait être recréée.")
    filled = already == 0
    if filled:
        if vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB for the bulk insert only
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        today = timezone.localdate().isoformat()
        with transaction.atomic(), connection.cursor() as cursor:
            if vendor == "postgresql":
                cursor.execute("SET statement_timeout = 0")  # the settings' 10 s are for requests
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {personnes}")
            max_before = cursor.fetchone()[0]
            sql = _FILL_PERSONS[vendor].format(personnes=personnes, prefix=BENCH_PREFIX)
            params = [n_bench, now, now] if vendor == "sqlite" else [now, now, n_bench]
            cursor.execute(sql, params)
            for second in (False, True):
                cursor.execute(_fill_rights_sql(vendor, droits, personnes, today, second), [now, now, max_before])
        # What autovacuum would have done long before real traffic: statistics, and on PostgreSQL the
        # visibility map and hint bits, which the first readers of a freshly loaded table would otherwise set.
        with connection.cursor() as cursor:
            if vendor == "sqlite":
                cursor.execute("ANALYZE")
            else:
                cursor.execute("SET statement_timeout = 0")  # this step's own connection only
                cursor.execute(f"VACUUM (ANALYZE) {personnes}, {droits}")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {personnes}")
        total = cursor.fetchone()[0]
        cursor.execute(f"SELECT COUNT(*) FROM {droits}")
        n_droits = cursor.fetchone()[0]
        cursor.execute(f"SELECT MIN(id), MAX(id) FROM {personnes} WHERE identifiant LIKE %s", [BENCH_PREFIX + "%"])
        low, high = cursor.fetchone()
    # Bench persons got consecutive ids and identifiants `bench.1` … `bench.<n>` in the same order.
    numbers = random.sample(range(1, n_bench + 1), min(pool_size, n_bench))
    pool = [f"{BENCH_PREFIX}{n}" for n in numbers]
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(pool))
        cursor.execute(
            f"SELECT COUNT(DISTINCT p.id) FROM {personnes} p JOIN {droits} r ON r.demandeur_id = p.id "
            f"WHERE p.identifiant IN ({marks})",
            pool,
        )
        found = cursor.fetchone()[0]
    if found != len(pool):
        raise BenchError(f"Réservoir d'identifiants incohérent : {found} personnes avec droits sur {len(pool)}.")
    _ecritures_terminer(vendor)
    return {
        "persons": total,
        "rights": n_droits,
        "bench_ids": [low, high],
        "pool": pool,
        "filled": filled,
        "seconds": round(time.monotonic() - started, 1),
        "vendor": vendor,
    }


def _quotas_lever() -> None:
    """The limiter stays on (its cost is part of the call) but never refuses the benchmark's client."""
    from indemnites.oauth.models import Application

    champs = {field.name for field in Application._meta.get_fields()}
    hauts = {"quota_par_seconde": 1_000_000, "volume_journalier": 1_000_000_000}
    Application.objects.filter(client_id=CLIENT_ID).update(**{k: v for k, v in hauts.items() if k in champs})


def _phase_journal(prefix: str) -> dict[str, Any]:
    """How many journal records, and how the records of the constant-rate run (by request id) look."""
    _django_setup()
    from django.db import connection

    from indemnites.journal.models import Enregistrement

    table = Enregistrement._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        total = cursor.fetchone()[0]
        result: dict[str, Any] = {"total": total}
        if any(field.name == "rang" for field in Enregistrement._meta.concrete_fields):
            # Records are chained after the fact by a background sealer: how many still wait for it.
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE rang IS NULL")
            result["unsealed"] = cursor.fetchone()[0]
        if prefix:
            cursor.execute(
                f"SELECT COUNT(*), COUNT(DISTINCT request_id), "
                f"COALESCE(SUM(CASE WHEN statut = 200 AND resultat = 'donnees-transmises' THEN 1 ELSE 0 END), 0) "
                f"FROM {table} WHERE request_id LIKE %s",
                [prefix + "%"],
            )
            rows, distinct, ok = cursor.fetchone()
            result.update({"rows": rows, "distinct": distinct, "ok": ok})
    return result


# --------------------------------------------------------------------------------------------------
# Orchestration (parent process).
# --------------------------------------------------------------------------------------------------


@dataclass
class Target:
    label: str  # "sqlite" or "postgresql"
    url: str


@dataclass
class WrkResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    errors: dict[str, int]
    server_cpu_us: float = 0.0  # gunicorn workers' CPU time per answered request
    cores: dict[str, float] = field(default_factory=dict)  # who used the 2 cores during the run

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


@dataclass
class RateResult:
    rate: float
    seconds: float
    sent: int
    ok: int
    errors: int
    error_kinds: dict[str, int]
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    dispatch_lag_p99_ms: float
    achieved_rps: float
    cores: dict[str, float]


@dataclass
class ConfigResult:
    database: str
    persons: int
    rights: int
    prepare_seconds: float
    loadavg_before: tuple[float, float, float]
    wrk_connections: int
    noop: list[WrkResult] = field(default_factory=list)
    full: list[WrkResult] = field(default_factory=list)
    wrk_journal: list[dict[str, int]] = field(default_factory=list)  # records and answers, per round
    rate: RateResult | None = None
    rate_journal: dict[str, int] = field(default_factory=dict)
    sealing_backlog: dict[str, float] = field(default_factory=dict)

    @property
    def noop_rps(self) -> float:
        return _median([r.rps for r in self.noop])

    @property
    def full_rps(self) -> float:
        return _median([r.rps for r in self.full])

    @property
    def ratio(self) -> float:
        """Median of the rounds' ratios: each full run is compared with the no-op run just before it."""
        return _median([full.rps / noop.rps for noop, full in zip(self.noop, self.full, strict=True) if noop.rps])

    @property
    def journal_ok(self) -> bool:
        rate_ok = bool(
            self.rate
            and self.rate_journal.get("rows") == self.rate.sent
            and self.rate_journal.get("distinct") == self.rate.sent
        )
        # wrk drops the answers still in flight when it stops (at most one per connection): they have a record.
        wrk_ok = all(0 <= r["records"] - r["answers"] <= self.wrk_connections for r in self.wrk_journal)
        return rate_ok and wrk_ok


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _percentile(ordered: list[float], p: float) -> float:
    """Nearest rank on an ascending list."""
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


EXTRA_ENV: dict[str, str] = {}  # --env KEY=VALUE


def bench_dir_preparer() -> None:
    """The service's VAR_DIR for the benchmarks, with its own OIDC key (the sandbox's connected-mode
    clients need one; `make run` makes var/'s, not this one)."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "dev_keys.py"), str(BENCH_DIR / "oidc-dev-key.pem")],
        check=True,
        capture_output=True,
    )


def _env(target: Target) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": target.url,
            "VAR_DIR": str(BENCH_DIR),
            "SANDBOX": "true",
            "PYTHONPATH": str(ROOT),
            # Every request comes from 127.0.0.1: the per-address limit must not refuse the load.
            "TRAFIC_LIMITE_IP_PAR_MINUTE": "1000000000",
            # Our own metrics directory: the hooks empty it at start-up, another bench may be running.
            "METRIQUES_REPERTOIRE": str(METRICS_DIR),
        }
    )
    env.pop("REDIS_URL", None)
    env.update(EXTRA_ENV)
    return env


def _run_phase(target: Target, *args: str) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        env=_env(target),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if completed.returncode != 0:
        raise BenchError(f"Étape {args[0]} en échec :\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _targets(urls: list[str]) -> list[Target]:
    targets = []
    for url in urls:
        if url == "sqlite":
            targets.append(Target("sqlite", "sqlite"))
            continue
        parsed = urllib.parse.urlparse(url)
        if parsed.scheme not in {"postgres", "postgresql"}:
            raise BenchError(f"--database-url : « sqlite » ou postgres://…, pas {parsed.scheme}://")
        name = parsed.path.lstrip("/")
        # The database is dropped and recreated: refuse anything that does not look like a bench database.
        if "bench" not in name:
            raise BenchError(f"La base PostgreSQL {name!r} sera recréée : son nom doit contenir « bench ».")
        if (parsed.hostname or "") not in LOOPBACK_DB_HOSTS:
            raise BenchError("Le banc ne vise que des bases locales (127.0.0.1).")
        targets.append(Target("postgresql", url))
    return targets


def _database_key(target: Target, persons: int) -> str:
    if target.label == "sqlite":
        return f"sqlite-{persons}"
    return "postgresql-" + urllib.parse.urlparse(target.url).path.lstrip("/")


@contextlib.contextmanager
def _exclusive(key: str) -> Iterator[None]:
    """Two runs on the same database would drop or refill it under each other's feet."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    with (BENCH_DIR / f"api-load-{key}.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise BenchError(
                f"Un autre api_load utilise déjà la base {key} : attendez-le ou prenez-en une autre."
            ) from error
        yield


def _database_reset(target: Target, persons: int, reuse: bool) -> Target:
    """A fresh database for this configuration (or the previous one with `--reuse-database`)."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if target.label == "sqlite":
        path = BENCH_DIR / f"api-{persons}.sqlite3"
        if not reuse:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return Target("sqlite", f"sqlite:///{path}")
    if not reuse:
        parsed = urllib.parse.urlparse(target.url)
        base = ["-h", parsed.hostname or HOST, "-p", str(parsed.port or 5432), "-U", parsed.username or "postgres"]
        name = parsed.path.lstrip("/")
        env = dict(os.environ)
        if parsed.password:
            env["PGPASSWORD"] = urllib.parse.unquote(parsed.password)
        for command in (["dropdb", "--if-exists", "--force", *base, name], ["createdb", *base, name]):
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
            if done.returncode != 0:
                raise BenchError(f"{' '.join(command[:1])} : {done.stderr.strip()}")
    return target


NICE = {"value": 0}


def _priority_set(pid: int, nice: int) -> None:
    """Nice value of a process (inherited by its children) and of its session's scheduling group: with
    autogroup on, the kernel shares the CPU between sessions first, whatever the processes' nice."""
    NICE["value"] = nice
    os.setpriority(os.PRIO_PROCESS, pid, nice)
    autogroup = Path(f"/proc/{pid}/autogroup")
    if autogroup.exists():
        try:
            autogroup.write_text(str(nice))
        except OSError as error:
            print(f"   (priorité du groupe d'ordonnancement non modifiée : {error})", flush=True)


class Gunicorn(Serveur):
    """The service as docs/exploitation.md serves it (its hooks manage the metrics' directory)."""

    def __init__(self, target: Target, workers: int, extra_args: list[str], log_path: Path):
        hooks = ["-c", "python:indemnites.exploitation.gunicorn"] if GUNICORN_HOOKS.exists() else []
        arguments = [*hooks, "indemnites.config.wsgi", "--workers", str(workers), *extra_args]
        super().__init__(arguments, _env(target), log_path)
        if NICE["value"]:
            _priority_set(self.process.pid, NICE["value"])  # its own session: its own scheduling group


def _body(identifiant: str) -> bytes:
    return json.dumps({"identifiant": identifiant, "recipient": RECIPIENT}, separators=(",", ":")).encode()


def _sanity_check(base: str, token: str, identifiant: str) -> None:
    request = urllib.request.Request(
        base + DATA_PATH,
        data=_body(identifiant),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        payload = json.loads(response.read())
    expected = {"beneficiairePrestationSolidarite", "beneficiaireAssuranceChomage"}
    if set(payload) != expected:
        raise BenchError(f"Réponse inattendue de la route de données : {payload}")


# wrk: one Lua script per endpoint; `done` prints a machine-readable summary line.
_WRK_DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"p50_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""
_WRK_POST = r"""
local ids = {%(ids)s}
local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer %(token)s"}
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("seed", counter)
end
init = function(args)
  math.randomseed(os.time() * 1000 + seed)
end
request = function()
  local id = ids[math.random(#ids)]
  return wrk.format("POST", "%(path)s", headers, '{"identifiant":"' .. id .. '","recipient":"%(recipient)s"}')
end
"""


@dataclass
class CpuSnapshot:
    """CPU time so far (clock ticks): the whole machine (busy), each gunicorn worker and PostgreSQL process
    by pid, and our own children (wrk) in seconds."""

    at: float
    busy: int
    workers: dict[int, int]
    database: dict[int, int]
    children: float

    @classmethod
    def take(cls, server: Gunicorn) -> CpuSnapshot:
        cpu = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        busy = sum(cpu[:8]) - cpu[3] - cpu[4]  # user … steal, without idle and iowait (guest is in user)
        workers: dict[int, int] = {}
        database: dict[int, int] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:
                continue
            name, _, rest = text.partition(" (")[2].rpartition(") ")
            fields = rest.split()
            ticks = int(fields[11]) + int(fields[12])  # utime + stime
            if int(fields[1]) == server.process.pid:  # parent pid: a worker
                workers[int(stat.parent.name)] = ticks
            elif name == "postgres":
                database[int(stat.parent.name)] = ticks
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return cls(time.monotonic(), busy, workers, database, usage.ru_utime + usage.ru_stime)

    @staticmethod
    def _delta(after: dict[int, int], before: dict[int, int]) -> int:
        """A process that exited meanwhile takes its time with it: only the living are compared."""
        return sum(ticks - before.get(pid, 0) for pid, ticks in after.items())

    def workers_seconds(self, before: CpuSnapshot) -> float:
        return self._delta(self.workers, before.workers) / os.sysconf("SC_CLK_TCK")

    def cores_since(self, before: CpuSnapshot, own: float = 0.0) -> dict[str, float]:
        """Average cores used between two snapshots; `others` is what neither the stack nor the load used."""
        tick = os.sysconf("SC_CLK_TCK")
        elapsed = self.at - before.at
        workers = self.workers_seconds(before)
        database = self._delta(self.database, before.database) / tick
        generator = self.children - before.children + own
        others = (self.busy - before.busy) / tick - workers - database - generator
        return {
            name: round(max(value, 0.0) / elapsed, 2)
            for name, value in (
                ("workers", workers),
                ("database", database),
                ("generator", generator),
                ("others", others),
            )
        }


def _wait_sealed(target: Target, max_wait: float) -> dict[str, float]:
    """The constant-rate run measures the steady state: the journal records wrk left unsealed are first
    sealed by the background sealer (how many, and how long it took, are reported)."""
    started = time.monotonic()
    first = last = _run_phase(target, "_journal", "").get("unsealed", 0)
    while last and time.monotonic() - started < max_wait:
        time.sleep(1)
        last = _run_phase(target, "_journal", "").get("unsealed", 0)
    waited = round(time.monotonic() - started, 1)
    if first:
        print(
            f"   journal : {first} enregistrements à sceller après wrk, {last} restants après {waited} s", flush=True
        )
    return {"unsealed_after_wrk": first, "unsealed_left": last, "seconds": waited}


def _wait_quiet(server: Gunicorn, max_wait: float, threshold: float = 0.25) -> float:
    """Waits (at most `max_wait` s) until other processes use less than `threshold` of a core, since
    they share the 2 cores with the server and the load generator. Returns the last load seen."""
    deadline = time.monotonic() + max_wait
    while True:
        before = CpuSnapshot.take(server)
        time.sleep(2)
        cores = CpuSnapshot.take(server).cores_since(before)
        others = round(cores["others"] + cores["database"], 2)  # our server is idle meanwhile
        if others < threshold or time.monotonic() >= deadline:
            return others
        print(f"   (autres processus : {others} cœur, attente d'une machine plus calme)", flush=True)


def _wrk_measured(server: Gunicorn, path: str, script: str, threads: int, connections: int, seconds: int) -> WrkResult:
    before = CpuSnapshot.take(server)
    result = _wrk(server.base, path, script, threads, connections, seconds)
    after = CpuSnapshot.take(server)
    if result.requests:
        result.server_cpu_us = round(after.workers_seconds(before) / result.requests * 1e6)
    result.cores = after.cores_since(before)
    return result


def _wrk(base: str, path: str, script: str, threads: int, connections: int, seconds: int) -> WrkResult:
    script_path = BENCH_DIR / f"wrk-{uuid.uuid4().hex[:8]}.lua"
    script_path.write_text(script + _WRK_DONE)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "5s",
        "-s",
        str(script_path),
        base + path,
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    finally:
        script_path.unlink(missing_ok=True)
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise BenchError(f"wrk en échec ({done.returncode}) :\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    data = json.loads(line.removeprefix("WRK_JSON "))
    seconds_measured = data["duration_us"] / 1e6
    return WrkResult(
        requests=data["requests"],
        seconds=round(seconds_measured, 2),
        rps=round(data["requests"] / seconds_measured, 1),
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        errors={k: data[k] for k in ("connect", "read", "write", "status", "timeout") if data[k]},
    )


def _wrk_post_script(token: str, pool: list[str]) -> str:
    ids = ",".join(json.dumps(i) for i in pool)
    return _WRK_POST % {"ids": ids, "token": token, "path": DATA_PATH, "recipient": RECIPIENT}


# The constant-rate generator: asyncio, raw HTTP/1.1 over loopback sockets. gunicorn's sync workers
# close every connection (`Connection: close`), so most requests open a new one; a connection the
# server keeps open goes back to the idle list and is reused.


class _Client:
    def __init__(self, port: int, timeout: float):
        self.port = port
        self.timeout = timeout
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def exchange(self, raw: bytes) -> tuple[int, bytes]:
        reader, writer = self.idle.pop() if self.idle else await asyncio.open_connection(HOST, self.port)
        keep = False
        try:
            writer.write(raw)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ", 2)[1])
            headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:] if x)}
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            keep = headers.get("connection", "").lower() != "close"
            return status, body
        finally:
            if keep:
                self.idle.append((reader, writer))
            else:
                writer.close()

    def close(self) -> None:
        for _, writer in self.idle:
            writer.close()


DATA_KEYS = frozenset({"beneficiairePrestationSolidarite", "beneficiaireAssuranceChomage"})


async def _constant_rate(
    port: int, requests: list[bytes], rate: float, timeout: float, expected_keys: frozenset[str] | None = DATA_KEYS
) -> dict[str, Any]:
    """`expected_keys`: the keys of every 200 answer's JSON body (None: the body is not read as JSON)."""
    loop = asyncio.get_running_loop()
    client = _Client(port, timeout)
    latencies: list[float] = []
    lags: list[float] = []
    kinds: dict[str, int] = {}

    def error(kind: str) -> None:
        kinds[kind] = kinds.get(kind, 0) + 1

    async def one(raw: bytes, due: float) -> None:
        lags.append(loop.time() - due)
        try:
            status, body = await asyncio.wait_for(client.exchange(raw), timeout)
        except TimeoutError:
            error("timeout")
            return
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
            error(type(exc).__name__)
            return
        latencies.append(loop.time() - due)  # from the due time, not the send time
        if status != 200:
            error(f"http-{status}")
        elif expected_keys is not None and set(json.loads(body)) != expected_keys:
            error("body")

    start = loop.time() + 0.2
    tasks = []
    for i, raw in enumerate(requests):
        due = start + i / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(loop.create_task(one(raw, due)))
    await asyncio.gather(*tasks)
    elapsed = loop.time() - start
    client.close()
    return {"latencies": latencies, "lags": lags, "kinds": kinds, "elapsed": elapsed}


def _rate_run(server: Gunicorn, token: str, pool: list[str], rate: float, seconds: float, prefix: str) -> RateResult:
    port = server.port
    count = int(rate * seconds)
    requests = []
    for i in range(count):
        body = _body(random.choice(pool))
        head = (
            f"POST {DATA_PATH} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nX-Request-ID: {prefix}{i:07d}\r\n\r\n"
        )
        requests.append(head.encode() + body)
    before, own = CpuSnapshot.take(server), time.process_time()
    outcome = asyncio.run(_constant_rate(port, requests, rate, timeout=10.0))
    cores = CpuSnapshot.take(server).cores_since(before, own=time.process_time() - own)
    latencies = sorted(x * 1000 for x in outcome["latencies"])
    lags = sorted(x * 1000 for x in outcome["lags"])
    errors = sum(outcome["kinds"].values())
    return RateResult(
        rate=rate,
        seconds=seconds,
        sent=count,
        ok=count - errors,
        errors=errors,
        error_kinds=outcome["kinds"],
        p50_ms=round(_percentile(latencies, 50), 2),
        p95_ms=round(_percentile(latencies, 95), 2),
        p99_ms=round(_percentile(latencies, 99), 2),
        max_ms=round(latencies[-1] if latencies else float("nan"), 2),
        dispatch_lag_p99_ms=round(_percentile(lags, 99), 2),
        achieved_rps=round(count / outcome["elapsed"], 1),
        cores=cores,
    )


def _run_config(target: Target, persons: int, args: argparse.Namespace) -> ConfigResult:
    with _exclusive(_database_key(target, persons)):
        return _run_config_locked(target, persons, args)


def _run_config_locked(target: Target, persons: int, args: argparse.Namespace) -> ConfigResult:
    target = _database_reset(target, persons, args.reuse_database)
    print(f"\n== {target.label}, {persons:,} personnes ==".replace(",", " "), flush=True)
    prepared = _run_phase(target, "_prepare", str(persons), str(args.pool), "1" if args.reuse_database else "0")
    print(
        f"   base prête en {prepared['seconds']} s : {prepared['persons']} personnes, {prepared['rights']} droits"
        f"{'' if prepared['filled'] else ' (réutilisée)'}",
        flush=True,
    )
    result = ConfigResult(
        database=target.label,
        persons=prepared["persons"],
        rights=prepared["rights"],
        prepare_seconds=prepared["seconds"],
        loadavg_before=os.getloadavg(),
        wrk_connections=args.wrk_connections,
    )
    pool: list[str] = prepared["pool"]
    key = _database_key(target, persons)  # ours while the lock is held: so is this log
    log = BENCH_DIR / (f"gunicorn-{key}.log" if target.label == "sqlite" else f"gunicorn-{key}-{persons}.log")
    server = Gunicorn(target, args.workers, args.gunicorn_arg or [], log)
    try:
        server.wait_ready()
        try:
            token = jeton(server.base)
            _sanity_check(server.base, token, pool[0])
        except urllib.error.HTTPError as error:
            raise BenchError(f"{error.url} : HTTP {error.code}, voir {server.log.name}") from error
        post_script = _wrk_post_script(token, pool)
        wrk_args = (args.wrk_threads, args.wrk_connections)
        # Warm-up: imports, connections, SQLite/PostgreSQL page cache.
        _wrk(server.base, NOOP_PATH, "", *wrk_args, args.warmup)
        _wrk(server.base, DATA_PATH, post_script, *wrk_args, args.warmup)
        for _ in range(args.rounds):
            _wait_quiet(server, args.wait_quiet)
            result.noop.append(_wrk_measured(server, NOOP_PATH, "", *wrk_args, args.wrk_duration))
            print(f"   wrk {NOOP_PATH} : {_wrk_text(result.noop[-1])}", flush=True)
            time.sleep(1)
            before = _run_phase(target, "_journal", "")["total"]
            result.full.append(_wrk_measured(server, DATA_PATH, post_script, *wrk_args, args.wrk_duration))
            time.sleep(1)  # requests in flight when wrk stopped still get their answer and record
            records = _run_phase(target, "_journal", "")["total"] - before
            result.wrk_journal.append({"records": records, "answers": result.full[-1].requests})
            full, noop = result.full[-1], result.noop[-1]
            print(
                f"   wrk {DATA_PATH} : {_wrk_text(full)}, ratio {full.rps / noop.rps:.0%}, "
                f"journal +{records} pour {full.requests} réponses",
                flush=True,
            )
        prefix = f"bench-{uuid.uuid4().hex[:12]}-"
        result.sealing_backlog = _wait_sealed(target, max_wait=120)
        _wait_quiet(server, args.wait_quiet)
        result.rate = _rate_run(server, token, pool, args.rate, args.rate_duration, prefix)
        time.sleep(0.5)
        result.rate_journal = _run_phase(target, "_journal", prefix)
        rate = result.rate
        print(
            f"   {rate.rate:.0f} req/s pendant {rate.seconds:.0f} s : p50 {rate.p50_ms} ms, p95 {rate.p95_ms} ms, "
            f"p99 {rate.p99_ms} ms, max {rate.max_ms} ms, erreurs {rate.errors} {rate.error_kinds or ''}; "
            f"{_cores_text(rate.cores)} ; journal {result.rate_journal.get('rows')} enregistrements pour "
            f"{rate.sent} requêtes ({result.rate_journal.get('distinct')} request ids distincts"
            f"{_unsealed_text(result.rate_journal)})",
            flush=True,
        )
    finally:
        server.stop()
    return result


def _unsealed_text(journal: dict[str, int]) -> str:
    return f", {journal['unsealed']} pas encore scellés" if "unsealed" in journal else ""


def _cores_text(cores: dict[str, float]) -> str:
    return (
        f"cœurs : gunicorn {cores.get('workers')}, base {cores.get('database')}, "
        f"générateur {cores.get('generator')}, autres processus {cores.get('others')}"
    )


def _wrk_text(result: WrkResult) -> str:
    errors = f", erreurs {result.errors}" if result.errors else ""
    return (
        f"{result.rps} req/s, p50 {result.p50_ms} ms, p99 {result.p99_ms} ms, "
        f"CPU gunicorn {result.server_cpu_us:.0f} µs/requête{errors} ({_cores_text(result.cores)})"
    )


def _journal_text(result: ConfigResult) -> str:
    if result.journal_ok:
        return "1 par requête"
    sent = result.rate.sent if result.rate else 0
    return f"ÉCART : {result.rate_journal.get('rows')} pour {sent} requêtes à débit constant"


def _table(results: list[ConfigResult], rate: float) -> str:
    lines = [
        "| base | personnes | no-op req/s | appel complet req/s | ratio | CPU µs/requête no-op / complet "
        f"| p50 / p95 / p99 / max à {rate:.0f} req/s (ms) | erreurs | journal |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |",
    ]
    for r in results:
        rate_result = r.rate
        wrk_errors = sum(w.error_count for w in r.noop + r.full)
        errors = wrk_errors + (rate_result.errors if rate_result else 0)
        lat = (
            f"{rate_result.p50_ms} / {rate_result.p95_ms} / {rate_result.p99_ms} / {rate_result.max_ms}"
            if rate_result
            else "-"
        )
        lines.append(
            f"| {r.database} | {r.persons:,} | {r.noop_rps:,.0f} | {r.full_rps:,.0f} | {r.ratio:.0%} "
            f"| {_median([w.server_cpu_us for w in r.noop]):,.0f} / {_median([w.server_cpu_us for w in r.full]):,.0f} "
            f"| {lat} "
            f"| {errors} | {_journal_text(r)} |".replace(",", " ")
        )
    return "\n".join(lines)


def _verdict(results: list[ConfigResult], rate: float) -> list[str]:
    lines = []
    for r in results:
        rate_result = r.rate
        p99 = rate_result.p99_ms if rate_result else float("inf")
        errors = sum(w.error_count for w in r.noop + r.full) + (rate_result.errors if rate_result else 1)
        lines.append(
            f"{r.database} {r.persons}: ratio {'OK' if r.ratio >= 0.5 else 'MANQUÉ'} ({r.ratio:.0%}), "
            f"p99 {'OK' if p99 <= 25 else 'MANQUÉ'} ({p99} ms à {rate:.0f} req/s), "
            f"erreurs {'OK' if errors == 0 else 'MANQUÉ'} ({errors}), journal {'OK' if r.journal_ok else 'ÉCART'}"
        )
    by_db: dict[str, list[ConfigResult]] = {}
    for r in results:
        by_db.setdefault(r.database, []).append(r)
    for database, rows in by_db.items():
        if len(rows) >= 2 and all(row.rate for row in rows):
            small, large = min(rows, key=lambda x: x.persons), max(rows, key=lambda x: x.persons)
            assert small.rate  # checked above
            assert large.rate
            lines.append(
                f"{database}: p50 {small.rate.p50_ms} → {large.rate.p50_ms} ms, p99 {small.rate.p99_ms} → "
                f"{large.rate.p99_ms} ms entre {small.persons} et {large.persons} personnes"
            )
    return lines


def _parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url",
        action="append",
        help="« sqlite » (fichier sous var/bench/, défaut) ou postgres://…/base (nom contenant « bench », recréée)",
    )
    parser.add_argument("--persons", type=int, action="append", help="taille du registre (répétable ; défaut 10000)")
    parser.add_argument("--pool", type=int, default=1000, help="personnes interrogées, tirées au hasard")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--gunicorn-arg", action="append", help="argument de plus pour gunicorn (répétable)")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--wrk-connections", type=int, default=16)
    parser.add_argument("--wrk-duration", type=int, default=15, help="secondes par mesure wrk")
    parser.add_argument("--warmup", type=int, default=3, help="secondes de chauffe wrk par route")
    parser.add_argument("--rounds", type=int, default=1, help="mesures wrk no-op/complet alternées (médiane)")
    parser.add_argument("--rate", type=float, default=250.0, help="requêtes/s du tir à débit constant")
    parser.add_argument("--rate-duration", type=float, default=30.0, help="secondes du tir à débit constant")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=120.0,
        help="secondes d'attente au plus, avant chaque mesure, que les autres processus libèrent les cœurs",
    )
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="priorité du banc, héritée par gunicorn et wrk (négative : root ; sur une machine partagée)",
    )
    parser.add_argument(
        "--env", action="append", default=[], help="KEY=VALUE de plus pour le service (ex. REDIS_URL=…)"
    )
    parser.add_argument(
        "--reuse-database", action="store_true", help="garder la base d'un tir précédent (et son journal)"
    )
    args = parser.parse_args(argv)
    args.database_url = args.database_url or ["sqlite"]
    args.persons = args.persons or [10_000]
    if not 0 < args.rate <= 2000 or not 0 < args.rate_duration <= 300 or not 0 < args.wrk_duration <= 120:
        parser.error("débit ≤ 2000 req/s, durées ≤ 300 s (tir constant) et ≤ 120 s (wrk)")
    return args


def main(argv: list[str]) -> int:
    args = _parse_args(argv)
    if shutil.which("wrk") is None:
        raise BenchError("wrk est introuvable : installez-le (Debian : apt-get install -y wrk).")
    targets = _targets(args.database_url)
    for item in args.env:
        key, sep, value = item.partition("=")
        if not sep:
            raise BenchError(f"--env attend KEY=VALUE, pas {item!r}")
        EXTRA_ENV[key] = value
    if args.nice:
        _priority_set(os.getpid(), args.nice)
    bench_dir_preparer()
    # SIGTERM behaves like Ctrl-C, so the `finally` blocks stop gunicorn.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    print(f"{os.cpu_count()} cœurs, charge moyenne {os.getloadavg()}", flush=True)
    results = []
    failures = []
    try:
        for target in targets:
            for persons in args.persons:
                try:
                    results.append(_run_config(target, persons, args))
                except BenchError as error:  # the other configurations still run; the exit code says it
                    print(f"   ÉCHEC : {error}", flush=True)
                    failures.append(f"{target.label} {persons} : {str(error).splitlines()[0]}")
    finally:
        shutil.rmtree(METRICS_DIR, ignore_errors=True)
    print("\n" + _table(results, args.rate))
    if failures:
        print("\n".join(["", "Configurations en échec :", *failures]))
    print("\n".join(["", *_verdict(results, args.rate)]))
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = BENCH_DIR / f"api-load-{stamp}.json"
    out.write_text(json.dumps([asdict(r) for r in results], indent=2, default=str))
    print(f"\nRésultats détaillés : {out.relative_to(ROOT)}")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_prepare":
        print(json.dumps(_phase_prepare(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1")))
    elif len(sys.argv) > 1 and sys.argv[1] == "_journal":
        print(json.dumps(_phase_journal(sys.argv[2])))
    else:
        try:
            sys.exit(main(sys.argv[1:]))
        except BenchError as exc:
            print(f"api_load : {exc}", file=sys.stderr)
            sys.exit(2)
        except KeyboardInterrupt:
            print("api_load : interrompu", file=sys.stderr)
            sys.exit(130)
