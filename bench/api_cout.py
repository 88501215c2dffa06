"""What one call costs the service itself, without HTTP nor concurrency (bench/README.md, « Charge de l'API »).

On a shared 2-vCPU machine the load benchmark (`api_load.py`) varies by several points from one round to the
next. This one calls the WSGI application in the process, one request after the other, on the database
`api_load.py` prepares (same settings as its gunicorn), and keeps the best of several batches: the cost of
the stack itself, which noise can only raise. It alternates the no-op (`GET /healthz`) and the full
server-to-server call (and the same call answered as a signed proof), so all see the same machine.

    .venv/bin/python bench/api_cout.py --persons 10000 --persons 1000000 \\
        --database-url sqlite --database-url postgres://postgres@127.0.0.1:5432/bench_api

The journal's background sealer runs as in a served process: its work is in the process's CPU per call (median
over the batches), not in the request thread's, nor in the elapsed time unless it holds the interpreter lock.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import api_load as charge
import commun
from joserfc.jwk import ECKey

HERE = Path(__file__).resolve()


# --- in the child process: Django set up with the benchmark's environment --------------------------------


class Appli:
    """The WSGI application, called the way gunicorn calls it."""

    def __init__(self) -> None:
        from django.core.wsgi import get_wsgi_application

        self.app = get_wsgi_application()

    def appeler(self, methode: str, chemin: str, corps: bytes = b"", **entetes: str) -> tuple[str, bytes]:
        chemin, _, requete = chemin.partition("?")
        environ = {
            "REQUEST_METHOD": methode,
            "PATH_INFO": chemin,
            "QUERY_STRING": requete,
            "SERVER_NAME": commun.HOST,
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": commun.HOST,
            "REMOTE_ADDR": commun.HOST,
            "CONTENT_LENGTH": str(len(corps)),
            "wsgi.input": io.BytesIO(corps),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            **entetes,
        }
        statut: list[str] = []
        reponse = self.app(environ, lambda s, h, exc=None: statut.append(s))  # type: ignore[arg-type]  # Django never calls write()
        try:
            contenu = b"".join(reponse)
        finally:
            getattr(reponse, "close", lambda: None)()
        return statut[0], contenu


def _jeton(appli: Appli) -> str:
    formulaire = (
        f"grant_type=client_credentials&client_id={commun.CLIENT_ID}&client_secret={commun.CLIENT_SECRET}"
        "&scope=api_indemnisationsv1"
    ).encode()
    statut, contenu = appli.appeler(
        "POST", commun.TOKEN_PATH, formulaire, CONTENT_TYPE="application/x-www-form-urlencoded"
    )
    if not statut.startswith("200"):
        raise SystemExit(f"jeton refusé : {statut} {contenu[:300]!r}")
    return json.loads(contenu)["access_token"]


def _phase_cout(pool: list[str], lots: int, taille: int) -> dict[str, Any]:
    appli = Appli()
    jeton = _jeton(appli)

    def noop(rang: int) -> str:
        return appli.appeler("GET", "/healthz")[0]

    def complet(rang: int, **entetes: str) -> str:
        corps = charge._body(pool[rang % len(pool)])
        return appli.appeler(
            "POST", commun.DATA_PATH, corps, CONTENT_TYPE="application/json", HTTP_AUTHORIZATION=f"Bearer {jeton}",
            **entetes,
        )[0]  # fmt: skip

    def preuve(rang: int) -> str:
        """The same call answered as a signed proof (Accept: application/jwt)."""
        return complet(rang, HTTP_ACCEPT="application/jwt")

    # Per batch and per call: elapsed time, CPU of the whole process (the request thread plus the journal's
    # background sealer, as in a served process) and CPU of the request thread alone.
    mesures: dict[str, list[tuple[float, float, float]]] = {"noop": [], "complet": [], "preuve": []}
    for appel in (noop, complet, preuve):  # warm-up: imports, connection, page cache
        for rang in range(taille):
            if not appel(rang).startswith("200"):
                raise SystemExit(f"{appel.__name__} : réponse {appel(rang)}")
    for _ in range(lots):
        for nom, appel in (("noop", noop), ("complet", complet), ("preuve", preuve)):
            debut = (time.perf_counter(), time.process_time(), time.thread_time())
            for rang in range(taille):
                appel(rang)
            fin = (time.perf_counter(), time.process_time(), time.thread_time())
            ecoule, processus, fil = ((b - a) / taille * 1e6 for a, b in zip(debut, fin, strict=True))
            mesures[nom].append((ecoule, processus, fil))
    resultat: dict[str, Any] = {}
    for nom, lots_mesures in mesures.items():
        meilleur = min(lots_mesures)  # the fastest batch, and the CPU it used
        resultat[f"{nom}_min_us"] = round(meilleur[0])
        resultat[f"{nom}_mediane_us"] = round(statistics.median(m[0] for m in lots_mesures))
        resultat[f"{nom}_cpu_processus_us"] = round(statistics.median(m[1] for m in lots_mesures))
        resultat[f"{nom}_cpu_requete_us"] = round(statistics.median(m[2] for m in lots_mesures))
    return resultat


# --- the parent: databases from api_load.py, one child per configuration --------------------------------


def _mesurer(cible: charge.Target, personnes: int, args: argparse.Namespace) -> dict[str, Any]:
    with charge._exclusive(charge._database_key(cible, personnes)):
        cible = charge._database_reset(cible, personnes, args.reuse_database)
        prete = charge._run_phase(
            cible, "_prepare", str(personnes), str(args.pool), "1" if args.reuse_database else "0"
        )
        pool = charge.BENCH_DIR / f"api-cout-pool-{os.getpid()}.json"
        pool.write_text(json.dumps(prete["pool"]))
        # The service's logs (a line per request) go to a file, as gunicorn's do in api_load.py.
        journal = charge.BENCH_DIR / f"api-cout-{charge._database_key(cible, personnes)}.log"
        try:
            with journal.open("w") as sortie_erreurs:
                fait = subprocess.run(
                    [sys.executable, str(HERE), "_cout", str(pool), str(args.lots), str(args.taille)],
                    env=charge._env(cible),
                    cwd=commun.ROOT,
                    stdout=subprocess.PIPE,
                    stderr=sortie_erreurs,
                    text=True,
                    timeout=1800,
                    check=False,
                )
        finally:
            pool.unlink(missing_ok=True)
    if fait.returncode != 0:
        raise commun.BenchError(f"mesure en échec, voir {journal.relative_to(commun.ROOT)}")
    return {"base": cible.label, "personnes": prete["persons"], **json.loads(fait.stdout.strip().splitlines()[-1])}


def _tableau(resultats: list[dict[str, Any]]) -> str:
    lignes = [
        "| base | personnes | no-op µs (min / médiane) | appel complet µs (min / médiane) | rapport (min) "
        "| CPU µs no-op / complet : processus (dont requête) | preuve signée µs (min / médiane) |",
        "| --- | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for r in resultats:
        rapport = r["noop_min_us"] / r["complet_min_us"]
        lignes.append(
            f"| {r['base']} | {r['personnes']:,} | {r['noop_min_us']:,} / {r['noop_mediane_us']:,} "
            f"| {r['complet_min_us']:,} / {r['complet_mediane_us']:,} | {rapport:.0%} "
            f"| {r['noop_cpu_processus_us']:,} ({r['noop_cpu_requete_us']:,}) / "
            f"{r['complet_cpu_processus_us']:,} ({r['complet_cpu_requete_us']:,}) "
            f"| {r['preuve_min_us']:,} / {r['preuve_mediane_us']:,} |".replace(",", " ")
        )
    return "\n".join(lignes)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", action="append", help="« sqlite » (défaut) ou postgres://…/base_bench")
    parser.add_argument("--persons", type=int, action="append", help="taille du registre (répétable ; 10000)")
    parser.add_argument("--pool", type=int, default=1000, help="personnes interrogées")
    parser.add_argument("--lots", type=int, default=15, help="lots mesurés par route (le meilleur compte)")
    parser.add_argument("--taille", type=int, default=200, help="appels par lot")
    parser.add_argument("--reuse-database", action="store_true", help="garder la base d'un tir précédent")
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE de plus pour le service")
    args = parser.parse_args(argv)
    for paire in args.env:
        cle, _, valeur = paire.partition("=")
        charge.EXTRA_ENV[cle] = valeur
    charge.bench_dir_preparer()
    # The signed answers' key, as production has one (a fresh one: never a committed private key).
    charge.EXTRA_ENV.setdefault("PREUVE_SIGNING_KEY", ECKey.generate_key("P-256").as_pem(private=True).decode())
    resultats = []
    for cible in charge._targets(args.database_url or ["sqlite"]):
        for personnes in args.persons or [10_000]:
            resultat = _mesurer(cible, personnes, args)
            print(
                f"{resultat['base']} {resultat['personnes']:>9} personnes : no-op {resultat['noop_min_us']} µs, "
                f"appel complet {resultat['complet_min_us']} µs",
                flush=True,
            )
            resultats.append(resultat)
    print("\n" + _tableau(resultats))
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_cout":
        pool = json.loads(Path(sys.argv[2]).read_text())
        print(json.dumps(_phase_cout(pool, int(sys.argv[3]), int(sys.argv[4]))))
    else:
        try:
            sys.exit(main(sys.argv[1:]))
        except commun.BenchError as exc:
            print(f"api_cout : {exc}", file=sys.stderr)
            sys.exit(2)
