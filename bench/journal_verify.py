"""Benchmark of the access journal (bench/README.md, « Journal »): verification speed and the cost of
chaining a record, on SQLite and PostgreSQL (local databases only).

For each database:

1. a fresh database (a SQLite file under var/bench/, or a PostgreSQL database whose name contains "bench",
   dropped and recreated), migrated;
2. the journal filled to N records, chained exactly as the service chains them, by bulk INSERT;
3. `manage.py journal_verify` timed (best of --rounds): records per second, target >= 100,000;
4. the write path, 8 threads at once: the service (one INSERT in the data transaction, sealed later)
   against the design set aside (the chain head locked until commit, inside the request), records/s, p50
   and p99; then the sealer's speed on what the service wrote.

    .venv/bin/python bench/journal_verify.py --records 1000000 \\
        --database-url sqlite --database-url postgres://postgres@127.0.0.1:5432/bench_journal
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "var" / "bench"
LOOPBACK = {"127.0.0.1", "localhost", "::1", ""}
LOT = 10_000


class BenchError(Exception):
    pass


# --- child process: Django set up on the benchmark's database ------------------------------------------


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _remplir(nombre: int) -> dict[str, Any]:
    """N chained records, written by bulk INSERT (the chain computed here with the domain's rules)."""
    from datetime import UTC, datetime, timedelta

    from django.core.management import call_command
    from django.db import connection, transaction

    from indemnites.journal import domain
    from indemnites.journal.empreintes import octets
    from indemnites.journal.models import Enregistrement, TeteChaine

    debut = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    champs = domain.CHAMPS[domain.ACCES]
    colonnes = ", ".join([*champs, "rang", "empreinte_precedente", "empreinte"])
    sql = f"INSERT INTO {Enregistrement._meta.db_table} ({colonnes}) VALUES ({', '.join(['%s'] * (len(champs) + 3))})"
    origine = datetime(2026, 1, 1, tzinfo=UTC)
    precedente = domain.GENESE
    requete = "ab" * 32
    with transaction.atomic(), connection.cursor() as cursor:
        for depart in range(0, nombre, LOT):
            lot = []
            for rang in range(depart + 1, min(nombre, depart + LOT) + 1):
                instant = origine + timedelta(milliseconds=4 * rang, microseconds=rang % 997)
                valeurs = [
                    f"bench-{rang:09d}",
                    "partenaire" if rang % 5 else "individu",
                    f"client-{rang % 40}",
                    str(rang % 40) if rang % 3 else "",
                    "13002526500013",
                    f"{rang:08x}-6f39-4c55-9c1a-4d1f3e0e8a11",
                    "beneficiairePrestationSolidarite,beneficiaireAssuranceChomage",
                    "donnees-transmises",
                    200,
                    f"DOSSIER-{rang}" if rang % 2 else "",
                    requete,
                    False,
                ]
                contenu = domain.empreinte_contenu(domain.ACCES, [domain.horodatage_canonique(instant), *valeurs])
                empreinte = domain.empreinte_chainer(precedente, rang, contenu)
                # Stored as the service stores them: the fingerprints in 32 bytes (journal/empreintes.py).
                stockees = [octets(requete), False, rang, octets(precedente), octets(empreinte)]
                lot.append([connection.ops.adapt_datetimefield_value(instant), *valeurs[:-2], *stockees])
                precedente = empreinte
            cursor.executemany(sql, lot)
        TeteChaine.objects.update_or_create(journal=domain.ACCES, defaults={"rang": nombre, "empreinte": precedente})
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {Enregistrement._meta.db_table}")
    return {"records": nombre, "seconds": round(time.monotonic() - debut, 1), "vendor": connection.vendor}


def _verifier(tours: int) -> dict[str, Any]:
    from io import StringIO

    from django.core.management import call_command

    durees = []
    for _ in range(tours):
        sortie = StringIO()
        debut = time.perf_counter()
        call_command("journal_verify", "--journal", "acces", stdout=sortie)
        durees.append(time.perf_counter() - debut)
    return {"seconds": durees, "output": sortie.getvalue().strip()}


def _ecriture(secondes: int) -> dict[str, Any]:
    """The write path, 8 threads writing at once for `secondes` each: what a data call pays (the service:
    one INSERT, sealed later), against the design set aside (chaining inside the request: lock the chain
    head, insert, commit); then how fast the sealer catches up."""
    import threading

    from django.db import connection, connections, transaction

    from indemnites.journal.models import Enregistrement, Mode, TeteChaine
    from indemnites.journal.services import Trace, acces_enregistrer, journaux_sceller

    trace = Trace(
        request_id="bench-ecriture",
        mode=Mode.PARTENAIRE,
        resultat="donnees-transmises",
        statut=200,
        client_id="sandbox-deux-champs",
        destinataire="13002526500013",
        sujet="8d9c1f52-6f39-4c55-9c1a-4d1f3e0e8a11",
        champs=("beneficiaireAssuranceChomage",),
        empreinte_requete="ab" * 32,
    )
    table, tete = Enregistrement._meta.db_table, TeteChaine._meta.db_table
    TeteChaine.objects.get_or_create(journal="bench-synchrone")

    def service() -> None:
        with transaction.atomic():
            acces_enregistrer(trace=trace)

    def synchrone() -> None:
        # The set-aside design at its cheapest: the head row locked (and moved on) first, the record inserted,
        # both committed together; the next writer waits for that commit.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {tete} SET rang = rang + 1 WHERE journal = 'bench-synchrone' RETURNING empreinte")
            cursor.fetchone()
            acces_enregistrer(trace=trace)

    def charge(appel: Any) -> dict[str, float]:
        fin, durees, verrou = time.monotonic() + secondes, [], threading.Lock()

        def fil() -> None:
            while time.monotonic() < fin:
                debut = time.perf_counter()
                appel()
                with verrou:
                    durees.append(time.perf_counter() - debut)
            connections.close_all()

        fils = [threading.Thread(target=fil) for _ in range(8)]
        for f in fils:
            f.start()
        for f in fils:
            f.join()
        durees.sort()
        return {
            "par_seconde": round(len(durees) / secondes),
            "p50_ms": round(durees[len(durees) // 2] * 1000, 2),
            "p99_ms": round(durees[int(len(durees) * 0.99)] * 1000, 2),
        }

    resultats = {"service": charge(service), "synchrone": charge(synchrone)}
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {tete} WHERE journal = 'bench-synchrone'")
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE rang IS NULL")
        attente = cursor.fetchone()[0]
    debut = time.perf_counter()
    scelles = journaux_sceller()
    duree = time.perf_counter() - debut
    resultats["scellement"] = {"enregistrements": scelles, "attente": attente, "par_seconde": round(scelles / duree)}
    return resultats


# --- parent process --------------------------------------------------------------------------------------


def _n(valeur: float) -> str:
    return f"{valeur:,.0f}".replace(",", "\u202f")


def _cible(url: str) -> str:
    if url == "sqlite":
        chemin = BENCH_DIR / "journal-verify.sqlite3"
        for suffixe in ("", "-wal", "-shm"):
            Path(f"{chemin}{suffixe}").unlink(missing_ok=True)
        return f"sqlite:///{chemin}"
    parsed = urllib.parse.urlparse(url)
    nom = parsed.path.lstrip("/")
    if parsed.scheme not in {"postgres", "postgresql"} or "bench" not in nom:
        raise BenchError("--database-url : « sqlite », ou postgres://…/base dont le nom contient « bench » (recréée)")
    if (parsed.hostname or "") not in LOOPBACK:
        raise BenchError("Le banc ne vise que des bases locales (127.0.0.1).")
    base = ["-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432), "-U", parsed.username or "postgres"]
    for commande in (["dropdb", "--if-exists", "--force", *base, nom], ["createdb", *base, nom]):
        fait = subprocess.run(commande, capture_output=True, text=True, timeout=120, check=False)
        if fait.returncode != 0:
            raise BenchError(f"{commande[0]} : {fait.stderr.strip()}")
    return url


def _etape(url: str, *args: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "indemnites.config.settings.dev",
        "DATABASE_URL": url,
        "VAR_DIR": str(BENCH_DIR),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    fait = subprocess.run(
        [sys.executable, __file__, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=3600, check=False
    )
    if fait.returncode != 0:
        raise BenchError(f"étape {args[0]} en échec :\n{fait.stderr[-3000:]}")
    return json.loads(fait.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", action="append", help="« sqlite » (défaut) ou postgres://…/bench_…")
    parser.add_argument("--records", type=int, default=1_000_000, help="taille du journal (défaut 1 000 000)")
    parser.add_argument("--rounds", type=int, default=3, help="vérifications chronométrées (la meilleure compte)")
    parser.add_argument("--writes", type=int, default=5, help="secondes d'écriture par variante (8 fils)")
    args = parser.parse_args(argv)
    if not 1 <= args.records <= 20_000_000:
        parser.error("--records entre 1 et 20 000 000")
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    lignes = [
        "| base | enregistrements | vérification (meilleure) | vérifiés/s | écriture du service : /s ; p50 / p99 "
        "| chaînage dans la requête (écarté) : /s ; p50 / p99 | scellement /s |",
        "| --- | ---: | ---: | ---: | --- | --- | ---: |",
    ]
    for url in args.database_url or ["sqlite"]:
        cible = _cible(url)
        rempli = _etape(cible, "_remplir", str(args.records))
        print(f"== {rempli['vendor']} : {args.records} enregistrements écrits en {rempli['seconds']} s", flush=True)
        verifie = _etape(cible, "_verifier", str(args.rounds))
        print(verifie["output"], flush=True)
        meilleure = min(verifie["seconds"])
        ecriture = _etape(cible, "_ecriture", str(args.writes))
        service, synchrone, scelle = ecriture["service"], ecriture["synchrone"], ecriture["scellement"]
        print(f"   écriture : service {service}, chaînage synchrone {synchrone}, scellement {scelle}", flush=True)
        lignes.append(
            f"| {rempli['vendor']} | {_n(args.records)} | {meilleure:.2f} s | {_n(args.records / meilleure)} "
            f"| {_n(service['par_seconde'])} ; {service['p50_ms']} / {service['p99_ms']} ms "
            f"| {_n(synchrone['par_seconde'])} ; {synchrone['p50_ms']} / {synchrone['p99_ms']} ms "
            f"| {_n(scelle['par_seconde'])} |"
        )
    print("\n" + "\n".join(lignes))
    return 0


if __name__ == "__main__":
    etapes = {"_remplir": _remplir, "_verifier": _verifier, "_ecriture": _ecriture}
    if len(sys.argv) > 2 and sys.argv[1] in etapes:
        _django()
        print(json.dumps(etapes[sys.argv[1]](int(sys.argv[2]))))
    else:
        try:
            sys.exit(main(sys.argv[1:]))
        except BenchError as erreur:
            print(f"journal_verify : {erreur}", file=sys.stderr)
            sys.exit(2)
