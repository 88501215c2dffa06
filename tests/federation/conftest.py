"""Fixtures of the identity federation tests: one real OpenID Provider for the session, reset before each
test, standing in for FranceConnect and ProConnect."""

from collections.abc import Iterator

import pytest

from indemnites.federation import client
from tests.federation.fournisseur import SECRETS, Fournisseur, Navigateur, fournisseur_demarrer


@pytest.fixture(scope="session")
def _fournisseur_session() -> Iterator[Fournisseur]:
    fournisseur = fournisseur_demarrer()
    yield fournisseur
    fournisseur.arreter()


@pytest.fixture
def fournisseur(_fournisseur_session: Fournisseur, settings) -> Iterator[Fournisseur]:
    """The provider configured as FranceConnect (job seekers) and ProConnect (agents)."""
    _fournisseur_session.controler("reinitialiser")
    client._application.cache_clear()  # a fresh Authlib client: discovery and JWKS fetched again
    settings.FRANCECONNECT_DISCOVERY_URL = settings.PROCONNECT_DISCOVERY_URL = _fournisseur_session.discovery_url
    settings.FRANCECONNECT_CLIENT_ID, settings.FRANCECONNECT_CLIENT_SECRET = "franceconnect", SECRETS["franceconnect"]
    settings.PROCONNECT_CLIENT_ID, settings.PROCONNECT_CLIENT_SECRET = "proconnect", SECRETS["proconnect"]
    settings.DEMANDEUR_IDENTITY_BACKEND = "indemnites.oauth.identity.FranceConnectBackend"
    settings.HABILITATIONS_IDENTITE = "proconnect"
    yield _fournisseur_session
    client._application.cache_clear()


@pytest.fixture
def navigateur(fournisseur: Fournisseur) -> Iterator[Navigateur]:
    navigateur = Navigateur(fournisseur)
    yield navigateur
    navigateur.close()
