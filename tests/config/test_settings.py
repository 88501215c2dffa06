"""Production refuses to start with a missing, development or too short secret."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from indemnites.core.secrets import secrets_verifier

VRAIS_SECRETS = {
    "SECRET_KEY": "k" * 50,
    "NIR_PEPPER": "p" * 32,
    "OIDC_RSA_PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----\nvraie-cle\n-----END PRIVATE KEY-----",
    "ALLOWED_HOSTS": ["api-indemnites.example"],
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def production(**valeurs: object) -> override_settings:
    return override_settings(**{"DEBUG": False, "ALLOW_DEVELOPMENT_SECRETS": False, **VRAIS_SECRETS, **valeurs})


def test_real_secrets_are_accepted():
    with production():
        secrets_verifier()


@pytest.mark.parametrize(
    ("reglage", "nom"),
    [
        ("SECRET_KEY", "DJANGO_SECRET_KEY"),
        ("NIR_PEPPER", "NIR_PEPPER"),
        ("OIDC_RSA_PRIVATE_KEY", "OIDC_RSA_PRIVATE_KEY"),
    ],
)
def test_missing_secret_is_refused(reglage, nom):
    with production(**{reglage: ""}), pytest.raises(ImproperlyConfigured, match=f"{nom} est obligatoire"):
        secrets_verifier()


@pytest.mark.parametrize("reglage", ["SECRET_KEY", "NIR_PEPPER", "OIDC_RSA_PRIVATE_KEY"])
def test_development_secret_is_refused(reglage):
    with production(**{reglage: "dev-" + "x" * 60}), pytest.raises(ImproperlyConfigured, match="développement"):
        secrets_verifier()


@pytest.mark.parametrize(("reglage", "minimum"), [("SECRET_KEY", 50), ("NIR_PEPPER", 32)])
def test_too_short_secret_is_refused(reglage, minimum):
    with production(**{reglage: "x" * (minimum - 1)}), pytest.raises(ImproperlyConfigured, match=str(minimum)):
        secrets_verifier()


def test_empty_allowed_hosts_is_refused():
    with production(ALLOWED_HOSTS=[]), pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS"):
        secrets_verifier()


def test_production_without_redis_is_refused_naming_the_variable():
    with (
        production(REDIS_URL=""),
        pytest.raises(ImproperlyConfigured, match="REDIS_URL est obligatoire en production"),
    ):
        secrets_verifier()


def test_debug_skips_the_check():
    with production(DEBUG=True, SECRET_KEY="dev-x", NIR_PEPPER="", ALLOWED_HOSTS=[]):
        secrets_verifier()


def test_test_settings_run_with_development_secrets_only_because_they_say_so():
    assert settings.ALLOW_DEVELOPMENT_SECRETS is True
    assert settings.SECRET_KEY.startswith("dev-")


def test_production_settings_without_secrets_refuse_to_start():
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DJANGO_SECRET_KEY", "NIR_PEPPER", "OIDC_RSA_PRIVATE_KEY", "DJANGO_DEBUG", "ALLOWED_HOSTS"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "indemnites.config.settings.base"

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY est obligatoire en production" in result.stderr
