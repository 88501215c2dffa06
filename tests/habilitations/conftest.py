"""Agents, organisations and requests built through the habilitation services."""

from collections.abc import Callable
from itertools import count
from typing import Any

import pytest
from django.test import Client

from indemnites.habilitations import services
from indemnites.habilitations.domain import CHAMP_CHOMAGE, CHAMP_SOLIDARITE, Profil
from indemnites.habilitations.models import Agent, Demande, Habilitation
from indemnites.habilitations.services.comptes import _verification_jeton

SIRET_MAIRIE = "21750001600019"  # Ville de Paris
SIRET_AUTRE = "13002526500013"
SIRET_INSTRUCTION = "13000548100010"
MOT_DE_PASSE = "Un mot de passe solide 42!"
_numeros = count(1)


def donnees_completes(**champs: Any) -> dict[str, Any]:
    """A request that may be submitted; keyword arguments override fields (None removes one)."""
    donnees = {
        "intitule": "Tarification sociale de la cantine",
        "description": "Calcul du tarif de la restauration scolaire.",
        "simplification": "Les familles n'envoient plus d'attestation France Travail.",
        "cadre_juridique_nature": "Article L114-8 du CRPA ; délibération du conseil municipal du 12 mars 2026.",
        "cadre_juridique_url": "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000031367412",
        "donnees": [CHAMP_CHOMAGE],
        "mode_serveur": True,
        "destinataires_siret": [SIRET_MAIRIE],
        "mode_connecte": False,
        "redirect_uris": [],
        "volume_journalier": 2000,
        "date_mise_en_production": "2027-01-15",
        "destinataires_donnees": "Agents du service restauration scolaire.",
        "duree_conservation": 12,
        "responsable_traitement_nom": "Maire",
        "responsable_traitement_courriel": "maire@paris.fr",
        "responsable_traitement_telephone": "01 42 76 40 40",
        "dpo_nom": "DPO Ville",
        "dpo_courriel": "dpo@paris.fr",
        "dpo_telephone": "01 42 76 40 41",
        "technique_nom": "DSI Ville",
        "technique_courriel": "technique@paris.fr",
        "technique_telephone": "01 42 76 40 42",
        "cgu_acceptees": True,
        "dpo_informe": True,
        **champs,
    }
    return {cle: valeur for cle, valeur in donnees.items() if valeur is not None}


DEUX_DONNEES = {
    "donnees": [CHAMP_SOLIDARITE, CHAMP_CHOMAGE],
    "justification_solidarite": "Le tarif dépend d'un minimum social.",
    "justification_chomage": "Le tarif dépend de l'indemnisation chômage.",
}


def agent_creer(
    *, siret: str = SIRET_MAIRIE, nom: str = "Ville de Paris", instructeur: bool = False, verifie: bool = True
) -> Agent:
    courriel = f"agent{next(_numeros)}@administration.gouv.fr"
    agent = services.agent_inscrire(
        courriel=courriel, mot_de_passe=MOT_DE_PASSE, prenom="Camille", nom="Agent", siret=siret, organisation_nom=nom
    )
    if verifie:
        services.agent_verifier(jeton=_verification_jeton(agent))
    if instructeur:
        services.agent_roles_definir(agent=agent, instructeur=True, administrateur=False)
    agent.refresh_from_db()
    return agent


@pytest.fixture
def demandeur_agent() -> Agent:
    return agent_creer()


@pytest.fixture
def instructeur() -> Agent:
    return agent_creer(siret=SIRET_INSTRUCTION, nom="France Travail", instructeur=True)


@pytest.fixture
def demande_faire(demandeur_agent: Agent) -> Callable[..., Demande]:
    def make(agent: Agent | None = None, profil: Profil = Profil.ADMINISTRATION, **donnees: Any) -> Demande:
        agent = agent or demandeur_agent
        demande = services.demande_creer(agent=agent, organisation=agent.organisations.get(), profil=profil)
        return services.demande_enregistrer(demande=demande, agent=agent, donnees=donnees_completes(**donnees))

    return make


@pytest.fixture
def soumise(demande_faire, demandeur_agent) -> Demande:
    return services.demande_soumettre(demande=demande_faire(), agent=demandeur_agent)


@pytest.fixture
def valider(instructeur: Agent) -> Callable[[Demande], Habilitation]:
    def make(demande: Demande) -> Habilitation:
        return services.demande_valider(demande=demande, instructeur=instructeur)

    return make


@pytest.fixture
def validee(soumise: Demande, valider) -> Demande:
    valider(soumise)
    soumise.refresh_from_db()
    return soumise


def connecte(agent: Agent) -> Client:
    client = Client()
    client.force_login(agent.user)
    return client
