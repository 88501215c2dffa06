"""Use case: import a file of rights (CSV or JSON Lines), all or nothing, upserting by reference.

A million lines must load in under a minute and 400 MB, so the ORM stays out of the way: the file is
streamed, each line is checked in Python (`domain.ligne_droit_lire`) and copied in batches into a
temporary table; the rules that span lines run there in SQL, and so does the list of what changes. Until
then nothing of the registry is written: a refused file leaves it as it was. The changes are then written
as the registry's next generation and switched to at once (generations.py): data calls keep answering
from the whole previous state, then from the whole new one.
"""

import contextlib
import csv
import functools
import hashlib
import itertools
import json
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, TextIO, TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from indemnites.core.actions import action_enregistrer
from indemnites.core.verrou_ecriture import verrou_ecriture
from indemnites.droits.domain import (
    COLONNES_PERSONNE,
    CONTROLE_PATTERN,
    NIR_DEJA_ATTRIBUE,
    PERSONNE_DESIGNEE_DEUX_FOIS,
    REFERENCE_INCONNUE,
    SEXE_CONTRAIRE_AU_REGISTRE,
    Anomalie,
    LigneDroit,
    LigneSuppression,
    Organisme,
    champs_csv_lire,
    encodage_message,
    entete_anomalie,
    ligne_droit_lire,
    nir_autre_personne,
    nir_hacheur,
    objet_json_lire,
    personne_ecarts,
    reference_en_double,
)
from indemnites.droits.models import DemandeurEmploi, Droit, IdentiteAnterieure, ImportDroits
from indemnites.droits.services import generations
from indemnites.droits.services.generations import ImportEnCours

logger = logging.getLogger(__name__)
T = TypeVar("T")

TAILLE_LOT = 5_000
ERREURS_RAPPORTEES = 1_000
DEMANDEURS = DemandeurEmploi._meta.db_table
DROITS = Droit._meta.db_table
ANTERIEURES = IdentiteAnterieure._meta.db_table
LIGNES = "droits_import_lignes"
ERREURS = "droits_import_erreurs"
PERSONNES = "droits_import_personnes"
CHANGEMENTS = "droits_import_changements"
CORRECTIONS = "droits_import_corrections"  # known persons whose description changes
IDENTITES = "droits_import_identites"  # known persons whose keys change (whom a call finds)


class Format(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"


EXTENSIONS = {".csv": Format.CSV, ".jsonl": Format.JSONL, ".ndjson": Format.JSONL}


class FichierInvalide(Exception):
    """The file as a whole cannot be read (format, header, encoding): nothing was read into the registry."""


@dataclass(frozen=True)
class ErreurLigne:
    ligne: int
    colonne: str
    regle: str
    message: str


@dataclass(frozen=True)
class Rapport:
    lignes_lues: int
    lignes_rejetees: int
    erreurs: tuple[ErreurLigne, ...]  # the first ERREURS_RAPPORTEES, by line
    erreurs_total: int
    personnes_creees: int = 0
    personnes_modifiees: int = 0
    droits_crees: int = 0
    droits_modifies: int = 0
    droits_inchanges: int = 0
    droits_supprimes: int = 0
    rejets_path: Path | None = None
    suppressions_path: Path | None = None
    simulation: bool = False

    @property
    def lignes_ecrites(self) -> int:
        return self.lignes_lues - self.lignes_rejetees


class ImportRefuse(Exception):
    """Some lines break a rule and invalid lines may not be skipped: nothing was written."""

    def __init__(self, rapport: Rapport) -> None:
        super().__init__(f"{rapport.lignes_rejetees} ligne(s) invalide(s)")
        self.rapport = rapport


class SuppressionsExcessives(Exception):
    """A snapshot would remove more of the organisme's rights than allowed: nothing was written."""

    def __init__(self, rapport: Rapport, *, organisme: str, existants: int, maximum: float) -> None:
        super().__init__(
            f"La photographie supprimerait {rapport.droits_supprimes} des {existants} droits de l'organisme "
            f"{organisme} ({_pourcentage(rapport.droits_supprimes, existants)}), plus que le maximum de "
            f"{maximum:g} % (--suppressions-max) : rien n'a été importé."
        )
        self.rapport = rapport


def _pourcentage(nombre: int, total: int) -> str:
    return f"{100 * nombre / total:.1f} %".replace(".", ",") if total else "0 %"


@dataclass(frozen=True)
class Demande:
    """What to import and how. `organisme` is required for a snapshot (`complet`); with it, every line must
    be a right of that organisme. `suppressions_max` is a percentage of the organisme's rights."""

    path: Path
    format: Format | None = None
    skip_invalid: bool = False
    rejects_path: Path | None = None
    organisme: Organisme | None = None
    complet: bool = False
    simulation: bool = False
    suppressions_max: float = 5.0
    suppressions_path: Path | None = None
    acteur: str = "inconnu"


def format_deviner(path: Path) -> Format:
    try:
        return EXTENSIONS[path.suffix.lower()]
    except KeyError:
        raise FichierInvalide(
            f"Format inconnu pour l'extension « {path.suffix} » : utilisez .csv, .jsonl ou .ndjson, ou --format."
        ) from None


def rejets_path_defaut(path: Path, format: Format) -> Path:
    return path.with_suffix(f".rejets.{format}")


def suppressions_path_defaut(path: Path) -> Path:
    return path.with_suffix(".supprimees.csv")


def droits_import_executer(*, demande: Demande) -> Rapport:
    """Upsert the file's persons and rights (and, for a snapshot, remove the organisme's rights the file
    leaves out). Raises FichierInvalide, ImportRefuse when a line is invalid and `skip_invalid` is off, or
    SuppressionsExcessives; otherwise invalid lines go to the rejects file and the rest is written. Every
    run but a simulation is recorded (ImportDroits and the administrative journal)."""
    format = demande.format or format_deviner(demande.path)
    if demande.complet and demande.organisme is None:
        raise FichierInvalide("Une photographie complète (--complet) porte sur un organisme : --organisme.")
    if not demande.path.is_file():
        raise FichierInvalide(f"Fichier introuvable : {demande.path}")
    ecrire_fichiers = not demande.simulation
    rejets = (demande.rejects_path or rejets_path_defaut(demande.path, format)) if demande.skip_invalid else None
    suppressions = (demande.suppressions_path or suppressions_path_defaut(demande.path)) if demande.complet else None
    for sortie, nom in ((rejets, "des rejets"), (suppressions, "des droits supprimés")):
        if sortie and ecrire_fichiers:
            _sortie_verifier(sortie, source=demande.path, nom=nom)
    demande = replace(
        demande,
        format=format,
        rejects_path=rejets if ecrire_fichiers else None,
        suppressions_path=suppressions if ecrire_fichiers else None,
    )
    debut = timezone.now()
    empreinte = _empreinte(demande.path)
    try:
        with generations.import_exclusif(), _session_de_lot():
            rapport = _importer(demande, debut=debut, empreinte=empreinte)
    except ImportEnCours:
        raise FichierInvalide("Un autre import est en cours : rien n'a été lu. Relancez quand il est fini.") from None
    except (ImportRefuse, SuppressionsExcessives) as refus:
        if not demande.simulation:
            with verrou_ecriture(), transaction.atomic():
                _import_enregistrer(demande, refus.rapport, debut=debut, empreinte=empreinte, motif=str(refus))
        raise
    logger.info("droits importés", extra={"command": "droits_import", "count": rapport.lignes_ecrites})
    return rapport


def _importer(demande: Demande, *, debut: datetime, empreinte: str) -> Rapport:
    courante = generations.generation_courante()
    generations.reprendre(courante)
    rapport = _preparer(demande)
    if demande.simulation:
        return rapport
    generation = courante + 1
    try:
        with _etape("generation"):
            _generation_ecrire(generation, horodatage=debut)
        with _etape("statistiques"):
            generations.statistiques_rafraichir()
        if demande.rejects_path:
            _rejets_ecrire(path=demande.path, format=Format(demande.format), destination=demande.rejects_path)  # type: ignore[arg-type]  # set on entry
            rapport = replace(rapport, rejets_path=demande.rejects_path)
        if demande.complet and demande.suppressions_path:
            _suppressions_ecrire(demande.suppressions_path)
            rapport = replace(rapport, suppressions_path=demande.suppressions_path)
        with _etape("corrections"):
            _descriptions_corriger(horodatage=debut)
            _identites_corriger(generation, horodatage=debut)
        with _etape("bascule"), generations.ecriture():  # short, whatever the size
            generations.basculer(generation)
            _import_enregistrer(demande, rapport, debut=debut, empreinte=empreinte)
    except BaseException:
        # What no one saw goes now; if the database cannot say so (it is what failed), the next import will.
        with contextlib.suppress(Exception):
            generations.reprendre(courante)
        raise
    with _etape("retrait"):
        generations.versions_retirer(generation)
    return rapport


def _preparer(demande: Demande) -> Rapport:
    """Everything but the writes: the file read and checked, the changes listed, the rules that need the
    registry applied. Reads the registry, writes only temporary tables (outside SQLite's write lock)."""
    with _lecture(), connection.cursor() as cursor:
        _tables_creer(cursor)
        erreurs = _Erreurs(cursor)
        with _etape("lecture"):
            lues = _fichier_charger(cursor, erreurs, demande=demande)
        with _etape("controles"):
            _controles_croises(erreurs)
            _suppressions_controler(erreurs, organisme=demande.organisme)
            _personnes_preparer(cursor, erreurs)
        rapport = replace(_rapport_erreurs(cursor, lues=lues), simulation=demande.simulation)
        if rapport.erreurs_total and not demande.skip_invalid:
            raise ImportRefuse(rapport)
        with _etape("changements"):
            rapport = _changements_preparer(cursor, demande, rapport)
    return rapport


@contextmanager
def _etape(nom: str) -> Iterator[None]:
    """Each stage of an import, logged with its duration and this process's CPU time in it: the rest is
    the time spent waiting for the database (docs/import.md, « Où passe le temps d'un import »)."""
    debut, debut_cpu = time.perf_counter(), time.process_time()
    yield
    extra = {
        "command": "droits_import",
        "step": nom,
        "duration_ms": round((time.perf_counter() - debut) * 1000),
        "cpu_ms": round((time.process_time() - debut_cpu) * 1000),
    }
    logger.info("étape d'import", extra=extra)


@contextmanager
def _lecture() -> Iterator[None]:
    """A transaction that reads the registry and writes temporary tables only. On SQLite, Django's
    transactions begin IMMEDIATE, taking the database's write lock: a deferred one leaves it to data calls
    (temporary tables live in another file, with a lock of their own)."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
    try:
        yield
    except BaseException:
        with connection.cursor() as cursor:
            cursor.execute("ROLLBACK")
        raise
    with connection.cursor() as cursor:
        cursor.execute("COMMIT")


# Each setting of the import's session (PostgreSQL), with what restores it. SQLite keeps its 2 MB page cache
# (128 MB raised the import's peak RSS from 121 to 371 MB: bench/README.md, « Appels pendant un import »).
_REGLAGES_POSTGRESQL = tuple(
    (f"SET {nom} = {valeur}", f"RESET {nom}")
    for nom, valeur in (("statement_timeout", "0"), ("work_mem", "'64MB'"), ("synchronous_commit", "off"))
)


@contextmanager
def _session_de_lot() -> Iterator[None]:
    """An import is a batch job: the API's 10-second statement timeout does not apply to it (PostgreSQL),
    its sorts over a million lines deserve more than the default 4 MB, and its staging tables go at the end.
    Its commits before the switch need not wait for the disk: what a crash loses of them no one saw, and the
    next import removes the rest (generations.reprendre); the switch's own commit waits (generations.basculer)."""
    reglages = _REGLAGES_POSTGRESQL if connection.vendor == "postgresql" else ()
    with connection.cursor() as cursor:
        for reglage, _ in reglages:
            cursor.execute(reglage)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            _tables_supprimer(cursor)
            for _, retour in reglages:
                cursor.execute(retour)


def _empreinte(path: Path) -> str:
    with path.open("rb") as fichier:
        return hashlib.file_digest(fichier, "sha256").hexdigest()


def _sortie_verifier(destination: Path, *, source: Path, nom: str) -> None:
    """An output file that cannot be written is said before anything is read, never as a traceback."""
    if destination.resolve() == source.resolve():
        raise FichierInvalide(f"Le fichier {nom} ne peut pas être le fichier importé.")
    repertoire = destination.parent
    if destination.is_dir() or not repertoire.is_dir() or not os.access(repertoire, os.W_OK | os.X_OK):
        message = f"Le fichier {nom} ne peut pas être écrit : {destination} (répertoire absent ou protégé)."
        raise FichierInvalide(message)
    if destination.exists() and not os.access(destination, os.W_OK):
        raise FichierInvalide(f"Le fichier {nom} ne peut pas être écrit : {destination} (accès refusé).")


def _import_enregistrer(
    demande: Demande, rapport: Rapport, *, debut: datetime, empreinte: str, motif: str = ""
) -> None:
    """The run's record and its administrative journal entry, in the caller's transaction: with the data
    for a successful import ("no trace, no data"), alone for a refused one."""
    resultat = ImportDroits.Resultat.REFUSE if motif else ImportDroits.Resultat.REUSSI
    enregistrement = ImportDroits.objects.create(
        organisme=demande.organisme.value if demande.organisme else "",
        mode=ImportDroits.Mode.COMPLET if demande.complet else ImportDroits.Mode.INCREMENTAL,
        debut=debut,
        fin=timezone.now(),
        fichier=demande.path.name[:255],
        empreinte_fichier=empreinte,
        lignes_lues=rapport.lignes_lues,
        lignes_rejetees=rapport.lignes_rejetees,
        droits_crees=rapport.droits_crees,
        droits_modifies=rapport.droits_modifies,
        droits_inchanges=rapport.droits_inchanges,
        droits_supprimes=0 if motif else rapport.droits_supprimes,
        personnes_creees=rapport.personnes_creees,
        personnes_modifiees=rapport.personnes_modifiees,
        resultat=resultat,
        motif=motif[:300],
        acteur=demande.acteur[:200],
    )
    details = {
        "import": enregistrement.pk,
        "mode": enregistrement.mode,
        "organisme": enregistrement.organisme,
        "sha256": empreinte,
        "resultat": resultat.value,
        "lignes_lues": rapport.lignes_lues,
        "lignes_rejetees": rapport.lignes_rejetees,
        "droits_supprimes": enregistrement.droits_supprimes,
    }
    action_enregistrer(acteur=demande.acteur, action="droits.import", objet=f"I{enregistrement.pk}", details=details)


# Staging tables ----------------------------------------------------------------------------------------

_TABLES_SQL = (
    f"""CREATE TEMPORARY TABLE {LIGNES} (
        ligne integer PRIMARY KEY, valide boolean NOT NULL, rejete boolean NOT NULL, reference text, cle text,
        empreinte bigint, identifiant text, nir_hash text, nom_naissance text, prenom text, date_naissance date,
        email text, sexe text, lieu_naissance text, prestation text, organisme text, date_debut date,
        date_fin date, supprimer boolean NOT NULL)""",
    f"CREATE TEMPORARY TABLE {ERREURS} (ligne bigint NOT NULL, ordre bigint NOT NULL, "
    "colonne text NOT NULL, regle text NOT NULL, message text NOT NULL)",
)
_LIGNE_INSERT = f"INSERT INTO {LIGNES} VALUES ({', '.join(['%s'] * 19)})"
_ERREUR_INSERT = f"INSERT INTO {ERREURS} VALUES (%s, %s, %s, %s, %s)"


def _tables_creer(cursor: CursorWrapper) -> None:
    """Temporary tables live in this connection only, until the import ends (`_session_de_lot`)."""
    for sql in _TABLES_SQL:
        cursor.execute(sql)


def _tables_supprimer(cursor: CursorWrapper) -> None:
    for table in (LIGNES, ERREURS, PERSONNES, CHANGEMENTS, CORRECTIONS, IDENTITES):
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


class _Erreurs:
    """Appends anomalies to the staging table of errors, numbered so that a line keeps its order."""

    def __init__(self, cursor: CursorWrapper) -> None:
        self.cursor = cursor
        self.nombre = 0

    def ajouter(self, erreurs: Iterable[tuple[int, Anomalie]]) -> None:
        for lot in _lots(erreurs):
            rangs = itertools.count(self.nombre)
            self.cursor.executemany(_ERREUR_INSERT, [(ligne, next(rangs), *anomalie) for ligne, anomalie in lot])
            self.nombre += len(lot)


# Reading the file ---------------------------------------------------------------------------------------

Brut = list[str] | str  # a CSV record's fields, or a JSON Lines line


@contextmanager
def _fichier_ouvrir(path: Path) -> Iterator[TextIO]:
    """Opens the file as UTF-8 (a leading BOM is allowed); a decoding error names its line."""
    with path.open(encoding="utf-8-sig", newline="") as fichier:
        try:
            yield fichier
        except UnicodeDecodeError:
            raise FichierInvalide(encodage_message(_ligne_illisible(path))) from None


def _ligne_illisible(path: Path) -> int:
    numero = 0
    with path.open("rb") as fichier:
        for numero, octets in enumerate(fichier, start=1):
            try:
                octets.decode("utf-8")
            except UnicodeDecodeError:
                return numero
    return numero


def _enregistrements(fichier: TextIO, format: Format) -> tuple[list[str], Iterator[tuple[int, Brut]]]:
    """The CSV header (empty for JSON Lines) and the non-blank records, each with the line it starts on."""
    if format == Format.JSONL:
        return [], ((numero, texte) for numero, texte in enumerate(fichier, start=1) if texte.strip())
    premiere = fichier.readline()
    if not premiere.strip():
        raise FichierInvalide("Le fichier CSV est vide : il doit commencer par une ligne d'en-tête.")
    delimiteur = ";" if premiere.count(";") > premiere.count(",") else ","
    lecteur = csv.reader(itertools.chain([premiere], fichier), delimiter=delimiteur, strict=True)
    entete = [colonne.strip() for colonne in _csv_suivant(lecteur, 1) or []]  # never None: `premiere` is a line
    if anomalie := entete_anomalie(entete):
        raise FichierInvalide(anomalie)
    return entete, _csv_enregistrements(lecteur)


def _csv_enregistrements(lecteur: Any) -> Iterator[tuple[int, list[str]]]:
    while True:
        debut = lecteur.line_num + 1
        champs = _csv_suivant(lecteur, debut)
        if champs is None:
            return
        if champs:
            yield debut, champs


def _csv_suivant(lecteur: Any, debut: int) -> list[str] | None:
    try:
        return next(lecteur, None)
    except csv.Error as erreur:
        if "field larger than field limit" in str(erreur):
            message = (
                f"Ligne {debut} : valeur trop longue pour le lecteur CSV (plus de {csv.field_size_limit():,} "
                "caractères), sans doute un guillemet jamais fermé. Rien n'a été importé."
            ).replace(",", "\u202f", 1)
        else:
            message = f"Ligne {debut} : CSV mal formé (guillemet mal placé ou jamais fermé, ou caractère nul)."
        raise FichierInvalide(message) from None


def _valeurs(entete: list[str], brut: Brut) -> dict[str, str] | list[Anomalie]:
    if isinstance(brut, str):
        return objet_json_lire(brut)
    return champs_csv_lire(entete, brut)


# Loading into the staging table -------------------------------------------------------------------------


def _fichier_charger(cursor: CursorWrapper, erreurs: _Erreurs, *, demande: Demande) -> int:
    """Streams the file into the staging table; returns how many records were read."""
    hacher = nir_hacheur(settings.NIR_PEPPER)
    lire = functools.partial(ligne_droit_lire, organisme_attendu=demande.organisme, suppressions=not demande.complet)
    lues = 0
    with _fichier_ouvrir(demande.path) as fichier:
        entete, enregistrements = _enregistrements(fichier, Format(demande.format))  # type: ignore[arg-type]  # set on entry
        for lot in _lots(enregistrements):
            lignes, anomalies = _lot_lire(entete, lot, hacher, lire)
            _lignes_inserer(cursor, lignes)
            erreurs.ajouter(anomalies)
            lues += len(lot)
    return lues


def _lignes_inserer(cursor: CursorWrapper, lignes: list[tuple[Any, ...]]) -> None:
    if connection.vendor != "postgresql":
        cursor.executemany(_LIGNE_INSERT, lignes)
        return
    # COPY, on the driver's own cursor: ten times faster than executemany through Django's cursor, which
    # binds parameters client-side. The table is temporary, the values are the same.
    with connection.connection.cursor() as pilote, pilote.copy(f"COPY {LIGNES} FROM STDIN") as copie:
        for ligne in lignes:
            copie.write_row(ligne)


def _lots(elements: Iterable[T]) -> Iterator[list[T]]:
    iterateur = iter(elements)
    while lot := list(itertools.islice(iterateur, TAILLE_LOT)):
        yield lot


def _lot_lire(
    entete: list[str],
    lot: list[tuple[int, Brut]],
    hacher: Callable[[str], str],
    lire: Callable[[dict[str, str]], LigneDroit | LigneSuppression | list[Anomalie]],
) -> tuple[list[tuple[Any, ...]], list[tuple[int, Anomalie]]]:
    lignes: list[tuple[Any, ...]] = []
    anomalies: list[tuple[int, Anomalie]] = []
    for numero, brut in lot:
        valeurs = _valeurs(entete, brut)
        resultat = valeurs if isinstance(valeurs, list) else lire(valeurs)
        if isinstance(resultat, LigneDroit):
            lignes.append(_ligne_valide(numero, resultat, hacher))
        elif isinstance(resultat, LigneSuppression):
            lignes.append((numero, True, False, resultat.reference, *[None] * 14, True))
        else:
            reference = valeurs.get("reference") if isinstance(valeurs, dict) else None
            lignes.append(_ligne_invalide(numero, reference))
            anomalies.extend((numero, anomalie) for anomalie in resultat)
    return lignes, anomalies


def _ligne_valide(numero: int, ligne: LigneDroit, hacher: Callable[[str], str]) -> tuple[Any, ...]:
    nir_hash = hacher(ligne.nir) if ligne.nir else None
    cle = f"i:{ligne.identifiant}" if ligne.identifiant else f"n:{nir_hash}"
    sexe = ligne.sexe.value if ligne.sexe else ""
    personne = (
        ligne.identifiant,
        nir_hash,
        ligne.nom_naissance,
        ligne.prenom,
        ligne.date_naissance,
        ligne.email,
        sexe,
        ligne.lieu_naissance,
    )
    # Within one run Python's hash is stable: lines of one person must agree on it (see _controles_croises).
    empreinte = hash(personne)
    droit = (ligne.prestation.value, ligne.organisme.value, ligne.date_debut, ligne.date_fin)
    return (numero, True, False, ligne.reference, cle, empreinte, *personne, *droit, False)


def _ligne_invalide(numero: int, reference: str | None) -> tuple[Any, ...]:
    # Kept so that a later line repeating its reference is still reported as a duplicate (but not a
    # reference with a control character: PostgreSQL refuses NUL even in a temporary table).
    texte = (reference or "").strip() if isinstance(reference, str) else ""
    return (numero, False, False, None if CONTROLE_PATTERN.search(texte) else texte or None, *[None] * 14, False)


# Rules that span lines ------------------------------------------------------------------------------------

_PERSONNE_S = (
    "s.identifiant, s.nir_hash, s.nom_naissance, s.prenom, s.date_naissance, s.email, s.sexe, s.lieu_naissance"
)
_PERSONNE_P = _PERSONNE_S.replace("s.", "p.")
# Each query scans the staging table once, whatever the number of faulty lines: SQLite keeps the order of
# a CROSS JOIN (the staging table outside, the small grouped result looked up through an automatic index),
# PostgreSQL treats it as any inner join.
# A later line repeating a reference (even one of an invalid line), with the first line that gave it.
_DOUBLONS_SQL = f"""
SELECT s.ligne, f.premiere FROM {LIGNES} s
CROSS JOIN (SELECT reference, MIN(ligne) AS premiere FROM {LIGNES} WHERE reference IS NOT NULL
            GROUP BY reference HAVING COUNT(*) > 1) f
WHERE f.reference = s.reference AND s.ligne > f.premiere"""
# Lines of one person (same identifiant, or same NIR without identifiant) that disagree with its first line.
_PERSONNES_INCOHERENTES_SQL = f"""
SELECT s.ligne, p.ligne, {_PERSONNE_S}, {_PERSONNE_P} FROM {LIGNES} s
CROSS JOIN (SELECT cle, MIN(ligne) AS premiere FROM {LIGNES} WHERE valide
            GROUP BY cle HAVING MIN(empreinte) <> MAX(empreinte)) f
CROSS JOIN {LIGNES} p
WHERE f.cle = s.cle AND p.ligne = f.premiere AND s.valide AND s.empreinte <> p.empreinte"""
# One NIR given for two persons (two identifiants, or with and without an identifiant).
_NIRS_PARTAGES_SQL = f"""
SELECT s.ligne, p.ligne FROM {LIGNES} s
CROSS JOIN (SELECT nir_hash, MIN(ligne) AS premiere FROM {LIGNES} WHERE valide AND nir_hash IS NOT NULL
            GROUP BY nir_hash HAVING MIN(cle) <> MAX(cle)) f
CROSS JOIN {LIGNES} p
WHERE f.nir_hash = s.nir_hash AND p.ligne = f.premiere AND s.valide AND s.cle <> p.cle"""


_N = len(COLONNES_PERSONNE)  # the query gives each line's person, then the first line's


def _controles_croises(erreurs: _Erreurs) -> None:
    erreurs.ajouter((ligne, reference_en_double(premiere)) for ligne, premiere in _resultats(_DOUBLONS_SQL))
    erreurs.ajouter(
        (ligne, anomalie)
        for ligne, premiere, *personnes in _resultats(_PERSONNES_INCOHERENTES_SQL)
        for anomalie in personne_ecarts(_personne(personnes[_N:]), _personne(personnes[:_N]), premiere)
    )
    erreurs.ajouter((ligne, nir_autre_personne(premiere)) for ligne, premiere in _resultats(_NIRS_PARTAGES_SQL))


# A removal line whose reference the registry does not hold (for the file's organisme, when it has one).
_SUPPRESSIONS_INCONNUES_SQL = f"""
SELECT s.ligne FROM {LIGNES} s WHERE s.valide AND s.supprimer
AND NOT EXISTS (SELECT 1 FROM {DROITS} r WHERE r.reference = s.reference{{organisme}})"""


def _suppressions_controler(erreurs: _Erreurs, *, organisme: Organisme | None) -> None:
    sql = _SUPPRESSIONS_INCONNUES_SQL.format(organisme=" AND r.organisme = %s" if organisme else "")
    params = [organisme.value] if organisme else []
    erreurs.ajouter((ligne, REFERENCE_INCONNUE) for (ligne,) in _resultats(sql, params))


def _personne(valeurs: list[Any]) -> dict[str, Any]:
    return dict(zip(COLONNES_PERSONNE, valeurs, strict=True))


def _resultats(sql: str, params: Iterable[Any] = ()) -> Iterator[tuple[Any, ...]]:
    """Rows streamed in chunks (a server-side cursor on PostgreSQL): a result may be a million rows."""
    with connection.chunked_cursor() as lecteur:
        lecteur.execute(sql, list(params))
        while rows := lecteur.fetchmany(TAILLE_LOT):
            yield from rows


# Persons: one row per person, then who the registry already knows ---------------------------------------

_REJETS_MARQUER_SQL = f"UPDATE {LIGNES} SET rejete = true WHERE ligne IN (SELECT ligne FROM {ERREURS})"
# Who each person of the file is in the registry: by identifiant; else, for a line with both, the person
# known by that NIR alone (who then receives the identifiant, no one else holding it); by NIR for a line
# without identifiant. Both keys are unique in the registry: each join finds one row at most. Found in the
# table's own query: updating half a million rows afterwards cost PostgreSQL seconds.
_CONNUE = "CASE WHEN u.identifiant IS NULL THEN dn.id ELSE COALESCE(di.id, dn.id) END"
# Ranked by NIR hash, the most random of the unique keys: inserted in that order, its index grows at one end
# instead of everywhere (2.4 times faster on PostgreSQL for 500,000 persons; no change on SQLite).
_PERSONNES_SQL = f"""
CREATE TEMPORARY TABLE {PERSONNES} AS
SELECT ROW_NUMBER() OVER (ORDER BY u.nir_hash, u.cle) AS rang, u.cle, u.identifiant, u.nir_hash, u.nom_naissance,
       u.prenom, u.date_naissance, u.email, u.sexe, u.lieu_naissance,
       {{demandeur_id}} AS demandeur_id, {_CONNUE} IS NULL AS nouvelle
FROM (SELECT DISTINCT cle, identifiant, nir_hash, nom_naissance, prenom, date_naissance, email, sexe, lieu_naissance
      FROM {LIGNES} WHERE valide AND NOT rejete AND NOT supprimer) u
LEFT JOIN {DEMANDEURS} di ON di.identifiant = u.identifiant
LEFT JOIN {DEMANDEURS} dn ON dn.nir_hash = u.nir_hash AND (u.identifiant IS NULL OR dn.identifiant IS NULL)"""
_VALEURS_DIFFERENTES = " OR ".join(
    f"p.{colonne} <> q.{colonne}"
    for colonne in ("nom_naissance", "prenom", "date_naissance", "email", "sexe", "lieu_naissance")
)
# Persons of the file whose lines the registry contradicts, each query with the anomaly of its lines.
_CONFLITS_REGISTRE = (
    # A NIR the registry holds for someone other than the line's person.
    (
        f"""SELECT p.cle FROM {PERSONNES} p JOIN {DEMANDEURS} d ON d.nir_hash = p.nir_hash
        WHERE p.identifiant IS NOT NULL AND d.id IS DISTINCT FROM p.demandeur_id""",
        NIR_DEJA_ATTRIBUE,
    ),
    # Without a NIR, a sex other than the one the registry read from the person's NIR (kept only as a hash).
    (
        f"""SELECT p.cle FROM {PERSONNES} p JOIN {DEMANDEURS} d ON d.id = p.demandeur_id
        WHERE p.nir_hash IS NULL AND p.sexe <> '' AND d.nir_hash IS NOT NULL AND d.sexe <> ''
        AND d.sexe <> p.sexe""",
        SEXE_CONTRAIRE_AU_REGISTRE,
    ),
    # One registered person named twice in the file (by identifiant, and by NIR alone), differently.
    (
        f"""SELECT p.cle FROM {PERSONNES} p
        JOIN {PERSONNES} q ON q.demandeur_id = p.demandeur_id AND q.cle < p.cle
        WHERE {_VALEURS_DIFFERENTES}""",
        PERSONNE_DESIGNEE_DEUX_FOIS,
    ),
)


def _personnes_preparer(cursor: CursorWrapper, erreurs: _Erreurs) -> None:
    """Builds the table of the file's persons, each with its registry row when it has one; the lines of a
    person the registry contradicts are refused."""
    _rejets_marquer(cursor, erreurs)
    cursor.execute(_PERSONNES_SQL.format(demandeur_id=_demandeur_id_sql(cursor)))
    cursor.execute(f"CREATE INDEX {PERSONNES}_rang ON {PERSONNES} (rang)")
    cursor.execute(f"CREATE INDEX {PERSONNES}_cle ON {PERSONNES} (cle)")
    cursor.execute(f"CREATE INDEX {PERSONNES}_demandeur ON {PERSONNES} (demandeur_id)")
    _analyser(cursor, PERSONNES)
    for cles, anomalie in _CONFLITS_REGISTRE:
        cursor.execute(f"SELECT EXISTS ({cles})")
        if cursor.fetchone()[0]:
            lignes = f"SELECT ligne FROM {LIGNES} WHERE valide AND NOT rejete AND cle IN ({cles})"
            erreurs.ajouter((ligne, anomalie) for (ligne,) in _resultats(lignes))
            _rejets_marquer(cursor, erreurs)
            cursor.execute(f"DELETE FROM {PERSONNES} WHERE cle IN ({cles})")


def _demandeur_id_sql(cursor: CursorWrapper) -> str:
    """PostgreSQL: a new person's id is drawn now from the table's sequence, so that the batches insert
    persons and rights with their ids, without looking them up afterwards (25 s for a million rights).
    SQLite, where the registry's writers do not share a sequence, looks them up (`_PERSONNES_IDENTIFIER_SQL`)."""
    if connection.vendor != "postgresql":
        return f"CAST({_CONNUE} AS bigint)"
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [DEMANDEURS])
    sequence = str(cursor.fetchone()[0]).replace("'", "''")
    return f"COALESCE({_CONNUE}, nextval('{sequence}'))"


def _analyser(cursor: CursorWrapper, table: str) -> None:
    """PostgreSQL never analyses temporary tables by itself: without statistics, it may join a batch of
    5,000 rows by reading a whole table of a million."""
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {table}")


def _rejets_marquer(cursor: CursorWrapper, erreurs: _Erreurs) -> None:
    if erreurs.nombre:
        cursor.execute(_REJETS_MARQUER_SQL)


def _horodatage_sql(horodatage: datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(horodatage)


def _rapport_erreurs(cursor: CursorWrapper, *, lues: int) -> Rapport:
    cursor.execute(f"SELECT COUNT(*), COUNT(DISTINCT ligne) FROM {ERREURS}")
    total, rejetees = cursor.fetchone()
    cursor.execute(
        f"SELECT ligne, colonne, regle, message FROM {ERREURS} ORDER BY ligne, ordre LIMIT %s", [ERREURS_RAPPORTEES]
    )
    erreurs = tuple(ErreurLigne(*row) for row in cursor.fetchall())
    return Rapport(lignes_lues=lues, lignes_rejetees=rejetees, erreurs=erreurs, erreurs_total=total)


# What changes: one row per right created, changed or removed, ranked for writing in batches ---------------

# The latest version of each right (`generation_fin IS NULL`) is the current one: imports run one at a time,
# and each starts by removing what an interrupted one left (generations.reprendre).
_DROIT_DIFFERENT = " OR ".join(
    [f"r.{colonne} <> s.{colonne}" for colonne in ("prestation", "organisme", "date_debut")]
    + ["r.date_fin IS DISTINCT FROM s.date_fin", "r.demandeur_id IS DISTINCT FROM p.demandeur_id"]
)
_CHANGEMENTS_SQL = f"""
CREATE TEMPORARY TABLE {CHANGEMENTS} AS
SELECT ROW_NUMBER() OVER (ORDER BY s.ligne) AS rang, s.reference, s.cle, s.prestation, s.organisme,
       s.date_debut, s.date_fin, r.id AS ancien_id, r.created_at AS ancien_cree,
       CASE WHEN r.id IS NULL THEN 'c' ELSE 'm' END AS nature, false AS absent, p.demandeur_id
FROM {LIGNES} s JOIN {PERSONNES} p ON p.cle = s.cle
LEFT JOIN {DROITS} r ON r.reference = s.reference AND r.generation_fin IS NULL
WHERE s.valide AND NOT s.rejete AND NOT s.supprimer AND (r.id IS NULL OR {_DROIT_DIFFERENT})"""
_SUPPRESSIONS_SQL = f"""
INSERT INTO {CHANGEMENTS}
SELECT %s + ROW_NUMBER() OVER (ORDER BY r.reference), r.reference, NULL, r.prestation, r.organisme,
       r.date_debut, r.date_fin, r.id, r.created_at, 's', {{absent}}, NULL
FROM {DROITS} r WHERE r.generation_fin IS NULL AND {{condition}}"""
_SUPPRIMER_LIGNES = f"r.reference IN (SELECT reference FROM {LIGNES} WHERE supprimer AND valide AND NOT rejete)"
# Every reference of the file counts, even an invalid line's: a right whose line was refused is not removed.
_ABSENTS = f"r.organisme = %s AND NOT EXISTS (SELECT 1 FROM {LIGNES} s WHERE s.reference = r.reference)"


def _descriptions_changees(d: str) -> str:
    """The condition under which a person of the file (`p`) changes what the registry (`d`) says of them
    without changing whom a data call finds: names, email, sex, birth place."""
    return " OR ".join(
        [f"{d}.{colonne} <> p.{colonne}" for colonne in ("nom_naissance", "prenom", "email")]
        + [
            f"(p.sexe <> '' AND p.sexe <> {d}.sexe)",
            f"(p.lieu_naissance <> '' AND p.lieu_naissance <> {d}.lieu_naissance)",
        ]
    )


def _cles_changees(d: str) -> dict[str, str]:
    """Each key of a known person (what a data call matches on: identifiant, NIR with birth date,
    selectors.identite_condition), with the condition under which the file's person (`p`) changes the
    registry's (`d`): a new birth date or NIR replaces the old one, an identifiant only comes to one who had none."""
    return {
        "date_naissance": f"{d}.date_naissance <> p.date_naissance",
        "identifiant": f"p.identifiant IS NOT NULL AND {d}.identifiant IS NULL",
        "nir_hash": f"p.nir_hash IS NOT NULL AND p.nir_hash IS DISTINCT FROM {d}.nir_hash",
    }


def _identites_changees(d: str) -> str:
    return " OR ".join(f"({condition})" for condition in _cles_changees(d).values())


def _changements_preparer(cursor: CursorWrapper, demande: Demande, rapport: Rapport) -> Rapport:
    """Lists what the import changes and counts it; a snapshot removing too much is refused here."""
    if demande.complet:
        cursor.execute(f"CREATE INDEX {LIGNES}_reference ON {LIGNES} (reference)")
    _analyser(cursor, LIGNES)
    cursor.execute(_CHANGEMENTS_SQL)
    cursor.execute(_SUPPRESSIONS_SQL.format(absent="false", condition=_SUPPRIMER_LIGNES), [_nombre(CHANGEMENTS)])
    if demande.complet:
        organisme = Organisme(demande.organisme).value  # type: ignore[arg-type]  # a snapshot has one (checked on entry)
        cursor.execute(_SUPPRESSIONS_SQL.format(absent="true", condition=_ABSENTS), [_nombre(CHANGEMENTS), organisme])
    cursor.execute(f"CREATE INDEX {CHANGEMENTS}_rang ON {CHANGEMENTS} (rang)")
    _analyser(cursor, CHANGEMENTS)
    rapport = _changements_compter(cursor, rapport)
    if demande.complet:
        _photographie_controler(cursor, demande, rapport)
    return rapport


def _nombre(table: str) -> int:
    """The number of rows of one of the import's tables."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return int(cursor.fetchone()[0])


def _changements_compter(cursor: CursorWrapper, rapport: Rapport) -> Rapport:
    cursor.execute(f"SELECT nature, COUNT(*) FROM {CHANGEMENTS} GROUP BY nature")
    nombres = {nature: int(nombre) for nature, nombre in cursor.fetchall()}
    cursor.execute(f"SELECT COUNT(*) FROM {LIGNES} WHERE valide AND NOT rejete AND NOT supprimer")
    droits_lus = int(cursor.fetchone()[0])
    cursor.execute(f"SELECT COUNT(*) FROM {PERSONNES} WHERE nouvelle")
    personnes_nouvelles = int(cursor.fetchone()[0])
    personnes_changees = _corrections_lister(cursor)
    crees, modifies = nombres.get("c", 0), nombres.get("m", 0)
    return replace(
        rapport,
        personnes_creees=personnes_nouvelles,
        personnes_modifiees=personnes_changees,
        droits_crees=crees,
        droits_modifies=modifies,
        droits_inchanges=droits_lus - crees - modifies,
        droits_supprimes=nombres.get("s", 0),
    )


def _corrections_lister(cursor: CursorWrapper) -> int:
    """Lists the known persons the file corrects, numbered for the batches that describe them anew
    (`_descriptions_corriger`), and apart those whose keys change (`_identites_corriger`). Returns how many
    persons change."""
    connues = f"FROM {PERSONNES} p JOIN {DEMANDEURS} d ON d.id = p.demandeur_id WHERE NOT p.nouvelle"
    cursor.execute(
        f"CREATE TEMPORARY TABLE {CORRECTIONS} AS SELECT ROW_NUMBER() OVER (ORDER BY p.rang) AS n, p.* "
        f"{connues} AND ({_descriptions_changees('d')})"
    )
    cursor.execute(f"CREATE INDEX {CORRECTIONS}_n ON {CORRECTIONS} (n)")
    _analyser(cursor, CORRECTIONS)
    # Which key changes is decided here, against the registry: the batches then read this table alone and
    # reach each person by its id (with the condition on the registry's row there, SQLite chose to go
    # through the persons without identifiant, searching the whole list for each: minutes). Numbered by id,
    # the order of the persons' table: 500,000 birth dates rewritten in 3.7 s instead of 5.0.
    changements = ", ".join(f"({condition}) AS change_{cle}" for cle, condition in _cles_changees("d").items())
    cursor.execute(
        f"CREATE TEMPORARY TABLE {IDENTITES} AS SELECT ROW_NUMBER() OVER (ORDER BY p.demandeur_id) AS n, p.*, "
        f"{changements} {connues} AND ({_identites_changees('d')})"
    )
    cursor.execute(f"CREATE INDEX {IDENTITES}_n ON {IDENTITES} (n)")
    _analyser(cursor, IDENTITES)
    cursor.execute(
        f"SELECT COUNT(*) FROM (SELECT demandeur_id FROM {CORRECTIONS} UNION SELECT demandeur_id FROM {IDENTITES}) c"
    )
    return int(cursor.fetchone()[0])


def _photographie_controler(cursor: CursorWrapper, demande: Demande, rapport: Rapport) -> None:
    """A snapshot that would remove more of the organisme's rights than allowed is refused."""
    organisme = Organisme(demande.organisme).value  # type: ignore[arg-type]  # a snapshot has one (checked on entry)
    cursor.execute(f"SELECT COUNT(*) FROM {DROITS} WHERE organisme = %s AND generation_fin IS NULL", [organisme])
    existants = int(cursor.fetchone()[0])
    cursor.execute(f"SELECT COUNT(*) FROM {CHANGEMENTS} WHERE absent")
    absents = int(cursor.fetchone()[0])
    if absents > existants * demande.suppressions_max / 100:
        raise SuppressionsExcessives(
            replace(rapport, droits_supprimes=absents),
            organisme=organisme,
            existants=existants,
            maximum=demande.suppressions_max,
        )


# Writing the next generation: new persons, then new versions of rights, in short transactions --------------

_PSEUDONYME_SQL = {
    "postgresql": "gen_random_uuid()",
    # Django keeps a UUIDField as 32 hex digits on SQLite; these are a version 4 UUID's.
    "sqlite": "lower(hex(randomblob(6)) || '4' || substr(hex(randomblob(2)), 2) || "
    "substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || hex(randomblob(6)))",
}
_PERSONNES_INSERER_SQL = f"""
INSERT INTO {DEMANDEURS} ({{id}}identifiant, nir_hash, nom_naissance, prenom, date_naissance, email, sexe,
                          lieu_naissance, pseudonyme, created_at, updated_at, generation)
SELECT {{demandeur_id}}identifiant, nir_hash, nom_naissance, prenom, date_naissance, email, sexe, lieu_naissance,
       {{pseudonyme}}, %s, %s, %s
FROM {PERSONNES} WHERE nouvelle AND rang > %s AND rang <= %s ORDER BY rang"""
# SQLite: new persons' ids, by the key each was inserted with (one equality each: an index search per person).
_PERSONNES_IDENTIFIER_SQL = tuple(
    f"""UPDATE {PERSONNES} SET demandeur_id =
        (SELECT d.id FROM {DEMANDEURS} d WHERE d.{cle} = {PERSONNES}.{cle})
    WHERE nouvelle AND identifiant IS {nul}"""
    for cle, nul in (("identifiant", "NOT NULL"), ("nir_hash", "NULL"))
)
_VERSIONS_FINIR_SQL = f"""
UPDATE {DROITS} SET generation_fin = %s
WHERE id IN (SELECT ancien_id FROM {CHANGEMENTS} WHERE rang > %s AND rang <= %s AND ancien_id IS NOT NULL)"""
_VERSIONS_ECRIRE_SQL = f"""
INSERT INTO {DROITS} (demandeur_id, prestation, organisme, date_debut, date_fin, reference, created_at, updated_at,
                      generation_debut, generation_fin)
SELECT {{demandeur}}, c.prestation, c.organisme, c.date_debut, c.date_fin, c.reference,
       COALESCE(c.ancien_cree, %s), %s, %s, NULL
FROM {CHANGEMENTS} c
WHERE c.nature <> 's' AND c.rang > %s AND c.rang <= %s"""


def _generation_ecrire(generation: int, *, horodatage: datetime) -> None:
    """New persons and new versions, tagged `generation`: no data call sees them before the switch."""
    instant = _horodatage_sql(horodatage)
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(rang), 0) FROM {PERSONNES}")
        personnes = int(cursor.fetchone()[0])
    inserer = _PERSONNES_INSERER_SQL.format(
        pseudonyme=_PSEUDONYME_SQL[connection.vendor],
        id="id, " if postgresql else "",
        demandeur_id="demandeur_id, " if postgresql else "",
    )
    # Each new person goes to a random place in three indexes (identifiant, pseudonyme, birth date).
    generations.par_plages(
        lambda c, a, b: c.execute(inserer, [instant, instant, generation, a, b]),
        personnes,
        lot=generations.lot_disperse(),
    )
    with connection.cursor() as cursor:
        if not postgresql:  # there, the ids were drawn beforehand (_demandeur_id_sql)
            for identifier in _PERSONNES_IDENTIFIER_SQL:
                cursor.execute(identifier)
        changements = _nombre(CHANGEMENTS)
    # Each new version's person: in the list of changes on PostgreSQL; on SQLite, its new persons' ids are
    # known only now, looked up by key (an index search per row; updating the million rows of the list
    # first held the next transaction back).
    demandeur = "c.demandeur_id" if postgresql else f"(SELECT p.demandeur_id FROM {PERSONNES} p WHERE p.cle = c.cle)"
    versions_ecrire = _VERSIONS_ECRIRE_SQL.format(demandeur=demandeur)

    def versions(cursor: CursorWrapper, a: int, b: int) -> None:
        """Ends the range's old versions, then writes the new ones, in one transaction: one latest version
        per reference at any time, as the unique index wants."""
        cursor.execute(_VERSIONS_FINIR_SQL, [generation, a, b])
        cursor.execute(versions_ecrire, [instant, instant, generation, a, b])

    generations.par_plages(versions, changements)


# Known persons' corrections, before the switch, in short transactions: their description; then their keys,
# the former ones kept beside for the calls until the switch (models.IdentiteAnterieure).
_DESCRIPTIONS_CORRIGER_SQL = f"""
UPDATE {DEMANDEURS} SET nom_naissance = p.nom_naissance, prenom = p.prenom, email = p.email,
    sexe = CASE WHEN p.sexe = '' THEN {DEMANDEURS}.sexe ELSE p.sexe END,
    lieu_naissance = CASE WHEN p.lieu_naissance = '' THEN {DEMANDEURS}.lieu_naissance ELSE p.lieu_naissance END,
    updated_at = %s
FROM {CORRECTIONS} p
WHERE {DEMANDEURS}.id = p.demandeur_id AND p.n > %s AND p.n <= %s"""
_CLES_ANTERIEURES_SQL = f"""
INSERT INTO {ANTERIEURES} (demandeur_id, identifiant, nir_hash, date_naissance, generation_fin)
SELECT d.id, d.identifiant, d.nir_hash, d.date_naissance, %s
FROM {IDENTITES} p JOIN {DEMANDEURS} d ON d.id = p.demandeur_id
WHERE p.n > %s AND p.n <= %s ORDER BY p.n"""
_CLE_CORRIGER_SQL = f"""
UPDATE {DEMANDEURS} SET {{cle}} = p.{{cle}}, updated_at = %s
FROM {IDENTITES} p
WHERE {DEMANDEURS}.id = p.demandeur_id AND p.change_{{cle}} AND p.n > %s AND p.n <= %s"""


def _descriptions_corriger(*, horodatage: datetime) -> None:
    """No answer combines a person's description with rights or with another person (a data call returns
    rights, the identity claims a description), so each person corrected on its own is a state the source
    gave. In the switch, correcting 500,000 names held SQLite's write lock, and every data call, for 4.6 s
    (bench/README.md, « Appels pendant un import »). An import stopped before its switch may leave some
    applied: they are what the source says."""
    instant = _horodatage_sql(horodatage)
    # Batches of LOT, even on SQLite: these columns are in no index, so a batch rewrites its rows alone (about
    # 50 ms for 5,000); batches of 1,000 made a correction of 500,000 persons last 24 s longer, each of the
    # import's transactions costing a wait for the calls and a WAL checkpoint (generations.ecriture).
    generations.par_plages(
        lambda c, a, b: c.execute(_DESCRIPTIONS_CORRIGER_SQL, [instant, a, b]), _nombre(CORRECTIONS)
    )


def _identites_corriger(generation: int, *, horodatage: datetime) -> None:
    """A new birth date, NIR or identifiant changes whom a call finds, so calls must find the person by the
    former keys until the switch, by the new ones after: each batch keeps the former keys (valid until
    `generation`) and writes the new ones. In the switch, 500,000 birth dates held SQLite's write lock, and
    every data call, for 3.6 s. One statement per key, each setting its own column: SQLite rewrites the index
    of every column an UPDATE sets, changed or not (8.7 s with the three keys set, 2.8 s with the date alone)."""
    instant = _horodatage_sql(horodatage)

    def cles(cursor: CursorWrapper, a: int, b: int) -> None:
        cursor.execute(_CLES_ANTERIEURES_SQL, [generation, a, b])
        for cle in _cles_changees(DEMANDEURS):
            cursor.execute(_CLE_CORRIGER_SQL.format(cle=cle), [instant, a, b])

    # Each new birth date goes to a random place in its index.
    generations.par_plages(cles, _nombre(IDENTITES), lot=generations.lot_disperse())


def _suppressions_ecrire(destination: Path) -> None:
    """The references the snapshot removes (no personal data: references of the source only)."""
    sql = f"SELECT reference, prestation, date_debut, date_fin FROM {CHANGEMENTS} WHERE absent ORDER BY reference"
    with _sortie_ouvrir(destination) as sortie:
        writer = csv.writer(sortie)
        writer.writerow(["reference", "prestation", "date_debut", "date_fin"])
        writer.writerows(_resultats(sql))


# The rejects file: the refused lines as read, with their line number and errors -------------------------


def _rejets_ecrire(*, path: Path, format: Format, destination: Path) -> None:
    erreurs = itertools.groupby(
        _resultats(f"SELECT ligne, colonne, regle, message FROM {ERREURS} ORDER BY ligne, ordre"),
        key=lambda row: row[0],
    )
    with _fichier_ouvrir(path) as source, _sortie_ouvrir(destination) as sortie:
        entete, enregistrements = _enregistrements(source, format)
        ecrire = _rejet_csv(sortie, entete) if format == Format.CSV else _rejet_jsonl(sortie)
        for numero, rows in erreurs:
            brut = next(brut for ligne, brut in enregistrements if ligne == numero)
            ecrire(numero, brut, [Anomalie(*row[1:]) for row in rows])


@contextmanager
def _sortie_ouvrir(destination: Path) -> Iterator[TextIO]:
    """The rejects hold the lines as read, NIR included: readable by their owner only."""
    descripteur = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(descripteur, "w", encoding="utf-8", newline="") as sortie:
        yield sortie


def _rejet_csv(sortie: TextIO, entete: list[str]) -> Callable[[int, Any, list[Anomalie]], None]:
    writer = csv.writer(sortie)
    writer.writerow(["ligne", "erreurs", *entete])

    def ecrire(numero: int, brut: list[str], anomalies: list[Anomalie]) -> None:
        texte = " | ".join(f"{a.colonne or 'ligne'} : {a.message} [{a.regle}]" for a in anomalies)
        writer.writerow([numero, texte, *brut])

    return ecrire


def _rejet_jsonl(sortie: TextIO) -> Callable[[int, Any, list[Anomalie]], None]:
    def ecrire(numero: int, brut: str, anomalies: list[Anomalie]) -> None:
        try:
            donnees = json.loads(brut)
        except ValueError:
            donnees = brut.rstrip("\r\n")
        erreurs = [anomalie._asdict() for anomalie in anomalies]
        sortie.write(json.dumps({"ligne": numero, "erreurs": erreurs, "donnees": donnees}, ensure_ascii=False) + "\n")

    return ecrire
