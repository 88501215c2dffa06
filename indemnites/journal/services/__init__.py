"""Writes of the journals, one module per use case: records (ecriture), sealing (scellement), signed
checkpoints, purge, export."""

from indemnites.journal.services.ecriture import Trace, acces_enregistrer, acteur_nommer, action_enregistrer
from indemnites.journal.services.export import Export, journal_exporter
from indemnites.journal.services.points_de_controle import (
    JournalAltere,
    point_de_controle_creer,
    points_de_controle_creer,
)
from indemnites.journal.services.purge import Purge, journal_purger
from indemnites.journal.services.scellement import journal_sceller, journaux_sceller

__all__ = [
    "Export",
    "JournalAltere",
    "Purge",
    "Trace",
    "acces_enregistrer",
    "acteur_nommer",
    "action_enregistrer",
    "journal_exporter",
    "journal_purger",
    "journal_sceller",
    "journaux_sceller",
    "point_de_controle_creer",
    "points_de_controle_creer",
]
