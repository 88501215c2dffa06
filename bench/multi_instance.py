"""Two instances versus one, on PostgreSQL + Redis, loopback only (bench/README.md, « Deux instances »).

Each configuration is gunicorn instances (sync workers) sharing one PostgreSQL database and one Redis,
as behind a load balancer; the load generator is `wrk`, one process per instance, with the same total
threads and connections in every configuration, so only the server side changes:

- `1×W`: one instance of W workers (the `make run` set-up, W = 2);
- `2×W`: two instances of W workers each;
- `1×2W`: one instance with as many workers as the two together (more processes, same instance);
- `1×W sans limites`: one instance with the rate limits switched off (what the Redis limiter costs).

The limits stay on (and count in Redis) in the first three: the benchmark's client and address get
limits too high to refuse anything, so every request pays for its two counts. Measured on each
configuration: the no-op `GET /healthz` and the full `POST /partenaire/indemnisations/v1/indemnisation`.
All configurations start first (idle workers cost no CPU), then `--rounds` rounds measure them in turn
and the medians are reported: on a shared machine, a change of background load falls on all alike.

    .venv/bin/python bench/multi_instance.py \\
        --database-url postgres://postgres@127.0.0.1:5432/bench_multi --redis-url redis://127.0.0.1:6379/4

Everything it starts, it stops (gunicorn's process groups, wrk), also on error or Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from commun import CLIENT_ID, DATA_PATH, HOST, NOOP_PATH, ROOT, SETTINGS, BenchError, Serveur, jeton

BENCH_DIR = ROOT / "var" / "bench" / "multi"
BODY = json.dumps({"identifiant": "jean.are", "recipient": "13002526500013"})
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
HIGH = str(10**9)  # limits that count but never refuse

WRK_POST = """
wrk.method = "POST"
wrk.body = %(body)s
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(token)s"
"""


def _prepare() -> dict[str, object]:
    """In a child process on the bench database: migrations, demo data, the bench client's quota."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from indemnites.oauth.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    call_command("demo_charger", verbosity=0)
    updated = Application.objects.filter(client_id=CLIENT_ID).update(quota_par_seconde=10**6, volume_journalier=10**6)
    return {"client": updated}


@dataclass
class Config:
    label: str
    instances: int
    workers: int
    limits: bool = True


@dataclass
class Measure:
    path: str
    rps: float
    requests: int
    non_2xx: int
    errors: int
    per_instance: list[float] = field(default_factory=list)
    server_cpu_us: float = 0.0  # CPU time of the gunicorn processes (all instances) per request


@dataclass
class ConfigResult:
    label: str
    instances: int
    workers: int
    limits: bool
    noop: list[Measure] = field(default_factory=list)  # one per round
    full: list[Measure] = field(default_factory=list)

    @property
    def noop_rps(self) -> float:
        return _median([m.rps for m in self.noop])

    @property
    def full_rps(self) -> float:
        return _median([m.rps for m in self.full])

    @property
    def failures(self) -> int:
        return sum(m.non_2xx + m.errors for m in self.noop + self.full)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


class Instance(Serveur):
    """One gunicorn instance with its own directory (logs, metrics), as behind a load balancer."""

    def __init__(self, name: str, workers: int, env: dict[str, str]) -> None:
        directory = BENCH_DIR / name
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
        env = {**env, "VAR_DIR": str(directory), "METRIQUES_REPERTOIRE": str(directory / "metriques")}
        arguments = [
            "-c", "python:indemnites.exploitation.gunicorn", "indemnites.config.wsgi", "--workers", str(workers),
            "--name", name, "--no-control-socket",
        ]  # fmt: skip
        super().__init__(arguments, env, directory / "gunicorn.log")

    def cpu_ticks(self) -> int:
        """User + system CPU ticks of the instance's process group (master and workers)."""
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == self.process.pid:  # fields[2]: process group id
                total += int(fields[11]) + int(fields[12])  # utime, stime
        return total


_RPS = re.compile(r"Requests/sec:\s+([0-9.]+)")
_TOTAL = re.compile(r"([0-9]+) requests in")
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+([0-9]+)")
_ERRORS = re.compile(r"Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+)")


def _wrk_parallel(bases: list[str], path: str, script: str, threads: int, connections: int, seconds: int) -> Measure:
    """One wrk per instance, started together; the total threads and connections are split evenly."""
    per_threads, per_connections = max(1, threads // len(bases)), max(1, connections // len(bases))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
        script_path = handle.name
    processes = []
    try:
        for base in bases:
            command = ["wrk", f"-t{per_threads}", f"-c{per_connections}", f"-d{seconds}s", "--timeout", "10s"]
            if script:
                command += ["-s", script_path]
            processes.append(subprocess.Popen([*command, base + path], stdout=subprocess.PIPE, text=True))
        outputs = [process.communicate(timeout=seconds + 60)[0] for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
        Path(script_path).unlink(missing_ok=True)
    per_instance, requests, non_2xx, errors = [], 0, 0, 0
    for output in outputs:
        rps = _RPS.search(output)
        if rps is None:
            raise BenchError(f"sortie de wrk illisible :\n{output[-1500:]}")
        per_instance.append(float(rps.group(1)))
        requests += int(_TOTAL.search(output).group(1))  # type: ignore[union-attr]  # wrk prints both lines
        non_2xx += int(m.group(1)) if (m := _NON_2XX.search(output)) else 0
        errors += sum(int(x) for x in m.groups()) if (m := _ERRORS.search(output)) else 0
    return Measure(path, round(sum(per_instance), 1), requests, non_2xx, errors, per_instance)


@dataclass
class Running:
    config: Config
    servers: list[Instance]
    post: str = ""
    result: ConfigResult | None = None

    @property
    def bases(self) -> list[str]:
        return [server.base for server in self.servers]


def _start(config: Config, env: dict[str, str]) -> Running:
    env = {**env, "TRAFIC_LIMITES_ACTIVES": "true" if config.limits else "false"}
    name = config.label.replace("×", "x").replace(" ", "-")
    servers = [Instance(f"{name}-{n}", config.workers, env) for n in range(config.instances)]
    return Running(config, servers, result=ConfigResult(config.label, config.instances, config.workers, config.limits))


def _measure(running: Running, args: argparse.Namespace, warmup: bool) -> None:
    wrk = (args.wrk_threads, args.wrk_connections)
    if warmup:
        _wrk_parallel(running.bases, NOOP_PATH, "", *wrk, args.warmup)
        _wrk_parallel(running.bases, DATA_PATH, running.post, *wrk, args.warmup)
    result = running.result
    assert result is not None
    result.noop.append(_measured(running, NOOP_PATH, "", wrk, args.duration))
    time.sleep(1)
    result.full.append(_measured(running, DATA_PATH, running.post, wrk, args.duration))
    time.sleep(1)
    noop, full = result.noop[-1], result.full[-1]
    print(
        f"   {result.label:<20} no-op {noop.rps:>6.0f} req/s ({noop.server_cpu_us:>5.0f} µs CPU)"
        f"   appel complet {full.rps:>6.0f} req/s ({full.server_cpu_us:>5.0f} µs CPU)"
        f"   (non-2xx {noop.non_2xx + full.non_2xx}, erreurs {noop.errors + full.errors})",
        flush=True,
    )


def _measured(running: Running, path: str, script: str, wrk: tuple[int, int], seconds: int) -> Measure:
    """A wrk run, with the CPU the gunicorn processes spent on it: unlike requests per second, CPU per
    request hardly moves with the machine's background load."""
    before = sum(server.cpu_ticks() for server in running.servers)
    measure = _wrk_parallel(running.bases, path, script, *wrk, seconds)
    spent = sum(server.cpu_ticks() for server in running.servers) - before
    if measure.requests:
        measure.server_cpu_us = round(spent / os.sysconf("SC_CLK_TCK") * 1e6 / measure.requests, 1)
    return measure


def _run(configs: list[Config], env: dict[str, str], args: argparse.Namespace) -> list[ConfigResult]:
    """Every configuration's instances start first (idle workers cost no CPU); then the rounds measure
    them in turn, so that a change of the machine's background load falls on all of them alike."""
    runnings: list[Running] = []
    try:
        for config in configs:
            runnings.append(_start(config, env))
        for running in runnings:
            for server in running.servers:
                server.wait_ready("/readyz", timeout=60.0)
            token = jeton(running.bases[0])
            running.post = WRK_POST % {"body": json.dumps(BODY), "token": token}
        for round_ in range(args.rounds):
            print(f"-- tour {round_ + 1}/{args.rounds}, charge moyenne {os.getloadavg()[0]:.1f}", flush=True)
            for running in runnings:
                _measure(running, args, warmup=round_ == 0)
    finally:
        for running in runnings:
            for server in running.servers:
                server.stop()
    return [running.result for running in runnings if running.result]


def _database(url: str) -> None:
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"} or "bench" not in parsed.path:
        raise BenchError("--database-url : une base PostgreSQL dont le nom contient « bench » (elle est recréée)")
    if (parsed.hostname or "") not in LOOPBACK:
        raise BenchError("Le banc ne vise que des services locaux (127.0.0.1).")
    base = ["-h", parsed.hostname or HOST, "-p", str(parsed.port or 5432), "-U", parsed.username or "postgres"]
    env = {**os.environ, **({"PGPASSWORD": urllib.parse.unquote(parsed.password)} if parsed.password else {})}
    name = parsed.path.lstrip("/")
    for command in (["dropdb", "--if-exists", "--force", *base, name], ["createdb", *base, name]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            raise BenchError(f"{command[0]} : {done.stderr.strip()}")


def _parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bench_multi")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/4")
    parser.add_argument("--workers", type=int, default=2, help="workers par instance")
    parser.add_argument("--wrk-threads", type=int, default=2, help="threads wrk au total")
    parser.add_argument("--wrk-connections", type=int, default=16, help="connexions wrk au total")
    parser.add_argument("--duration", type=int, default=10, help="secondes par mesure")
    parser.add_argument("--warmup", type=int, default=2, help="secondes de chauffe par route")
    parser.add_argument("--rounds", type=int, default=3, help="tours de mesure (médiane)")
    args = parser.parse_args(argv)
    if not 0 < args.duration <= 60 or not 0 <= args.warmup <= 30 or not 0 < args.wrk_connections <= 256:
        parser.error("durée ≤ 60 s, chauffe ≤ 30 s, connexions ≤ 256")
    if not 0 < args.rounds <= 10:
        parser.error("1 à 10 tours")
    parsed = urllib.parse.urlparse(args.redis_url)
    if parsed.scheme != "redis" or (parsed.hostname or "") not in LOOPBACK:
        parser.error("--redis-url : un Redis local (redis://127.0.0.1:…)")
    return args


def main(argv: list[str]) -> int:
    args = _parse_args(argv)
    if shutil.which("wrk") is None:
        raise BenchError("wrk est introuvable : installez-le (Debian : apt-get install -y wrk).")
    _database(args.database_url)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    key = BENCH_DIR / "oidc-dev-key.pem"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "dev_keys.py"), str(key)], check=True, capture_output=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "CACHE_KEY_PREFIX": f"bench-{secrets.token_hex(4)}",
        "OIDC_RSA_PRIVATE_KEY": key.read_text(),
        "TRAFIC_LIMITE_IP_PAR_MINUTE": HIGH,
        "TRAFIC_LIMITE_JETON": f"{HIGH}/minute",
        "PYTHONPATH": str(ROOT),
    }
    prepared = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "_prepare"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    if prepared.returncode != 0:
        raise BenchError(f"préparation en échec :\n{prepared.stderr[-3000:]}")
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    w = args.workers
    configs = [
        Config(f"1×{w}", 1, w),
        Config(f"2×{w}", 2, w),
        Config(f"1×{2 * w}", 1, 2 * w),
        Config(f"1×{w} sans limites", 1, w, limits=False),
    ]
    print(
        f"{os.cpu_count()} cœurs, charge moyenne {os.getloadavg()}, wrk -t{args.wrk_threads} -c{args.wrk_connections}"
    )
    results = _run(configs, env, args)
    base = results[0]
    print(
        "\n| configuration | workers | no-op req/s | appel complet req/s | appel complet / 1×W "
        "| CPU gunicorn par appel complet | échecs |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        ratio = r.full_rps / base.full_rps if base.full_rps else 0.0
        print(
            f"| {r.label} | {r.instances * r.workers} | {r.noop_rps:.0f} | {r.full_rps:.0f} | {ratio:.2f}× "
            f"| {_median([m.server_cpu_us for m in r.full]):.0f} µs | {r.failures} |"
        )
    deux = results[1]
    par_tour = [b.rps / a.rps for a, b in zip(base.full, deux.full, strict=True) if a.rps]
    print(
        f"\n2×{args.workers} / 1×{args.workers}, appel complet, par tour : {', '.join(f'{x:.2f}' for x in par_tour)}"
    )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = BENCH_DIR / f"multi-instance-{stamp}.json"
    out.write_text(json.dumps([asdict(r) for r in results], indent=2))
    print(f"\nRésultats détaillés : {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_prepare":
        print(json.dumps(_prepare()))
    else:
        try:
            sys.exit(main(sys.argv[1:]))
        except BenchError as exc:
            print(f"multi_instance : {exc}", file=sys.stderr)
            sys.exit(2)
        except KeyboardInterrupt:
            print("multi_instance : interrompu", file=sys.stderr)
            sys.exit(130)
