"""Tests: same as production but for fixed development secrets and a fast password hasher.

DATABASE_URL and REDIS_URL from the environment are honoured, so the suite runs on SQLite
by default and on PostgreSQL + Redis in CI.
"""

import secrets

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from indemnites.config.settings.base import *  # noqa: F403
from indemnites.config.settings.base import DATABASES, PASSWORD_HASHERS

ALLOW_DEVELOPMENT_SECRETS = True
SECRET_KEY = "dev-test-secret-key"
NIR_PEPPER = "dev-test-nir-pepper"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
SANDBOX = True
DEMANDEUR_MOTS_DE_PASSE_LOCAUX = HABILITATIONS_MOTS_DE_PASSE_LOCAUX = True

# A fresh key for each test run: never a committed private key.
OIDC_RSA_PRIVATE_KEY = (
    rsa.generate_private_key(public_exponent=65537, key_size=2048)
    .private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    .decode()
)
OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"] = OIDC_RSA_PRIVATE_KEY  # noqa: F405 (base read the empty variable)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = ":memory:"
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}

# Static files straight from the apps, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# A shared Redis must never see one run's keys collide with another's (and FLUSHDB is never used).
if "KEY_PREFIX" in CACHES["default"]:  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = f"test-{secrets.token_hex(4)}"  # noqa: F405
# The limits' counters too: a second run within a minute on the same Redis found the first one's counts.
TRAFIC_PREFIXE_CLES = f"test-{secrets.token_hex(4)}:trafic"

# Rate limits off for the suite (one client's tests send far more than 20 requests a second);
# tests/trafic and tests/exploitation switch them on.
TRAFIC_LIMITES_ACTIVES = False

# --- journal ---
# A fresh checkpoint signing key for each test run: never a committed private key.
JOURNAL_SIGNING_KEY = (
    ed25519.Ed25519PrivateKey.generate()
    .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    .decode()
)
# No background sealer in tests: they seal through the commands and services, at known moments.
JOURNAL_SEAL_INTERVAL_SECONDS = 0

# --- preuves ---
# A fresh proof signing key (EC P-256) for each test run: never a committed private key.
PREUVE_SIGNING_KEY = (
    ec.generate_private_key(ec.SECP256R1())
    .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    .decode()
)
