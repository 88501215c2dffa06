"""A year of production data on PostgreSQL (bench/README.md, « Une année de données »): the registry and the
access journal as a year of traffic leaves them, built in minutes, for the scale benchmarks to share.

At `--echelle 1`: 5,000,000 persons and 10,000,000 rights; 20,000,000 access records over the 365 days
ending now, in time order, sealed with the service's own chain rules (indemnites/journal/domain.py) and a
checkpoint signed with the service's key at the end of every day; one heavy subject (200,000 records, one
client querying the same person all day) and 100 persons with about 1,000 records each. Every person is a
valid registry row the data call finds (identifiant `annee.<k>`, a valid NIR kept as the service hashes it).

    .venv/bin/python bench/jeu_annee.py --database-url postgres://postgres@127.0.0.1:5432/wt20a_annee
    .venv/bin/python bench/jeu_annee.py --echelle 0.1 --garder      # 10 %, and keep the database

The database is dropped at the end unless `--garder` (other scripts then reuse it, see `manifeste_lire`).
From another script: `construire(url, echelle=…, garder=True)` returns the manifest (the heavy subject, the
identifiants to query, sizes and durations); `supprimer(url)` drops it.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import api_load as charge  # bench/ is not a package
import commun

HERE = Path(__file__).resolve()
URL_DEFAUT = "postgres://postgres@127.0.0.1:5432/bench_annee"
PERSONNES = 5_000_000  # at scale 1; two rights each
ENREGISTREMENTS = 20_000_000
JOURS = 365
SUJET_LOURD = 200_000  # records of the heavy subject at scale 1
SUJETS_MILLE = 100  # persons with about MILLE records each, at scale 1
MILLE = 1_000
PREFIXE = "annee."  # identifiants of the persons the builder adds
LOT_COPY = 20_000
CHAMPS_TRANSMIS = "beneficiairePrestationSolidarite,beneficiaireAssuranceChomage"
DESTINATAIRE = "13002526500013"


# --- the values: deterministic, as the service would have written them -----------------------------------


def pseudonyme(k: int) -> str:
    """Person k's pseudonyme, known without reading the registry (the journal's subjects are built from it)."""
    return str(uuid.UUID(bytes=hashlib.md5(f"annee-{k}".encode()).digest()))  # not for security


def nir(k: int) -> tuple[str, date, str]:
    """A valid NIR for person k, unique for k < 94,000,000, its birth date (the NIR's year and month) and the
    sex it says."""
    from indemnites.droits.domain import nir_cle

    sexe = 1 + k % 2
    naissance = date(1950 + k % 50, 1 + k % 12, 1 + k % 28)
    q = k // 999
    lieu = f"{1 + (q // 990) % 95:02d}{1 + q % 990:03d}"
    treize = f"{sexe}{naissance.year % 100:02d}{naissance.month:02d}{lieu}{1 + k % 999:03d}"
    return f"{treize}{nir_cle(treize):02d}", naissance, "M" if sexe == 1 else "F"


def identifiant(k: int) -> str:
    return f"{PREFIXE}{k}"


class Taille:
    """The set's sizes at a scale (at least one of everything)."""

    def __init__(self, echelle: float, lourd: int | None = None) -> None:
        self.echelle = echelle
        self.personnes = max(200, round(PERSONNES * echelle))
        self.enregistrements = max(1_000, round(ENREGISTREMENTS * echelle))
        self.lourd = lourd if lourd is not None else max(10, round(SUJET_LOURD * echelle))
        self.mille = max(1, min(round(SUJETS_MILLE * echelle), self.personnes // 4))
        self.par_mille = min(MILLE, max(10, self.enregistrements // 200 // self.mille))

    def en_dict(self) -> dict[str, Any]:
        return {
            "echelle": self.echelle,
            "personnes": self.personnes,
            "droits": 2 * self.personnes,
            "enregistrements": self.enregistrements,
            "sujet_lourd_enregistrements": self.lourd,
            "sujets_mille": self.mille,
            "enregistrements_par_sujet_mille": self.par_mille,
        }


# --- in the child process: Django set up on the set's database --------------------------------------------


def _django() -> None:
    sys.path.insert(0, str(commun.ROOT))
    import django

    django.setup()


class _Chrono:
    def __init__(self) -> None:
        self.durees: dict[str, float] = {}
        self._debut = time.monotonic()

    def etape(self, nom: str) -> None:
        maintenant = time.monotonic()
        self.durees[nom] = round(maintenant - self._debut, 1)
        print(f"   {nom} : {self.durees[nom]} s", file=sys.stderr, flush=True)
        self._debut = maintenant


def _index_retirer(cursor: Any, table: str) -> list[str]:
    """Drops a table's unique and foreign-key constraints and its secondary indexes (its primary key stays);
    returns the statements that put them back. Building an index once after the load is many times faster
    than maintaining it row by row."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')",
        [table],
    )
    contraintes = cursor.fetchall()
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid)",
        [table],
    )
    index = cursor.fetchall()
    for nom, _ in contraintes:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{nom}"')
    for nom, _ in index:
        cursor.execute(f'DROP INDEX "{nom}"')
    return [definition for _, definition in index] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{nom}" {definition}' for nom, definition in contraintes
    ]


def _copier(cursor: Any, table: str, colonnes: list[str], lignes: Iterator[str]) -> None:
    """COPY in text format; the values never hold a tab or a newline, nor a backslash but escaped (built here)."""
    with cursor.cursor.copy(f"COPY {table} ({', '.join(colonnes)}) FROM STDIN") as copie:
        tampon: list[str] = []
        for ligne in lignes:
            tampon.append(ligne)
            if len(tampon) >= LOT_COPY:
                copie.write("".join(tampon))
                tampon.clear()
        if tampon:
            copie.write("".join(tampon))


def _personnes_lignes(debut_id: int, nombre: int, maintenant: str) -> Iterator[str]:
    from django.conf import settings

    from indemnites.droits.domain import nir_hacheur

    hacher = nir_hacheur(settings.NIR_PEPPER)
    for k in range(1, nombre + 1):
        numero, naissance, sexe = nir(k)
        lieu = numero[5:10]
        yield (
            f"{debut_id + k}\t{maintenant}\t{maintenant}\t{identifiant(k)}\t{hacher(numero)}\tANNEE\t"
            f"Personne{k % 1000}\t{naissance.isoformat()}\t{lieu}\t\t{sexe}\t{pseudonyme(k)}\t0\n"
        )


_COLONNES_PERSONNES = [
    "id",
    "created_at",
    "updated_at",
    "identifiant",
    "nir_hash",
    "nom_naissance",
    "prenom",
    "date_naissance",
    "lieu_naissance",
    "email",
    "sexe",
    "pseudonyme",
    "generation",
]

# Two rights per person, k = id - first id: a right opened 0 to 699 days ago that ended for one person in
# three, and one opened 0 to 199 days ago, still open. The organisme is the one that pays the prestation.
_DROITS_SQL = """
INSERT INTO {droits} (created_at, updated_at, prestation, organisme, date_debut, date_fin, reference,
                      demandeur_id, generation_debut, generation_fin)
SELECT %(maintenant)s, %(maintenant)s, p.prestation,
       CASE WHEN p.prestation IN ('AAH', 'RSA') THEN 'CAF' ELSE 'France Travail' END,
       p.debut, CASE WHEN p.rang = 1 AND p.k %% 3 = 0 THEN p.debut + CAST(p.k %% 400 AS integer) END,
       'annee-' || p.k || '-' || p.rang, p.id, 0, NULL
FROM (
    SELECT q.id, q.k, q.rang, (ARRAY['ARE', 'ASP', 'ASS', 'AER', 'AAH', 'RSA'])[1 + (q.k + 3 * (q.rang - 1)) %% 6]
               AS prestation,
           CAST(%(aujourdhui)s AS date) - CAST(q.k %% (CASE q.rang WHEN 1 THEN 700 ELSE 200 END) AS integer) AS debut
    FROM (
        SELECT d.id, d.id - %(base)s AS k, r.rang
        FROM {personnes} d CROSS JOIN (VALUES (1), (2)) AS r(rang) WHERE d.id > %(base)s
    ) AS q
) AS p
"""


class _Journal:
    """The records, in time order, chained as the sealer chains them; a checkpoint at the end of every day."""

    def __init__(self, taille: Taille, fin: datetime, clients: dict[str, str], graine: int) -> None:
        from indemnites.journal.selectors.habilitations import habilitations_des_clients

        self.taille = taille
        self.debut = fin - timedelta(days=JOURS)
        self.pas_us = JOURS * 86_400 * 1_000_000 // taille.enregistrements
        self.clients = list(clients)
        self.champs = clients
        self.periodes = habilitations_des_clients(clients)
        self.hasard = random.Random(graine)
        self.lourd = pseudonyme(1)
        self.mille = [pseudonyme(k) for k in range(2, taille.mille + 2)]
        self.pas_lourd = max(1, taille.enregistrements // taille.lourd)
        self.part_mille = taille.mille * taille.par_mille / taille.enregistrements
        self.points: list[tuple[int, str, datetime]] = []  # (rang, empreinte, end of its day)
        self.derniere = ""

    def _sujet(self, rang: int) -> tuple[str, str, int]:
        """(subject, client, status) of record `rang`."""
        hasard = self.hasard.random()
        if rang % self.pas_lourd == 0:
            return self.lourd, self.clients[0], 200
        if hasard < self.part_mille:
            return self.hasard.choice(self.mille), self.hasard.choice(self.clients), 200
        if hasard > 0.98:  # someone not in the registry: the service's pseudonymous reference for them
            return f"inconnu:{self.hasard.getrandbits(128):032x}", self.hasard.choice(self.clients), 404
        # One client in three calls is the largest client's (one client's month is a large export).
        client = self.clients[0] if hasard < 0.33 else self.hasard.choice(self.clients)
        # Anyone but the heavy subject and the 1,000-record persons, whose counts stay as announced.
        return pseudonyme(self.hasard.randint(self.taille.mille + 2, self.taille.personnes)), client, 200

    def lignes(self) -> Iterator[str]:
        from indemnites.journal import domain
        from indemnites.journal.selectors.habilitations import habilitation_en_vigueur

        precedente = domain.GENESE
        jour = self.debut.date()
        instant = self.debut
        for rang in range(1, self.taille.enregistrements + 1):
            instant = self.debut + timedelta(microseconds=rang * self.pas_us)
            if instant.date() != jour:  # the previous record closed its day: a checkpoint signs it
                if rang > 1:
                    minuit = datetime.combine(instant.date(), datetime.min.time(), UTC)
                    self.points.append((rang - 1, precedente, minuit))
                jour = instant.date()
            sujet, client, statut = self._sujet(rang)
            canonique = domain.horodatage_canonique(instant)
            request_id = str(uuid.UUID(int=self.hasard.getrandbits(128)))
            mode = "individu" if rang % 37 == 0 else "partenaire"
            requete = hashlib.sha256(request_id.encode()).hexdigest()
            valeurs = [
                canonique,
                request_id,
                mode,
                client,
                habilitation_en_vigueur(self.periodes.get(client, []), canonique),
                DESTINATAIRE if mode == "partenaire" else "",
                sujet,
                self.champs[client] if statut == 200 else "",
                "donnees-transmises" if statut == 200 else "individu-inconnu",
                statut,
                f"DOSSIER-{rang % 100_000}" if rang % 2 else "",
                requete,
                statut == 200 and rang % 50 == 0,
            ]
            empreinte = domain.empreinte_chainer(precedente, rang, domain.empreinte_contenu(domain.ACCES, valeurs))
            texte = "\t".join(str(v) for v in valeurs[1:11])
            preuve = "t" if valeurs[12] else "f"
            yield (
                f"{rang}\t{rang}\t{canonique}\t{texte}\t{_bytea(requete)}\t{preuve}\t"
                f"{_bytea(precedente)}\t{_bytea(empreinte)}\n"
            )
            precedente = empreinte
        self.derniere = precedente


def _bytea(empreinte: str) -> str:
    """A hex fingerprint as COPY's text format reads the column's bytea (indemnites/journal/empreintes.py):
    `\\x…`, the backslash escaped; NULL for none."""
    return f"\\\\x{empreinte}" if empreinte else "\\N"


def _colonnes_journal() -> list[str]:
    """The COPY's columns, in the order of `_Journal.lignes`: the chained fields in the chain's own order."""
    from indemnites.journal import domain

    return ["id", "rang", *domain.CHAMPS[domain.ACCES], "empreinte_precedente", "empreinte"]


def _clients() -> dict[str, str]:
    """The registered clients (the demo's, or a test's) and the fields each is granted, as a record names them;
    made-up clients granted both fields on an empty registry."""
    from indemnites.droits.domain import CHAMPS
    from indemnites.oauth.models import Application

    clients = {
        client_id: ",".join(champ for champ in CHAMPS if champ in (accordes or []))
        for client_id, accordes in Application.objects.order_by("client_id").values_list("client_id", "champs")
    }
    return clients or {f"annee-client-{i}": CHAMPS_TRANSMIS for i in range(1, 9)}


def remplir(*, echelle: float, lourd: int | None = None, graine: int = 2026) -> dict[str, Any]:
    """Fills the current (migrated, PostgreSQL) database: persons, rights, journal records, checkpoints and
    the chain head. Runs in a transaction if the caller has one (a test); VACUUM is left to `finaliser`."""
    from django.db import connection
    from django.utils import timezone

    from indemnites.droits.models import DemandeurEmploi, Droit
    from indemnites.journal import domain
    from indemnites.journal.models import Enregistrement, PointDeControle, TeteChaine
    from indemnites.journal.selectors import cle_signature
    from indemnites.journal.services.points_de_controle import point_de_controle_construire

    if connection.vendor != "postgresql":
        raise commun.BenchError("le jeu d'une année se construit sur PostgreSQL")
    taille = Taille(echelle, lourd)
    chrono = _Chrono()
    maintenant = timezone.now()
    texte_maintenant = maintenant.isoformat()
    personnes, droits, journal = (m._meta.db_table for m in (DemandeurEmploi, Droit, Enregistrement))
    cle = cle_signature()
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
        cursor.execute("SET maintenance_work_mem = '256MB'")
        cursor.execute("SET synchronous_commit = off")  # a bench's bulk load: losing it in a crash costs nothing
        cursor.execute(f"SELECT COUNT(*) FROM {journal}")
        if cursor.fetchone()[0]:
            raise commun.BenchError("le journal n'est pas vide : le jeu se construit sur une base neuve")
        remettre = [stmt for table in (droits, personnes, journal) for stmt in _index_retirer(cursor, table)]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {personnes}")
        base = cursor.fetchone()[0]
        _copier(cursor, personnes, _COLONNES_PERSONNES, _personnes_lignes(base, taille.personnes, texte_maintenant))
        chrono.etape("personnes (COPY)")
        cursor.execute(
            _DROITS_SQL.format(droits=droits, personnes=personnes),
            {"maintenant": maintenant, "base": base, "aujourdhui": timezone.localdate().isoformat()},
        )
        chrono.etape("droits (INSERT … SELECT)")
        ecriture = _Journal(taille, maintenant - timedelta(seconds=1), _clients(), graine)
        _copier(cursor, journal, _colonnes_journal(), ecriture.lignes())
        chrono.etape("journal (chaîne calculée, COPY)")
        for stmt in remettre:
            cursor.execute(stmt)
        chrono.etape("index et contraintes")
        for table in (personnes, droits, journal):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
    points = [
        point_de_controle_construire(
            cle,
            journal=domain.ACCES,
            numero=numero,
            rang=rang,
            empreinte=empreinte,
            signe_le=fin + timedelta(minutes=5),
        )[0]
        for numero, (rang, empreinte, fin) in enumerate(ecriture.points, 1)
    ]
    PointDeControle.objects.bulk_create(points)
    TeteChaine.objects.update_or_create(
        journal=domain.ACCES, defaults={"rang": taille.enregistrements, "empreinte": ecriture.derniere}
    )
    chrono.etape("points de contrôle")
    return {
        **taille.en_dict(),
        "identifiant_lourd": identifiant(1),
        "sujet_lourd": ecriture.lourd,
        "client_lourd": ecriture.clients[0],
        "identifiants_mille": [identifiant(k) for k in range(2, taille.mille + 2)],
        "sujets_mille": ecriture.mille,
        "points_de_controle": len(points),
        "dernier_point_rang": points[-1].rang if points else 0,
        "debut": domain.horodatage_canonique(ecriture.debut),
        "fin": domain.horodatage_canonique(maintenant),
        "durees": chrono.durees,
    }


def finaliser() -> dict[str, Any]:
    """What autovacuum would have done long before: statistics, visibility map, hint bits; then the load's
    writes reach the disk before any measure (outside any transaction)."""
    from django.db import connection

    chrono = _Chrono()
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
        cursor.execute("VACUUM (ANALYZE)")
        chrono.etape("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")
        cursor.execute("SELECT pg_database_size(current_database())")
        taille = cursor.fetchone()[0]
    chrono.etape("CHECKPOINT")
    return {"octets": taille, "durees": chrono.durees}


def _etape_preparer(echelle: float, lourd: int | None) -> dict[str, Any]:
    from django.core.management import call_command

    debut = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("demo_charger", stdout=io.StringIO())
    charge._quotas_lever()
    migre = round(time.monotonic() - debut, 1)
    resultat = remplir(echelle=echelle, lourd=lourd)
    resultat["durees"] = {"migrations et démonstration": migre, **resultat["durees"]}
    fin = finaliser()
    resultat["durees"].update(fin["durees"])
    resultat["octets"] = fin["octets"]
    return resultat


# --- the parent ------------------------------------------------------------------------------------------


def _charge() -> str:
    return Path("/proc/loadavg").read_text().strip()


def _cible(url: str) -> charge.Target:
    parsed = urllib.parse.urlparse(url)
    nom = parsed.path.lstrip("/")
    if parsed.scheme not in {"postgres", "postgresql"} or not ("bench" in nom or "annee" in nom):
        raise commun.BenchError("--database-url : postgres://…/base dont le nom contient « bench » ou « annee »")
    if (parsed.hostname or "") not in charge.LOOPBACK_DB_HOSTS:
        raise commun.BenchError("Le banc ne vise que des bases locales (127.0.0.1).")
    return charge.Target("postgresql", url)


def _psql_base(url: str) -> tuple[list[str], str]:
    parsed = urllib.parse.urlparse(url)
    hote, port = parsed.hostname or commun.HOST, str(parsed.port or 5432)
    return ["-h", hote, "-p", port, "-U", parsed.username or "postgres"], parsed.path.lstrip("/")


def preparer_repertoire() -> None:
    """var/bench/ with the service's keys (OIDC, journal checkpoints): the set's checkpoints are signed with
    the journal key every bench's service then uses (VAR_DIR=var/bench)."""
    charge.bench_dir_preparer()
    cle = charge.BENCH_DIR / "journal-dev-key.pem"
    subprocess.run(
        [sys.executable, str(commun.ROOT / "scripts" / "dev_keys.py"), str(cle), "--ed25519"],
        check=True,
        capture_output=True,
    )


def manifeste_chemin(url: str) -> Path:
    return charge.BENCH_DIR / f"jeu-annee-{_psql_base(url)[1]}.json"


def manifeste_lire(url: str) -> dict[str, Any] | None:
    """The manifest of a set kept with --garder on this database, if any."""
    chemin = manifeste_chemin(url)
    return json.loads(chemin.read_text()) if chemin.exists() else None


def supprimer(url: str) -> None:
    options, nom = _psql_base(_cible(url).url)
    subprocess.run(["dropdb", "--if-exists", "--force", *options, nom], check=True, capture_output=True, timeout=300)
    manifeste_chemin(url).unlink(missing_ok=True)


def construire(url: str, *, echelle: float = 1.0, lourd: int | None = None) -> dict[str, Any]:
    """A fresh database with the set (dropped and recreated); returns the manifest, also written beside
    var/bench/ for later runs. The caller drops it (`supprimer`) unless it keeps it."""
    cible = _cible(url)
    preparer_repertoire()
    options, nom = _psql_base(url)
    for commande in (["dropdb", "--if-exists", "--force", *options, nom], ["createdb", *options, nom]):
        fait = subprocess.run(commande, capture_output=True, text=True, timeout=300, check=False)
        if fait.returncode != 0:
            raise commun.BenchError(f"{commande[0]} : {fait.stderr.strip()}")
    debut = time.monotonic()
    fait = subprocess.run(
        [sys.executable, str(HERE), "_construire", json.dumps({"echelle": echelle, "lourd": lourd})],
        env=charge._env(cible),
        cwd=commun.ROOT,
        stdout=subprocess.PIPE,
        text=True,
        timeout=4 * 3600,
        check=False,
    )
    if fait.returncode != 0:
        raise commun.BenchError("construction en échec (voir ci-dessus)")
    manifeste = json.loads(fait.stdout.strip().splitlines()[-1])
    manifeste.update({"base": nom, "secondes": round(time.monotonic() - debut, 1), "charge": _charge()})
    manifeste_chemin(url).write_text(json.dumps(manifeste, indent=2))
    return manifeste


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=URL_DEFAUT, help=f"base PostgreSQL recréée (défaut {URL_DEFAUT})")
    parser.add_argument("--echelle", type=float, default=1.0, help="fraction du jeu complet (défaut 1 ; 0.1 : 10 %%)")
    parser.add_argument("--lourd", type=int, help="enregistrements du sujet le plus consulté (200 000 × échelle)")
    parser.add_argument("--garder", action="store_true", help="garder la base à la fin (sinon supprimée)")
    args = parser.parse_args(argv)
    if not 0 < args.echelle <= 1:
        parser.error("--echelle entre 0 (exclu) et 1")
    print(f"charge moyenne au départ {_charge()}, {Taille(args.echelle, args.lourd).en_dict()}", flush=True)
    manifeste = construire(args.database_url, echelle=args.echelle, lourd=args.lourd)
    try:
        print(
            f"jeu construit en {manifeste['secondes']} s : {manifeste['personnes']:,} personnes, "
            f"{manifeste['droits']:,} droits, {manifeste['enregistrements']:,} enregistrements, "
            f"{manifeste['points_de_controle']} points de contrôle ; {manifeste['octets'] / 2**30:.2f} Gio "
            f"(pg_database_size)".replace(",", " ")
            + f" ; charge à la fin {manifeste['charge']}"
        )
        print("durées par étape :", json.dumps(manifeste["durees"], ensure_ascii=False))
        print(
            f"sujet lourd : {manifeste['sujet_lourd']} ({manifeste['identifiant_lourd']}) ; manifeste "
            f"{manifeste_chemin(args.database_url).relative_to(commun.ROOT)}"
        )
    finally:
        if not args.garder:
            supprimer(args.database_url)
            print("base supprimée (--garder pour la garder)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "_construire":
        _django()
        parametres = json.loads(sys.argv[2])
        print(json.dumps(_etape_preparer(parametres["echelle"], parametres["lourd"])))
    else:
        try:
            sys.exit(main(sys.argv[1:]))
        except commun.BenchError as erreur:
            print(f"jeu_annee : {erreur}", file=sys.stderr)
            sys.exit(2)
