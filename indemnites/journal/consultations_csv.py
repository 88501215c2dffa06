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


def consultations_csv(consultations: Iterable[Consultation]) -> Iterator[str]:
    """Lines one by one (for a streamed response), with a BOM so that spreadsheets read UTF-8."""
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";")
    yield "\ufeff"
    lignes = (tuple(_cellule(valeur) for valeur in _ligne(c)) for c in consultations)
    for ligne in chain([ENTETES], lignes):
        ecrivain.writerow(ligne)
        yield tampon.getvalue()
        tampon.seek(0)
        tampon.truncate()
