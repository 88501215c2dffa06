"""Reads of the journals, one module per concern: the chain's state, verification, habilitations, the
citizen's consultations, exports."""

from indemnites.journal.selectors.chaine import (
    MODELES,
    champs_sql,
    cle_publique,
    cle_signature,
    cles_de_verification,
    dernier_point_de_controle,
    horodatage_sql,
    non_scelle_existe,
    non_scelles,
    point_de_controle_domaine,
    points_de_controle_lister,
    tete_lire,
)
from indemnites.journal.selectors.consultations import (
    COMPTE_PLAFOND,
    Consultation,
    Curseur,
    Periode,
    consultations_compter,
    consultations_du_sujet,
    consultations_page,
    consultations_parcourir,
    consultations_presenter,
    sujet_du_utilisateur,
)
from indemnites.journal.selectors.exports import (
    COLONNES_EXPORT,
    PARIS,
    Filtres,
    clients_lister,
    enregistrements_filtrer,
)
from indemnites.journal.selectors.habilitations import (
    Presentation,
    habilitation_en_vigueur,
    habilitations_des_clients,
    presentations_lire,
)
from indemnites.journal.selectors.verification import journal_verifier

__all__ = [
    "COLONNES_EXPORT",
    "COMPTE_PLAFOND",
    "MODELES",
    "PARIS",
    "Consultation",
    "Curseur",
    "Filtres",
    "Periode",
    "Presentation",
    "champs_sql",
    "cle_publique",
    "cle_signature",
    "cles_de_verification",
    "clients_lister",
    "consultations_compter",
    "consultations_du_sujet",
    "consultations_page",
    "consultations_parcourir",
    "consultations_presenter",
    "dernier_point_de_controle",
    "enregistrements_filtrer",
    "habilitation_en_vigueur",
    "habilitations_des_clients",
    "horodatage_sql",
    "journal_verifier",
    "non_scelle_existe",
    "non_scelles",
    "point_de_controle_domaine",
    "points_de_controle_lister",
    "presentations_lire",
    "sujet_du_utilisateur",
    "tete_lire",
]
