"""Fixtures of the connected-mode tests (helpers in tests/oauth/outils.py)."""

import pytest

from indemnites.oauth.throttle import limiter
from tests.oauth import outils


@pytest.fixture(autouse=True)
def _compteurs_de_connexion_vides() -> None:
    """Failed-login counters of this run only (their prefix is random per run, never a shared FLUSHDB)."""
    limiter().storage.reset()


@pytest.fixture
def client_individu() -> outils.ClientCree:
    return outils.client_individu()


@pytest.fixture
def jean() -> outils.Personne:
    return outils.personne()
