"""Writes of the habilitations domain, one module per use-case family."""

from indemnites.habilitations.services.commun import ActionNonPermise
from indemnites.habilitations.services.comptes import (
    CourrielNonProfessionnel,
    SiretInvalide,
    agent_identite_externe_rattacher,
    agent_inscrire,
    agent_roles_definir,
    agent_verifier,
    organisation_obtenir,
    organisation_rejoindre,
)
from indemnites.habilitations.services.demandes import (
    DemandeIncomplete,
    demande_creer,
    demande_decider,
    demande_enregistrer,
    demande_modifications_demander,
    demande_refuser,
    demande_reouverture_annuler,
    demande_revoquer,
    demande_rouvrir,
    demande_soumettre,
    demande_valider,
    habilitation_prolonger,
    message_envoyer,
)
from indemnites.habilitations.services.identifiants import (
    SecretRemis,
    avis_expiration_envoyer,
    grace_secret,
    secret_remettre,
)

__all__ = [
    "ActionNonPermise",
    "CourrielNonProfessionnel",
    "DemandeIncomplete",
    "SecretRemis",
    "SiretInvalide",
    "agent_identite_externe_rattacher",
    "agent_inscrire",
    "agent_roles_definir",
    "agent_verifier",
    "avis_expiration_envoyer",
    "demande_creer",
    "demande_decider",
    "demande_enregistrer",
    "demande_modifications_demander",
    "demande_refuser",
    "demande_reouverture_annuler",
    "demande_revoquer",
    "demande_rouvrir",
    "demande_soumettre",
    "demande_valider",
    "grace_secret",
    "habilitation_prolonger",
    "message_envoyer",
    "organisation_obtenir",
    "organisation_rejoindre",
    "secret_remettre",
]
