"""The proofs' key in the settings: production requires it; an invalid one is named."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from indemnites.core.secrets import secrets_verifier
from indemnites.preuves.selectors import cle_signature, jwks_publie
from tests.journal.test_reglages import PRODUCTION


def test_production_requires_a_proof_signing_key():
    with override_settings(**PRODUCTION, PREUVE_SIGNING_KEY=""):
        with pytest.raises(ImproperlyConfigured, match="PREUVE_SIGNING_KEY est obligatoire"):
            secrets_verifier()


def test_an_invalid_key_is_named():
    with override_settings(PREUVE_SIGNING_KEY="-----BEGIN PRIVATE KEY-----\nxx\n-----END PRIVATE KEY-----"):
        with pytest.raises(ImproperlyConfigured, match="PREUVE_SIGNING_KEY"):
            cle_signature()


@pytest.mark.parametrize(
    "retirees",
    ['[{"jwk": {}, "retiree_le": "2026-01-01"}]', '[{"retiree_le": "2026-01-01"}]', "pas du JSON"],
    ids=["cle-illisible", "sans-cle", "texte"],
)
def test_unreadable_retired_keys_are_named(retirees):
    with override_settings(PREUVE_CLES_RETIREES=retirees):
        with pytest.raises(ImproperlyConfigured, match="PREUVE_CLES_RETIREES"):
            jwks_publie()
