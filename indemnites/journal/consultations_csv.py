"""« Qui a consulté mes données ? » as CSV: one line per consultation, in the words of the page."""

import csv
import io
from collections.abc import Iterable, Iterator
from itertools import chain

from django.utils import timezone

from indemnites.droits.domain import LIBELLES_DONNEES
from indemnites.journal.selectors import Consultation

ENTETES = (
    "Date et heure (Paris)",
    "Administration",
    "SIRET",
    "Démarche",
    "Cadre",
    "Données consultées",
    "Référence du dossier",
)
CADRES = {True: "Avec votre accord (mode connecté)", False: "Échange entre administrations (article L114-8 du CRPA)"}


def _cellule(valeur: str) -> str:
    """A spreadsheet must not run a cell as a formula (CSV injection)."""
    return f"'{valeur}" if valeur[:1] in ("=", "+", "-", "@") else valeur


def _ligne(consultation: Consultation) -> tuple[str, ...]:
    presentation = consultation.presentation
    donnees = " ; ".join(LIBELLES_DONNEES.get(d, d) for d in consultation.donnees)
    return (
        f"{timezone.localtime(consultation.horodatage):%d/%m/%Y %H:%M:%S}",
        presentation.administration,
        presentation.siret,
        presentation.demarche or "Démarche non précisée",
        CADRES[consultation.connecte],
        donnees or "Aucune donnée transmise",
        consultation.reference_dossier,
    )


# A streamed response's server writes each piece on its own: pieces of many lines, not one write per line.
MORCEAU = 32 * 1024


def consultations_csv(consultations: Iterable[Consultation]) -> Iterator[str]:
    """The CSV in pieces of about MORCEAU characters (for a streamed response, in constant memory), with a BOM
    so that spreadsheets read UTF-8."""
    tampon = io.StringIO()
    tampon.write("\ufeff")
    ecrivain = csv.writer(tampon, delimiter=";")
    lignes = (tuple(_cellule(valeur) for valeur in _ligne(c)) for c in consultations)
    for ligne in chain([ENTETES], lignes):
        ecrivain.writerow(ligne)
        if tampon.tell() >= MORCEAU:
            yield tampon.getvalue()
            tampon.seek(0)
            tampon.truncate()
    yield tampon.getvalue()
