"""The access journal at the scale of a year (bench/README.md, « Le journal à l'échelle d'une année »), on the
PostgreSQL data set of bench/jeu_annee.py (20 M records over 365 days, a heavy subject with 200,000 records,
persons with 1,000 records), built first if this database has no manifest. One sub-command per target:

    consultations   « Qui a consulté mes données ? »: server time of each page (first, deep, period filters) and of
                    the CSV download, heavy subject and a 1,000-record person; peak RSS of the CSV download
    verifier        journal_verify over the whole journal (records/s, peak RSS), then what follows the last
                    checkpoint (--depuis-dernier-point) and the last day of traffic
    exporter        journal_export of the heaviest client's month (CSV and JSON Lines), and of one day: peak RSS
    purger          journal_purge of the oldest 30 days (JOURNAL_RETENTION_MONTHS=11) while gunicorn serves data
                    calls at --debit per second: in-server and from-due-time latencies; then journal_verify
    tout            the four, the purge last (it deletes a month of the set)

    .venv/bin/python bench/journal_annee.py consultations --database-url postgres://postgres@127.0.0.1:5432/bench_annee
    .venv/bin/python bench/journal_annee.py tout --echelle 0.05      # a reduced set, built if missing

Figures go to stdout with the machine's load (/proc/loadavg) before each measure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import api_load as charge  # bench/ is not a package
import commun
import jeu_annee
from import_pendant_appels import appels_pendant, centile, durees_serveur

HERE = Path(__file__).resolve()
PAGE = "/compte/consultations"


# --- in a child process: Django on the set's database ---------------------------------------------------


def _utilisateur(sujet: str) -> Any:
    """A login account for the person the journal calls `sujet` (created once, kept in the set)."""
    from django.contrib.auth import get_user_model

    from indemnites.droits.models import DemandeurEmploi

    demandeur = DemandeurEmploi.objects.get(pseudonyme=sujet)
    if demandeur.utilisateur_id is None:
        utilisateur = get_user_model().objects.create_user(username=f"bench-{sujet}", password=None)
        DemandeurEmploi.objects.filter(pk=demandeur.pk).update(utilisateur=utilisateur)
        return utilisateur
    return demandeur.utilisateur


def _curseur(sujet: str, position: int, depuis: str = "", jusqu_au: str = "") -> str:
    """The keyset cursor after the `position`-th record (newest first) of the subject, in the period."""
    from datetime import date

    from indemnites.journal.selectors import Curseur, Periode, consultations_du_sujet

    periode = Periode(
        date.fromisoformat(depuis) if depuis else None, date.fromisoformat(jusqu_au) if jusqu_au else None
    )
    ligne = consultations_du_sujet(sujet=sujet, periode=periode).values_list("horodatage", "pk")[
        position : position + 1
    ]
    return Curseur(*ligne[0]).jeton if ligne else ""


def _scenarios(sujet: str, manifeste: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The pages a person may open: first, deep (middle and last), a month, deep in a month, a day."""
    from datetime import date, timedelta

    from indemnites.journal.selectors import consultations_compter

    total = consultations_compter(sujet=sujet, plafond=10**9)  # the set-up may count: it is not timed
    fin = date.fromisoformat(manifeste["fin"][:10])
    mois = (str(fin - timedelta(days=200)), str(fin - timedelta(days=170)))
    jour = str(fin - timedelta(days=100))
    mois_total = consultations_compter(sujet=sujet, periode=_periode(*mois), plafond=10**9)
    return {
        "première page": {},
        "page profonde (milieu)": {"apres": _curseur(sujet, total // 2)},
        "page profonde (la dernière)": {"apres": _curseur(sujet, max(0, total - 10))},
        "un mois, première page": {"depuis": mois[0], "jusqu_au": mois[1]},
        "un mois, page profonde": {
            "depuis": mois[0],
            "jusqu_au": mois[1],
            "apres": _curseur(sujet, mois_total // 2, *mois),
        },
        "un jour": {"depuis": jour, "jusqu_au": jour},
    }


def _periode(depuis: str, jusqu_au: str) -> Any:
    from datetime import date

    from indemnites.journal.selectors import Periode

    return Periode(date.fromisoformat(depuis), date.fromisoformat(jusqu_au))


def _comme_un_worker() -> None:
    """Start as a gunicorn worker does: indemnites/config/wsgi.py loads the URLs and freezes what is loaded out
    of the garbage collector's scans. Without it, a full collection walks ~150,000 objects (80 to 160 ms
    here) in whichever request crosses the collector's threshold: a pause production does not have."""
    import_module("indemnites.config.wsgi")


def _pages(parametres: dict[str, Any]) -> dict[str, Any]:
    """Each scenario `repetitions` times through Django's full stack (middleware, view, template): ms. The
    process's first request, the first page, is timed apart: what a worker still does once, after its start has
    compiled the templates (config/prechauffage.py); every scenario's figures then include its own first request."""
    from django.test import Client

    sujet, repetitions = parametres["sujet"], parametres["repetitions"]
    _comme_un_worker()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(_utilisateur(sujet))
    debut = time.perf_counter()
    client.get(PAGE, secure=True)
    resultats: dict[str, Any] = {"premiere_du_processus": round((time.perf_counter() - debut) * 1000, 1)}
    for nom, requete_get in _scenarios(sujet, parametres["manifeste"]).items():
        durees, sql, cpu = [], [], []
        for _ in range(repetitions):
            with _chrono_sql() as requetes:
                debut, debut_cpu = time.perf_counter(), time.process_time()
                reponse = client.get(PAGE, {k: v for k, v in requete_get.items() if v}, secure=True)
                durees.append((time.perf_counter() - debut) * 1000)
                cpu.append((time.process_time() - debut_cpu) * 1000)
            sql.append(sum(requetes))
            if reponse.status_code != 200:
                raise commun.BenchError(f"{nom} : statut {reponse.status_code}")
        resultats[nom] = {
            "p50": round(centile(durees, 50), 1),
            "max": round(max(durees), 1),
            "premier": durees[0],
            "sql_p50": round(centile(sql, 50), 1),
            "sql_max": round(max(sql), 1),
            "cpu_p50": round(centile(cpu, 50), 1),
            "cpu_max": round(max(cpu), 1),
        }
    return resultats


@contextmanager
def _chrono_sql() -> Iterator[list[float]]:
    """The time (ms) of each SQL statement run inside: the database's share of a page."""
    from django.db import connection

    durees: list[float] = []

    def chronometrer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        debut = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            durees.append((time.perf_counter() - debut) * 1000)

    with connection.execute_wrapper(chronometrer):
        yield durees


def _csv(parametres: dict[str, Any]) -> dict[str, Any]:
    """The whole CSV download, streamed as a browser reads it; `temoin`: the first page only (baseline RSS)."""
    from django.test import Client

    _comme_un_worker()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(_utilisateur(parametres["sujet"]))
    client.get("/", secure=True)  # templates loaded, as in a serving process
    debut = time.perf_counter()
    if parametres.get("temoin"):
        client.get(PAGE, secure=True)
        return {"ms": round((time.perf_counter() - debut) * 1000, 1)}
    reponse = client.get(PAGE + ".csv", secure=True)
    octets = lignes = 0
    premier = None
    for morceau in reponse.streaming_content:  # type: ignore[attr-defined]  # the test client's response is the view's StreamingHttpResponse
        premier = premier or (time.perf_counter() - debut) * 1000
        octets += len(morceau)
        lignes += morceau.count(b"\n")
    return {
        "ms": round((time.perf_counter() - debut) * 1000, 1),
        "premier_octet_ms": premier,
        "octets": octets,
        "lignes": lignes - 1,
    }


def _dernier_jour(_parametres: dict[str, Any]) -> dict[str, Any]:
    """journal_verifier from the checkpoint one day before the last one: the last full day and what followed."""
    from indemnites.journal.models import PointDeControle
    from indemnites.journal.selectors import journal_verifier

    rangs = list(PointDeControle.objects.filter(journal="acces").order_by("-rang").values_list("rang", flat=True)[:2])
    debut = time.perf_counter()
    rapport = journal_verifier(journal="acces", depuis=rangs[-1])
    secondes = time.perf_counter() - debut
    return {
        "secondes": round(secondes, 2),
        "verifies": rapport.verifies,
        "integre": rapport.integre,
        "premier": rapport.premier,
        "dernier": rapport.dernier,
    }


ETAPES = {"_pages": _pages, "_csv": _csv, "_dernier_jour": _dernier_jour}


# --- the parent ------------------------------------------------------------------------------------------


def _charge() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _env(url: str, **extra: str) -> dict[str, str]:
    return {**charge._env(charge.Target("postgresql", url)), **extra}


def _lancer(commande: list[str], env: dict[str, str], sortie: Path | None = None) -> dict[str, Any]:
    """A process run to its end: duration, peak RSS (os.wait4: the largest of it and its children), code, output."""
    debut = time.perf_counter()
    with (sortie or Path(os.devnull)).open("wb") as fichier:
        processus = subprocess.Popen(commande, cwd=commun.ROOT, env=env, stdout=subprocess.PIPE, stderr=fichier)
        texte = processus.stdout.read().decode() if processus.stdout else ""
        _, statut, usage = os.wait4(processus.pid, 0)
    return {
        "secondes": round(time.perf_counter() - debut, 2),
        "rss_mo": round(usage.ru_maxrss / 1024),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "code": os.waitstatus_to_exitcode(statut),
        "sortie": texte.strip(),
    }


def _etape(url: str, nom: str, parametres: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A child step: its JSON result and its process figures (RSS)."""
    fait = _lancer([sys.executable, str(HERE), nom, json.dumps(parametres)], _env(url))
    if fait["code"] != 0:
        raise commun.BenchError(f"étape {nom} en échec (code {fait['code']})")
    return json.loads(fait["sortie"].splitlines()[-1]), fait


def _manage(url: str, *arguments: str, sortie: Path | None = None, **env: str) -> dict[str, Any]:
    return _lancer([sys.executable, "manage.py", *arguments], _env(url, **env), sortie)


def consultations(url: str, manifeste: dict[str, Any], args: argparse.Namespace) -> None:
    sujets = {"sujet lourd": manifeste["sujet_lourd"], "sujet à ~1 000": manifeste["sujets_mille"][0]}
    for titre, sujet in sujets.items():
        print(f"-- pages, {titre} ({args.repetitions} fois chacune) ; charge {_charge()}", flush=True)
        pages, _ = _etape(url, "_pages", {"sujet": sujet, "repetitions": args.repetitions, "manifeste": manifeste})
        premiere = pages.pop("premiere_du_processus")
        print(f"   première requête du processus (la première page) : {premiere} ms")
        for nom, chiffres in pages.items():
            print(
                f"   {nom} : p50 {chiffres['p50']} ms, max {chiffres['max']} ms (premier {chiffres['premier']:.1f}) ; "
                f"dont SQL p50 {chiffres['sql_p50']} ms, max {chiffres['sql_max']} ms ; CPU de Django p50 "
                f"{chiffres['cpu_p50']} ms, max {chiffres['cpu_max']} ms"
            )
    for titre, sujet in sujets.items():
        print(f"-- CSV, {titre} ; charge {_charge()}", flush=True)
        temoin, processus_temoin = _etape(url, "_csv", {"sujet": sujet, "temoin": True})
        csv, processus = _etape(url, "_csv", {"sujet": sujet})
        print(
            f"   {csv['lignes']} lignes, {csv['octets'] / 2**20:.1f} Mio en {csv['ms'] / 1000:.2f} s (premier octet "
            f"{csv['premier_octet_ms']:.0f} ms) ; pic RSS {processus['rss_mo']} Mo (témoin, une page : "
            f"{processus_temoin['rss_mo']} Mo)",
            flush=True,
        )


def verifier(url: str, manifeste: dict[str, Any], args: argparse.Namespace) -> None:
    for processus in args.processus:
        print(f"-- journal_verify --processus {processus} ; charge {_charge()}", flush=True)
        fait = _manage(url, "journal_verify", "--journal", "acces", "--processus", str(processus))
        print(
            f"   {fait['sortie']}\n   code {fait['code']}, {fait['secondes']} s, pic RSS {fait['rss_mo']} Mo "
            f"(le plus gros des processus), CPU {fait['cpu_s']} s",
            flush=True,
        )
    print(f"-- journal_verify --depuis-dernier-point ; charge {_charge()}", flush=True)
    fait = _manage(url, "journal_verify", "--journal", "acces", "--depuis-dernier-point")
    print(f"   {fait['sortie']}\n   code {fait['code']}, {fait['secondes']} s (processus compris)", flush=True)
    print(f"-- depuis l'avant-dernier point (le dernier jour entier et la suite) ; charge {_charge()}", flush=True)
    jour, _ = _etape(url, "_dernier_jour", {})
    print(
        f"   {jour['verifies']} enregistrements (n° {jour['premier']} à {jour['dernier']}) en {jour['secondes']} s, "
        f"intègre : {jour['integre']}",
        flush=True,
    )


def exporter(url: str, manifeste: dict[str, Any], args: argparse.Namespace) -> None:
    from datetime import date, timedelta

    fin = date.fromisoformat(manifeste["fin"][:10]) - timedelta(days=60)
    periodes = {"un mois": (fin - timedelta(days=30), fin), "un jour": (fin, fin)}
    for format_ in ("csv", "jsonl"):
        for titre, (depuis, jusqu_au) in periodes.items():
            sortie = charge.BENCH_DIR / f"journal-annee-export.{format_}"
            print(
                f"-- journal_export {format_}, {titre} du client {manifeste['client_lourd']} ; charge {_charge()}",
                flush=True,
            )
            fait = _manage(
                url,
                "journal_export",
                "--format",
                format_,
                "--client",
                manifeste["client_lourd"],
                "--depuis",
                str(depuis),
                "--jusqu-au",
                str(jusqu_au),
                "--sortie",
                str(sortie),
                sortie=charge.BENCH_DIR / "journal-annee-export.err",
            )
            resume = (charge.BENCH_DIR / "journal-annee-export.err").read_text().strip()
            print(
                f"   {resume} ; {sortie.stat().st_size / 2**20:.0f} Mio en {fait['secondes']} s, pic RSS "
                f"{fait['rss_mo']} Mo, code {fait['code']}",
                flush=True,
            )
            sortie.unlink()


def _identifiants(manifeste: dict[str, Any]) -> list[str]:
    hasard = random.Random(7)
    return manifeste["identifiants_mille"] + [
        jeu_annee.identifiant(hasard.randint(2, manifeste["personnes"])) for _ in range(5_000)
    ]


def _mesure(
    titre: str,
    serveur: commun.Serveur,
    jeton: str,
    args: argparse.Namespace,
    journal: Path,
    manifeste: dict[str, Any],
    pendant: Any,
) -> None:
    fini = threading.Event()
    position = journal.stat().st_size

    def tache() -> None:
        try:
            pendant()
        finally:
            time.sleep(1)
            fini.set()

    fil = threading.Thread(target=tache)
    fil.start()
    identifiants, hasard = _identifiants(manifeste), random.Random(20)
    latences, statuts = asyncio.run(
        appels_pendant(serveur.port, jeton, args.debit, lambda _rang: hasard.choice(identifiants), fini)
    )
    fil.join()
    serveur_ms = durees_serveur(journal, position)
    print(
        f"   {titre} : {len(latences)} appels à {args.debit:g}/s ; dans le serveur p50 {centile(serveur_ms, 50):.1f}, "
        f"p99 {centile(serveur_ms, 99):.1f}, max {max(serveur_ms, default=float('nan')):.1f} ms ; depuis l'heure "
        f"prévue p50 {centile(latences, 50):.1f}, p99 {centile(latences, 99):.1f}, max {max(latences):.1f} ms ; "
        f"au-delà de 100 ms dans le serveur : {sum(1 for d in serveur_ms if d > 100)} ; "
        f"statuts {dict(sorted(statuts.items()))}",
        flush=True,
    )


def purger(url: str, manifeste: dict[str, Any], args: argparse.Namespace) -> None:
    env = _env(url)
    journal = charge.BENCH_DIR / f"journal-annee-gunicorn-{os.getpid()}.log"
    arguments = ["-c", "python:indemnites.exploitation.gunicorn", "indemnites.config.wsgi", "--workers", "2"]
    serveur = commun.Serveur(arguments, env, journal)
    try:
        serveur.wait_ready()
        jeton = commun.jeton(serveur.base)
        print(f"-- témoin : {args.temoin:g} s d'appels sans purge ; charge {_charge()}", flush=True)
        _mesure("témoin", serveur, jeton, args, journal, manifeste, lambda: time.sleep(args.temoin))
        print(f"-- journal_purge (conservation 11 mois : le mois le plus ancien) ; charge {_charge()}", flush=True)
        resultat: list[dict[str, Any]] = []
        options = ["--lot", str(args.lot), "--pause", str(args.pause)]

        def purge() -> None:
            resultat.append(
                _manage(url, "journal_purge", "--journal", "acces", *options, JOURNAL_RETENTION_MONTHS="11")
            )

        _mesure("pendant la purge", serveur, jeton, args, journal, manifeste, purge)
        fait = resultat[0]
        print(
            f"   {fait['sortie']}\n   code {fait['code']}, {fait['secondes']} s, pic RSS {fait['rss_mo']} Mo",
            flush=True,
        )
    finally:
        serveur.stop()
    print(f"-- journal_verify après la purge ; charge {_charge()}", flush=True)
    fait = _manage(url, "journal_verify", "--journal", "acces")
    print(
        f"   {fait['sortie']}\n   code {fait['code']}, {fait['secondes']} s, pic RSS {fait['rss_mo']} Mo", flush=True
    )


MESURES = {"consultations": consultations, "verifier": verifier, "exporter": exporter, "purger": purger}


def _jeu(args: argparse.Namespace) -> dict[str, Any]:
    manifeste = jeu_annee.manifeste_lire(args.database_url)
    if manifeste is None:
        print(f"-- construction du jeu (échelle {args.echelle:g}) ; charge {_charge()}", flush=True)
        manifeste = jeu_annee.construire(args.database_url, echelle=args.echelle)
        print(f"   construit en {manifeste['secondes']} s, {manifeste['octets'] / 2**30:.2f} Gio", flush=True)
    jeu_annee.preparer_repertoire()
    return manifeste


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mesure", choices=[*MESURES, "tout"])
    parser.add_argument("--database-url", default=jeu_annee.URL_DEFAUT, help="la base du jeu (bench/jeu_annee.py)")
    parser.add_argument("--echelle", type=float, default=1.0, help="échelle du jeu s'il faut le construire")
    parser.add_argument("--repetitions", type=int, default=20, help="requêtes par page mesurée (défaut 20)")
    parser.add_argument(
        "--processus", type=int, action="append", help="journal_verify --processus (répétable ; défaut 1 puis 2)"
    )
    parser.add_argument("--debit", type=float, default=100.0, help="appels de données par seconde (défaut 100)")
    parser.add_argument("--temoin", type=float, default=15.0, help="secondes d'appels sans purge (défaut 15)")
    parser.add_argument("--lot", type=int, default=5_000, help="journal_purge --lot (défaut 5 000)")
    parser.add_argument("--pause", type=float, default=0.05, help="journal_purge --pause (défaut 0,05 s)")
    args = parser.parse_args(argv)
    args.processus = args.processus or [1, 2]
    manifeste = _jeu(args)
    print(
        f"jeu {manifeste['base']} : {manifeste['enregistrements']} enregistrements du {manifeste['debut'][:10]} au "
        f"{manifeste['fin'][:10]} ; {os.cpu_count()} cœurs ; charge {_charge()}",
        flush=True,
    )
    try:
        for nom in MESURES if args.mesure == "tout" else [args.mesure]:
            print(f"== {nom}", flush=True)
            MESURES[nom](args.database_url, manifeste, args)
    finally:
        shutil.rmtree(charge.METRICS_DIR, ignore_errors=True)  # the services' metrics of this run
        (charge.BENCH_DIR / "journal-annee-export.err").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] in ETAPES:
        jeu_annee._django()
        print(json.dumps(ETAPES[sys.argv[1]](json.loads(sys.argv[2]))))
    else:
        try:
            sys.exit(main(sys.argv[1:]))
        except commun.BenchError as erreur:
            print(f"journal_annee : {erreur}", file=sys.stderr)
            sys.exit(2)
