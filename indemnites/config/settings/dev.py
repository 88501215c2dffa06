"""Development: `make run`. SQLite under var/, in-process cache, demo data and sandbox."""

from indemnites.config.settings.base import *  # noqa: F403
from indemnites.config.settings.base import VAR_DIR, env, env_bool, env_pem

DEBUG = env_bool("DJANGO_DEBUG", default=True)
ALLOW_DEVELOPMENT_SECRETS = True
SANDBOX = env_bool("SANDBOX", default=True)
# Local passwords beside FranceConnect and ProConnect (base computed them before DEBUG and SANDBOX were on).
DEMANDEUR_MOTS_DE_PASSE_LOCAUX = env_bool("DEMANDEUR_MOTS_DE_PASSE_LOCAUX", default=True)
HABILITATIONS_MOTS_DE_PASSE_LOCAUX = env_bool("HABILITATIONS_MOTS_DE_PASSE_LOCAUX", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", "dev-secret-key-not-for-production")
NIR_PEPPER = env("NIR_PEPPER", "dev-nir-pepper-not-for-production")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# `make run` generates this key once (scripts/dev_keys.py); it is git-ignored, never committed.
_dev_key = VAR_DIR / "oidc-dev-key.pem"
OIDC_RSA_PRIVATE_KEY = env_pem("OIDC_RSA_PRIVATE_KEY") or (_dev_key.read_text() if _dev_key.exists() else "")
OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"] = OIDC_RSA_PRIVATE_KEY  # noqa: F405 (base read the empty variable)
OAUTH2_PROVIDER["ALLOWED_REDIRECT_URI_SCHEMES"] = ["https", "http"]  # noqa: F405

# --- habilitations ---
# Emails (verification links, decisions) are printed in the terminal of `make run`.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- journal ---
# `make run` generates this checkpoint signing key once (scripts/dev_keys.py --ed25519); git-ignored.
_journal_key = VAR_DIR / "journal-dev-key.pem"
JOURNAL_SIGNING_KEY = env_pem("JOURNAL_SIGNING_KEY") or (_journal_key.read_text() if _journal_key.exists() else "")

# --- preuves ---
# `make run` generates this proof signing key once (scripts/dev_keys.py --p256); git-ignored.
_preuve_key = VAR_DIR / "preuve-dev-key.pem"
PREUVE_SIGNING_KEY = env_pem("PREUVE_SIGNING_KEY") or (_preuve_key.read_text() if _preuve_key.exists() else "")
