"""Fixtures of the connected-mode tests (helpers in tests/oauth/outils.py)."""

import pytest

from tests.oauth import outils


@pytest.fixture
def client_individu() -> outils.ClientCree:
    return outils.client_individu()


@pytest.fixture
def jean() -> outils.Personne:
    return outils.personne()
