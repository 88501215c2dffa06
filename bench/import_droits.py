"""Benchmark of `manage.py droits_import` (bench/README.md, « Import des droits »).

1. Generates, streaming to var/bench/, a CSV of N rights for N/2 persons with valid NIRs (one person in
   ten known by NIR only; a person's two rights are N/2 lines apart, so nothing relies on sorted input).
2. Starts from a fresh database (a new SQLite file, or a dropped and recreated PostgreSQL database),
   runs `migrate`, then the import in a subprocess, and measures its wall time and peak RSS.
3. With --again, imports the same file a second time (nothing to change) and measures that too.

    .venv/bin/python bench/import_droits.py                       # 1,000,000 rights, SQLite
    .venv/bin/python bench/import_droits.py --rows 10000          # a quick run
    .venv/bin/python bench/import_droits.py --database-url postgres://postgres@127.0.0.1:5432/bench_import
"""

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indemnites.droits.domain import COLONNES_IMPORT, ORGANISMES_PAR_PRESTATION, nir_cle  # noqa: E402

BENCH_DIR = ROOT / "var" / "bench"
SETTINGS = "indemnites.config.settings.dev"
# A million rows: under a minute (the import's own target), 45 s on PostgreSQL (« Une année de données »).
OBJECTIF_SECONDES = {"sqlite": 60, "postgres": 45}
OBJECTIF_MO = 400
PRESTATIONS = sorted(ORGANISMES_PAR_PRESTATION)


@dataclass(frozen=True)
class Mesure:
    secondes: float
    cpu_secondes: float  # the import process
    cpu_serveur_secondes: float | None  # its PostgreSQL backend, when the server runs on this machine
    rss_mo: float
    code: int
    sortie: str


def personne(rang: int, rng: random.Random) -> dict[str, str]:
    """Person `rang` (< 1,000,000): its NIR is unique because the commune and order digits are `rang`."""
    naissance = date(1950, 1, 1) + timedelta(days=rng.randrange(50 * 365))
    departement = rng.randrange(1, 96)
    nir13 = f"{1 + rang % 2}{naissance.year % 100:02d}{naissance.month:02d}{departement:02d}{rang:06d}"
    return {
        "identifiant": "" if rang % 10 == 9 else f"bench.{rang:07d}",
        "nir": f"{nir13}{nir_cle(nir13):02d}",
        "nom_naissance": f"NOM{rang % 5000}",
        "prenom": f"Prénom{rang % 700}",
        "date_naissance": naissance.isoformat(),
        "email": f"p{rang}@bench.invalid" if rang % 3 == 0 else "",
    }


def droit(numero: int, rng: random.Random) -> dict[str, str]:
    prestation = rng.choice(PRESTATIONS)
    debut = date(2015, 1, 1) + timedelta(days=rng.randrange(3650))
    fin = debut + timedelta(days=rng.randrange(30, 1500)) if rng.random() < 0.5 else None
    return {
        "prestation": prestation.value,
        "organisme": sorted(ORGANISMES_PAR_PRESTATION[prestation])[0].value,
        "date_debut": debut.isoformat(),
        "date_fin": fin.isoformat() if fin else "",
        "reference": f"BENCH-{numero:08d}",
    }


# The mass corrections a source can send (`--corrections` of import_pendant_appels.py): what changes in
# every person's lines.
CORRECTIONS = ("noms", "naissances")


def fichier_generer(lignes: int, *, corrige: str = "") -> Path:
    """Written line by line: the generator holds one line at a time. Reused when already there. `corrige`: the
    same rights, every person's birth name ("noms") or birth day ("naissances", in the same month, as the
    NIR says) corrected: a source's mass correction."""
    if corrige and corrige not in CORRECTIONS:
        raise ValueError(f"correction inconnue : {corrige}")
    path = BENCH_DIR / (f"droits-{lignes}-{corrige}-corriges.csv" if corrige else f"droits-{lignes}.csv")
    if path.exists():
        return path
    personnes = max(1, lignes // 2)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    provisoire = path.with_suffix(".tmp")
    with provisoire.open("w", encoding="utf-8", newline="") as fichier:
        writer = csv.DictWriter(fichier, fieldnames=COLONNES_IMPORT)
        writer.writeheader()
        for numero in range(lignes):
            rang = numero % personnes
            ligne = personne(rang, random.Random(rang)) | droit(numero, random.Random(-1 - numero))
            if corrige == "noms":
                ligne["nom_naissance"] += "-CORRIGE"
            elif corrige == "naissances":
                ligne["date_naissance"] = _jour_voisin(date.fromisoformat(ligne["date_naissance"])).isoformat()
            writer.writerow(ligne)
    provisoire.rename(path)
    return path


def _jour_voisin(jour: date) -> date:
    return jour + timedelta(days=1 if jour.day < 28 else -1)


def base_preparer(database_url: str) -> None:
    """A fresh, migrated database."""
    url = urlsplit(database_url)
    if url.scheme == "sqlite":
        path = Path(url.path[1:] if url.path.startswith("//") else url.path)
        for suffixe in ("", "-wal", "-shm"):
            Path(f"{path}{suffixe}").unlink(missing_ok=True)
    else:
        nom = url.path.lstrip("/")
        if "bench" not in nom:
            raise SystemExit(f"Refusé : la base {nom!r} serait effacée ; son nom doit contenir « bench ».")
        maintenance = urlunsplit(url._replace(path="/postgres"))
        for sql in (f'DROP DATABASE IF EXISTS "{nom}"', f'CREATE DATABASE "{nom}"'):
            subprocess.run(["psql", maintenance, "-q", "-c", sql], check=True)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=environnement(database_url), check=True
    )


def environnement(database_url: str) -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "DATABASE_URL": database_url}


def importer(path: Path, database_url: str) -> Mesure:
    """Runs the import in a child process; wait4 gives that child's own peak RSS (kB on Linux)."""
    debut = time.perf_counter()
    processus = subprocess.Popen(
        [sys.executable, "manage.py", "droits_import", str(path)],
        cwd=ROOT,
        env=environnement(database_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    serveur = ServeurCpu(database_url)
    serveur.start()
    sortie = processus.stdout.read() if processus.stdout else ""
    _, statut, usage = os.wait4(processus.pid, 0)
    serveur.arreter()
    secondes = time.perf_counter() - debut
    processus.returncode = os.waitstatus_to_exitcode(statut)
    cpu = usage.ru_utime + usage.ru_stime
    return Mesure(secondes, cpu, serveur.secondes, usage.ru_maxrss / 1024, processus.returncode, sortie)


class ServeurCpu(threading.Thread):
    """CPU time of the PostgreSQL backends serving the bench database, read from /proc while they live
    (a backend ends with its connection). None for SQLite or a server on another machine."""

    def __init__(self, database_url: str) -> None:
        super().__init__(daemon=True)
        url = urlsplit(database_url)
        self.local = url.scheme.startswith("postgres") and url.hostname in {"127.0.0.1", "localhost", "::1"}
        self.maintenance = urlunsplit(url._replace(path="/postgres"))
        self.base = url.path.lstrip("/")
        self.derniers: dict[int, float] = {}
        self.fin = threading.Event()

    def run(self) -> None:
        if not self.local:
            return
        import psycopg

        with psycopg.connect(self.maintenance, autocommit=True) as connexion:
            while not self.fin.wait(0.2):
                lignes = connexion.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [self.base])
                for (pid,) in lignes.fetchall():
                    self.derniers[pid] = _cpu_processus(pid) or self.derniers.get(pid, 0.0)

    def arreter(self) -> None:
        self.fin.set()
        self.join()

    @property
    def secondes(self) -> float | None:
        return sum(self.derniers.values()) if self.local else None


def _cpu_processus(pid: int) -> float | None:
    try:
        champs = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(champs[11]) + int(champs[12])) / os.sysconf("SC_CLK_TCK")


def afficher(titre: str, mesure: Mesure, objectif: int) -> None:
    verdict = "OK" if mesure.secondes <= objectif and mesure.rss_mo <= OBJECTIF_MO else "HORS OBJECTIF"
    serveur = "" if mesure.cpu_serveur_secondes is None else f", du serveur {mesure.cpu_serveur_secondes:.1f} s"
    print(
        f"{titre} : {mesure.secondes:.1f} s (CPU du processus {mesure.cpu_secondes:.1f} s{serveur}), "
        f"pic RSS {mesure.rss_mo:.0f} Mo, code {mesure.code} -> {verdict} (objectif {objectif} s)"
    )
    etapes, autres = etapes_lire(mesure.sortie)
    for etape in etapes:
        attente = (etape["duration_ms"] - etape["cpu_ms"]) / 1000
        print(
            f"  étape {etape['step']:<12} {etape['duration_ms'] / 1000:6.1f} s, dont CPU du processus "
            f"{etape['cpu_ms'] / 1000:5.1f} s et attente de la base {attente:5.1f} s"
        )
    print("  " + "\n  ".join(autres))


def etapes_lire(sortie: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The import's stages (its « étape d'import » log lines, in order), and the other lines of its output."""
    etapes, autres = [], []
    for ligne in sortie.strip().splitlines():
        try:
            donnees = json.loads(ligne)
        except ValueError:
            donnees = None
        if isinstance(donnees, dict) and "step" in donnees:
            etapes.append(donnees)
        else:
            autres.append(ligne)
    return etapes, autres


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="droits à importer (personnes : la moitié)")
    parser.add_argument(
        "--database-url",
        default=f"sqlite:///{BENCH_DIR / 'import.sqlite3'}",
        help="base à recréer (PostgreSQL : son nom doit contenir « bench »)",
    )
    parser.add_argument("--again", action="store_true", help="réimporte ensuite le même fichier")
    args = parser.parse_args()

    debut = time.perf_counter()
    path = fichier_generer(args.rows)
    print(f"Fichier : {path} ({path.stat().st_size / 1e6:.0f} Mo, prêt en {time.perf_counter() - debut:.1f} s)")
    base_preparer(args.database_url)
    charge = ", ".join(f"{valeur:.1f}" for valeur in os.getloadavg())
    print(f"Base : {urlsplit(args.database_url).scheme}, neuve et migrée ; charge de la machine : {charge}")
    objectif = OBJECTIF_SECONDES["sqlite" if args.database_url.startswith("sqlite") else "postgres"]
    premier = importer(path, args.database_url)
    afficher("Premier import", premier, objectif)
    if args.again and premier.code == 0:
        afficher("Même fichier réimporté", importer(path, args.database_url), objectif)
    return premier.code


if __name__ == "__main__":
    sys.exit(main())
