"""Production settings: everything comes from the environment.

`dev` and `test` import this module and supply safe development values. Outside debug,
start-up is refused while a secret is missing or is a development value.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

from indemnites.oauth.domain import jeton_duree_secondes

BASE_DIR = Path(__file__).resolve().parents[3]
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

DEV_SECRET_PREFIX = "dev-"  # every development secret starts with it; production refuses them


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")
SECRET_KEY = env("DJANGO_SECRET_KEY")
NIR_PEPPER = env("NIR_PEPPER")
OIDC_RSA_PRIVATE_KEY = env("OIDC_RSA_PRIVATE_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SANDBOX = env_bool("SANDBOX")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "widget_tweaks",
    "dsfr",  # the State design system; its assets ship in the package (no CDN)
    "csp",
    "ninja",  # serves Swagger and Redoc assets locally, never from a CDN
    "oauth2_provider",
    "indemnites.core",
    "indemnites.oauth",
    "indemnites.droits",
    "indemnites.journal",
    "indemnites.api",
    "indemnites.habilitations",
    "indemnites.trafic",
    "indemnites.exploitation",
    "indemnites.portail",
]

MIDDLEWARE = [
    "indemnites.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "indemnites.core.middleware.ApiGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "indemnites.config.urls"
WSGI_APPLICATION = "indemnites.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite under var/ unless DATABASE_URL says otherwise; connections are kept open because
# opening one (and its PRAGMAs) per request halves the throughput of the data routes.
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'indemnites.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
else:
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c statement_timeout=10000 -c lock_timeout=5000"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "indemnites"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "indemnites.core.hashers.ClientSecretHasher",
]

LANGUAGE_CODE = "fr-fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Security headers (HSTS only matters behind TLS, which production always has).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True

# Content security policy: no inline script anywhere (DSFR's scripts carry the request's nonce),
# nothing loaded from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The API answers JSON bodies of at most 16 KiB (a bigger body is a 413 problem).
API_MAX_BODY_BYTES = 16 * 1024
# How far back a `dateReference` may go.
API_DATE_REFERENCE_MAX_MONTHS = 24

OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth.IDToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth.Grant"
OAUTH2_PROVIDER = {
    "SCOPES": {
        "api_indemnisationsv1": "Indemnisations (serveur à serveur)",
    },
    # A request without a scope gets nothing rather than everything (DOT defaults to __all__).
    "DEFAULT_SCOPES": [],
    "SCOPES_BACKEND_CLASS": "indemnites.oauth.scopes.ApplicationScopes",
    # Client secrets are 256-bit random strings: one SHA-256 is as safe as PBKDF2 for them and
    # keeps the token endpoint fast.
    "CLIENT_SECRET_HASHER": "client_secret_sha256",
    "ACCESS_TOKEN_EXPIRE_SECONDS": 600,
    "EXTRA_SERVER_KWARGS": {"token_expires_in": jeton_duree_secondes},
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 24 * 3600,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "PKCE_REQUIRED": True,
    "OIDC_ENABLED": False,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # Every RFC 9700 (OAuth 2.0 Security BCP) behaviour, ahead of DOT 4.0's defaults; among them,
    # tokens are kept only as SHA-256 checksums, never in clear.
    **{
        f"COMPLIANT_BCP_RFC9700_{gate}": True
        for gate in (
            "IMPLICIT_GRANT",
            "PASSWORD_GRANT",
            "PKCE_METHOD",
            "ACCESS_TOKEN_TRANSPORT",
            "AUTHZ_RESPONSE_ISS",
            "TOKEN_STORAGE",
            "REFRESH_TOKEN",
            "REDIRECT_URI_SCHEME",
            "REDIRECT_URI_MATCHING",
            "PKCE_REQUIRED",
        )
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "indemnites.core.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "indemnites.core.logging.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own request logger repeats what our access log says, with the raw path.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "ERROR"},
    },
}


# Only `dev` and `test` may run with development secrets; `indemnites.core` checks at start-up.
ALLOW_DEVELOPMENT_SECRETS = False

# --- per-app settings: each domain app keeps its own block below ---------------------------------

# --- portail ---
# Subresource integrity checksums break when static files are post-processed; ours are served as-is.
DSFR_USE_INTEGRITY_CHECKSUMS = True

# --- trafic ---
# Default quota of a client (its habilitation may set another), and the overall limit per source IP.
TRAFIC_QUOTA_CLIENT_PAR_SECONDE = int(env("TRAFIC_QUOTA_CLIENT_PAR_SECONDE", "20"))
TRAFIC_LIMITE_IP_PAR_MINUTE = int(env("TRAFIC_LIMITE_IP_PAR_MINUTE", "1000"))

# --- exploitation ---

# --- journal ---

# --- habilitations ---
