"""The API during a big import (bench/README.md, « Appels pendant un import »).

1. Generates (or reuses) the CSV of bench/import_droits.py: N rights for N/2 persons.
2. Starts from a fresh database (SQLite file, or a PostgreSQL database whose name contains « bench »):
   migrations, demo data (the sandbox client), its quotas lifted.
3. Serves the API with gunicorn (2 workers, loopback, free port) and, while `manage.py droits_import` runs
   in another process, sends data calls at a constant rate (50 per second by default) about persons of the
   file and about a demo persona. Reports the import's duration and peak RSS, and the calls' latencies
   (from their due time: a call the server keeps waiting counts all its wait), p50, p99, max, and every
   answer other than 200/404. Also the time each call spent in the server (gunicorn's access log: what the
   import can make a call wait, without the queue of a machine too busy to serve the offered rate), and the
   same figures for --temoin seconds of calls before the import (the machine's own noise).
4. With --again, does it once more on the populated registry (the same file: nothing changes).

    .venv/bin/python bench/import_pendant_appels.py                         # 1,000,000 rights, SQLite
    .venv/bin/python bench/import_pendant_appels.py --rows 100000           # shorter
    .venv/bin/python bench/import_pendant_appels.py --database-url postgres://postgres@127.0.0.1:5432/bench_import
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from commun import DATA_PATH, HOST, ROOT, BenchError, Serveur, jeton
from import_droits import BENCH_DIR, CORRECTIONS, SETTINGS, base_preparer, fichier_generer

RECIPIENT = "13002526500013"
PERSONA = "jean.are"  # a demo persona, known before the import
TIMEOUT = 30.0
QUOTAS = (
    "from indemnites.oauth.models import Application as A; "
    "c = {f.name for f in A._meta.get_fields()}; "
    "h = {'quota_par_seconde': 10**6, 'volume_journalier': 10**9}; "
    "A.objects.filter(client_id='sandbox-deux-champs').update(**{k: v for k, v in h.items() if k in c})"
)


@dataclass(frozen=True)
class Import:
    secondes: float
    rss_mo: float
    code: int
    sortie: str


def environnement(database_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": database_url,
        "VAR_DIR": str(BENCH_DIR),
        "SANDBOX": "true",
        "PYTHONPATH": str(ROOT),
        "TRAFIC_LIMITE_IP_PAR_MINUTE": "1000000000",
        "METRIQUES_REPERTOIRE": str(BENCH_DIR / f"import-appels-metriques-{os.getpid()}"),
    }
    env.pop("REDIS_URL", None)
    return env


def manage(env: dict[str, str], *arguments: str) -> None:
    subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, check=True, capture_output=True)


def importer(path: Path, env: dict[str, str], resultat: list[Import]) -> None:
    debut = time.perf_counter()
    processus = subprocess.Popen(
        [sys.executable, "manage.py", "droits_import", str(path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    sortie = processus.stdout.read() if processus.stdout else ""
    _, statut, usage = os.wait4(processus.pid, 0)
    code = os.waitstatus_to_exitcode(statut)
    resultat.append(Import(time.perf_counter() - debut, usage.ru_maxrss / 1024, code, sortie))


async def appel(port: int, brut: bytes) -> int:
    lecteur, ecrivain = await asyncio.open_connection(HOST, port)
    try:
        ecrivain.write(brut)
        await ecrivain.drain()
        tete = await lecteur.readuntil(b"\r\n\r\n")
        lignes = tete.decode("latin-1").split("\r\n")
        entetes = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lignes[1:] if x)}
        await lecteur.readexactly(int(entetes.get("content-length", "0")))
        return int(lignes[0].split(" ", 2)[1])
    finally:
        ecrivain.close()


def requete(port: int, token: str, identifiant: str) -> bytes:
    corps = json.dumps({"identifiant": identifiant, "recipient": RECIPIENT}).encode()
    tete = (
        f"POST {DATA_PATH} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(corps)}\r\nConnection: close\r\n\r\n"
    )
    return tete.encode() + corps


def identifiants_du_fichier(personnes: int) -> Callable[[int], str]:
    """The n-th call's person: the demo's persona one time in five, else one of the file's persons."""
    return lambda rang: PERSONA if rang % 5 == 0 else f"bench.{(rang * 7919) % personnes:07d}"


async def appels_pendant(
    port: int, token: str, debit: float, identifiant_de: Callable[[int], str], fini: threading.Event
) -> tuple[list[float], dict]:
    """Calls at `debit` per second until `fini`, the n-th about `identifiant_de(n)`; latencies in ms from each
    call's due time, and the count of each status."""
    boucle = asyncio.get_running_loop()
    latences: list[float] = []
    statuts: dict[str, int] = {}

    async def un(brut: bytes, echeance: float) -> None:
        try:
            statut = str(await asyncio.wait_for(appel(port, brut), TIMEOUT))
        except (TimeoutError, OSError, asyncio.IncompleteReadError) as erreur:
            statut = type(erreur).__name__
        latences.append((boucle.time() - echeance) * 1000)
        statuts[statut] = statuts.get(statut, 0) + 1

    taches = []
    debut = boucle.time()
    rang = 0
    while not fini.is_set():
        echeance = debut + rang / debit
        if (attente := echeance - boucle.time()) > 0:
            await asyncio.sleep(attente)
        taches.append(boucle.create_task(un(requete(port, token, identifiant_de(rang)), echeance)))
        rang += 1
    await asyncio.gather(*taches)
    return latences, statuts


def centile(valeurs: list[float], p: float) -> float:
    ordonnees = sorted(valeurs)
    return ordonnees[min(len(ordonnees) - 1, int(len(ordonnees) * p / 100))] if ordonnees else float("nan")


def durees_serveur(journal: Path, depuis: int) -> list[float]:
    """The data calls' time in the server (ms), from gunicorn's log written after byte `depuis`."""
    durees = []
    with journal.open("rb") as fichier:
        fichier.seek(depuis)
        for ligne in fichier:
            try:
                entree = json.loads(ligne)
            except ValueError:
                continue
            if entree.get("message") == "requete" and "indemnisation" in str(entree.get("route")):
                durees.append(float(entree["duration_ms"]))
    return durees


def resume(latences: list[float], serveur: list[float]) -> str:
    return (
        f"{len(latences)} appels : p50 {centile(latences, 50):.1f} ms, p99 {centile(latences, 99):.1f} ms, "
        f"max {max(latences, default=float('nan')):.1f} ms ; dans le serveur : p99 {centile(serveur, 99):.1f} ms, "
        f"max {max(serveur, default=float('nan')):.1f} ms"
    )


def temoin(serveur: Serveur, token: str, args: argparse.Namespace, journal: Path) -> None:
    """Calls without an import: what the machine itself adds."""
    fini = threading.Event()
    threading.Timer(args.temoin, fini.set).start()
    debut = journal.stat().st_size
    latences, _ = asyncio.run(
        appels_pendant(serveur.port, token, args.rate, identifiants_du_fichier(max(1, args.rows // 2)), fini)
    )
    chiffres = resume(latences, durees_serveur(journal, debut))
    print(f"Témoin sans import ({args.temoin:g} s à {args.rate:g}/s) : {chiffres}")


def mesurer(
    titre: str, path: Path, env: dict[str, str], port: int, token: str, args: argparse.Namespace, journal: Path
) -> bool:
    debit = args.rate
    resultat: list[Import] = []
    fini = threading.Event()
    debut = journal.stat().st_size

    def import_puis_fin() -> None:
        try:
            importer(path, env, resultat)
        finally:
            time.sleep(1)  # a second of calls after the switch
            fini.set()

    fil = threading.Thread(target=import_puis_fin)
    fil.start()
    latences, statuts = asyncio.run(
        appels_pendant(port, token, debit, identifiants_du_fichier(max(1, args.rows // 2)), fini)
    )
    fil.join()
    mesure = resultat[0]
    autres = {statut: n for statut, n in statuts.items() if statut not in {"200", "404"}}
    verdict = "OK" if not autres and max(latences) < 1000 else "HORS OBJECTIF"
    print(
        f"{titre} : import {mesure.secondes:.1f} s, pic RSS {mesure.rss_mo:.0f} Mo, code {mesure.code} ; "
        f"à {debit:g}/s, {resume(latences, durees_serveur(journal, debut))} ; "
        f"statuts {dict(sorted(statuts.items()))} -> {verdict}"
    )
    print("  " + mesure.sortie.strip().replace("\n", "\n  "))
    return mesure.code == 0 and not autres


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="droits à importer (personnes : la moitié)")
    parser.add_argument(
        "--database-url",
        default=f"sqlite:///{BENCH_DIR / 'import-appels.sqlite3'}",
        help="base à recréer (PostgreSQL : son nom doit contenir « bench »)",
    )
    parser.add_argument("--rate", type=float, default=50.0, help="appels par seconde pendant l'import")
    parser.add_argument("--again", action="store_true", help="puis réimporte le même fichier, registre rempli")
    parser.add_argument(
        "--corrections",
        nargs="?",
        const="noms",
        choices=CORRECTIONS,
        help="puis importe les mêmes droits, le nom de naissance (noms, par défaut) ou le jour de naissance "
        "(naissances) de chaque personne corrigé : une correction en masse",
    )
    parser.add_argument("--temoin", type=float, default=15.0, help="secondes d'appels sans import, d'abord")
    args = parser.parse_args()

    path = fichier_generer(args.rows)
    # The sandbox's connected-mode clients need an OIDC key in the service's VAR_DIR.
    cle = [sys.executable, str(ROOT / "scripts" / "dev_keys.py"), str(BENCH_DIR / "oidc-dev-key.pem")]
    subprocess.run(cle, check=True, capture_output=True)
    base_preparer(args.database_url)
    env = environnement(args.database_url)
    manage(env, "demo_charger")
    manage(env, "shell", "-c", QUOTAS)
    print(f"Fichier : {path} ; base neuve ; charge : {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    arguments = ["-c", "python:indemnites.exploitation.gunicorn", "indemnites.config.wsgi", "--workers", "2"]
    journal = BENCH_DIR / f"import-appels-gunicorn-{os.getpid()}.log"
    serveur = Serveur(arguments, env, journal)
    try:
        serveur.wait_ready()
        token = jeton(serveur.base)
        if args.temoin > 0:
            temoin(serveur, token, args, journal)
        ok = mesurer("Premier import", path, env, serveur.port, token, args, journal)
        if args.again:
            ok = mesurer("Même fichier réimporté", path, env, serveur.port, token, args, journal) and ok
        if args.corrections:
            corrige = fichier_generer(args.rows, corrige=args.corrections)
            titre = f"Chaque personne corrigée ({args.corrections})"
            ok = mesurer(titre, corrige, env, serveur.port, token, args, journal) and ok
    finally:
        serveur.stop()
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as erreur:
        print(f"Erreur : {erreur}", file=sys.stderr)
        sys.exit(2)
