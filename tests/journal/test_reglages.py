"""The journal's settings: production refuses to start without a signing key."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import override_settings

from indemnites.core.secrets import secrets_verifier

PRODUCTION = {
    "DEBUG": False,
    "ALLOW_DEVELOPMENT_SECRETS": False,
    "SECRET_KEY": "k" * 50,
    "NIR_PEPPER": "p" * 32,
    "OIDC_RSA_PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----\nvraie-cle\n-----END PRIVATE KEY-----",
    "ALLOWED_HOSTS": ["api-indemnites.example"],
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def test_production_requires_a_journal_signing_key():
    with override_settings(**PRODUCTION, JOURNAL_SIGNING_KEY=""):
        with pytest.raises(ImproperlyConfigured, match="JOURNAL_SIGNING_KEY est obligatoire"):
            secrets_verifier()


def test_production_starts_with_a_journal_signing_key():
    with override_settings(**PRODUCTION):  # the test settings hold a key generated for this run
        secrets_verifier()


def test_an_invalid_signing_key_is_named_when_signing():
    with override_settings(JOURNAL_SIGNING_KEY="-----BEGIN PRIVATE KEY-----\nxx\n-----END PRIVATE KEY-----"):
        with pytest.raises(CommandError, match="JOURNAL_SIGNING_KEY n'est pas une clé Ed25519"):
            call_command("journal_checkpoint")
