"""Exports of the access journal (CSV or JSON Lines), for the DPO, an auditor or a court. Every export is
written to the administrative journal before the first line leaves: who, which filters, how many records."""

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from indemnites.journal.domain import ACCES, horodatage_canonique
from indemnites.journal.selectors import COLONNES_EXPORT, Filtres, enregistrements_filtrer, tete_lire
from indemnites.journal.services.ecriture import action_enregistrer
from indemnites.journal.services.scellement import journaux_sceller

FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl; charset=utf-8"}
# A spreadsheet would run a cell starting with one of these as a formula (OWASP "CSV injection").
_FORMULE = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Export:
    nombre: int
    jusqu_au_rang: int
    lignes: Iterator[str]


def _valeurs(enregistrement: dict[str, Any]) -> dict[str, Any]:
    return {
        colonne: horodatage_canonique(enregistrement[colonne]) if colonne == "horodatage" else enregistrement[colonne]
        for colonne in COLONNES_EXPORT
    }


def _cellule(valeur: object) -> object:
    return f"'{valeur}" if isinstance(valeur, str) and valeur.startswith(_FORMULE) else valeur


def _csv(enregistrements: Iterator[dict[str, object]]) -> Iterator[str]:
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, lineterminator="\r\n")
    ecrivain.writerow(COLONNES_EXPORT)
    for enregistrement in enregistrements:
        ecrivain.writerow([_cellule(v) for v in _valeurs(enregistrement).values()])
        if tampon.tell() > 64 * 1024:
            yield tampon.getvalue()
            tampon.seek(0)
            tampon.truncate()
    yield tampon.getvalue()


def _jsonl(enregistrements: Iterator[dict[str, object]]) -> Iterator[str]:
    for enregistrement in enregistrements:
        yield json.dumps(_valeurs(enregistrement), ensure_ascii=False, separators=(",", ":")) + "\n"


def journal_exporter(*, acteur: object, filtres: Filtres, format: str) -> Export:
    """Journals the export, then returns its lines (generated lazily: millions of records stream). Only
    records up to the chain head at that moment are exported, so the count journaled is the count sent."""
    if format not in FORMATS:
        raise ValueError(f"format d'export inconnu : {format}")
    journaux_sceller(journaux=(ACCES,))  # exported records carry their number and fingerprints
    tete = tete_lire(journal=ACCES)
    jusqu_au_rang = tete[0] if tete else 0
    enregistrements = enregistrements_filtrer(filtres=filtres, jusqu_au_rang=jusqu_au_rang)
    with transaction.atomic():
        nombre = enregistrements.count()
        action_enregistrer(
            acteur=acteur,
            action="journal_export",
            objet="journal des accès",
            details={**filtres.en_dict(), "format": format, "enregistrements": nombre, "jusqu_au_rang": jusqu_au_rang},
        )
    lignes = enregistrements.values(*COLONNES_EXPORT).iterator(chunk_size=2000)
    return Export(
        nombre=nombre, jusqu_au_rang=jusqu_au_rang, lignes=_csv(lignes) if format == "csv" else _jsonl(lignes)
    )
