"""Runs `manage.py check --deploy` against the production settings with throwaway real-looking secrets."""

import os
import secrets
import subprocess
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa


def main() -> int:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "indemnites.config.settings.base",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "NIR_PEPPER": secrets.token_urlsafe(48),
        "OIDC_RSA_PRIVATE_KEY": key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode(),
        "JOURNAL_SIGNING_KEY": ed25519.Ed25519PrivateKey.generate()
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode(),
        "PREUVE_SIGNING_KEY": ec.generate_private_key(ec.SECP256R1())
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode(),
        "ALLOWED_HOSTS": "api-indemnites.example",
        "REDIS_URL": "redis://127.0.0.1:6379/0",  # required in production; `check --deploy` does not connect
        # Sign-in as in production: FranceConnect for job seekers, ProConnect for agents.
        "FRANCECONNECT_DISCOVERY_URL": "https://franceconnect.example/api/v2/.well-known/openid-configuration",
        "FRANCECONNECT_CLIENT_ID": "api-indemnites",
        "FRANCECONNECT_CLIENT_SECRET": secrets.token_urlsafe(32),
        "HABILITATIONS_IDENTITE": "proconnect",
        "PROCONNECT_DISCOVERY_URL": "https://proconnect.example/api/v2/.well-known/openid-configuration",
        "PROCONNECT_CLIENT_ID": "api-indemnites",
        "PROCONNECT_CLIENT_SECRET": secrets.token_urlsafe(32),
    }
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    return subprocess.run(command, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
