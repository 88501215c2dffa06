"""Production settings: everything comes from the environment.

`dev` and `test` import this module and supply safe development values. Outside debug,
start-up is refused while a secret is missing or is a development value.
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF

from indemnites.federation.domain import origines
from indemnites.oauth.domain import jeton_duree_secondes
from indemnites.oauth.pkce import pkce_requis

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


def env_pem(name: str) -> str:
    """A PEM key from the environment, multi-line or written on one line with `\\n` for each line break
    (an environment file holds one variable per line: deploy/api-indemnites.env.exemple). A PEM never
    contains a backslash, so the two forms cannot be confused."""
    return env(name).replace("\\n", "\n")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")
SECRET_KEY = env("DJANGO_SECRET_KEY")
NIR_PEPPER = env("NIR_PEPPER")
OIDC_RSA_PRIVATE_KEY = env_pem("OIDC_RSA_PRIVATE_KEY")
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
    "indemnites.federation",
    "indemnites.trafic",
    "indemnites.exploitation",
    "indemnites.portail",
    "indemnites.preuves",
    "indemnites.demo",
]

MIDDLEWARE = [
    "indemnites.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "indemnites.exploitation.middleware.MetriquesMiddleware",
    "indemnites.trafic.middleware.TraficMiddleware",
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
        # wal_autocheckpoint: the commit that crosses the threshold copies the WAL back and fsyncs, inside
        # a request (up to tens of ms here). Every 1,000 pages (the default) that was 1.5 % of the data
        # calls, hence the p99; every 4,000 pages it is under 0.5 %, for a WAL of about 16 MiB
        # (bench/README.md, « Charge de l'API »).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000; "
            "PRAGMA wal_autocheckpoint=4000;"
        ),
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
# A load balancer or a probe checks each instance directly, over plain HTTP: the health and metrics
# routes answer there instead of redirecting (they carry no personal data).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^ping$", r"^metrics$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True

# Content security policy: no inline script anywhere (DSFR's scripts carry the request's nonce),
# nothing loaded from another origin.
CONTENT_SECURITY_POLICY: dict[str, Any] = {
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
# A source whose last successful import is older makes /ping say « degrade » (docs/import.md).
DROITS_FRAICHEUR_MAX_HEURES = float(env("DROITS_FRAICHEUR_MAX_HEURES", "36"))
# A person without any right for longer is erased by `droits_purge` (the oldest dateReference allowed).
DROITS_CONSERVATION_MOIS = int(env("DROITS_CONSERVATION_MOIS", "24"))

OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth.IDToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth.Grant"
OAUTH2_PROVIDER: dict[str, Any] = {
    "SCOPES": {
        "api_indemnisationsv1": "Indemnisations (serveur à serveur)",
        # Connected mode: the historical "Pôle emploi Connect" scopes, as its clients send them.
        "openid": "Identifiant de connexion (OpenID Connect)",
        "profile": "Nom, prénom et sexe",
        "email": "Adresse électronique",
        "api_peconnect-individuv1": "API Individu (informations de connexion)",
        "api_peconnect-indemnisationsv1": "API Indemnisations (mode connecté)",
        "indemnisation": "Minima sociaux et assurance chômage",
    },
    "OAUTH2_VALIDATOR_CLASS": "indemnites.oauth.validators.Validateur",
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
    # S256 for everyone but a confidential client flagged "legacy PE Connect client".
    "PKCE_REQUIRED": pkce_requis,
    # Connected mode: authorization code only, OpenID Connect id_tokens signed RS256 with this key.
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": OIDC_RSA_PRIVATE_KEY,
    "OIDC_ISS_ENDPOINT": env("OIDC_ISSUER"),  # empty: derived from the request
    "ID_TOKEN_EXPIRE_SECONDS": 600,
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token", "client_credentials"],
    # A consent screen every time, even when the client sends approval_prompt=auto.
    "REQUEST_APPROVAL_PROMPT": "force",
    # `/compte/deconnexion`: logs out at once for the id_token's owner, redirects only to registered URIs.
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
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

# --- oauth ---
# How job seekers prove who they are (connected mode): FranceConnect (or any OpenID Connect provider that
# gives the pivot identity) once FRANCECONNECT_DISCOVERY_URL is set, local passwords otherwise
# (docs/connexion-demandeur.md).
FRANCECONNECT_DISCOVERY_URL = env("FRANCECONNECT_DISCOVERY_URL")
FRANCECONNECT_CLIENT_ID = env("FRANCECONNECT_CLIENT_ID")
FRANCECONNECT_CLIENT_SECRET = env("FRANCECONNECT_CLIENT_SECRET")
FRANCECONNECT_SCOPES = env(
    "FRANCECONNECT_SCOPES", "openid given_name family_name birthdate gender birthplace birthcountry"
)
FRANCECONNECT_ACR_VALUES = env("FRANCECONNECT_ACR_VALUES", "eidas1")
DEMANDEUR_IDENTITY_BACKEND = env(
    "DEMANDEUR_IDENTITY_BACKEND",
    "indemnites.oauth.identity." + ("FranceConnectBackend" if FRANCECONNECT_DISCOVERY_URL else "LocalPasswordBackend"),
)
# Local passwords for job seekers: development and sandbox only, unless the operator allows them explicitly.
DEMANDEUR_MOTS_DE_PASSE_LOCAUX = env_bool("DEMANDEUR_MOTS_DE_PASSE_LOCAUX", default=DEBUG or SANDBOX)
# Upstream providers (FranceConnect, ProConnect): network timeout, and clock skew allowed on their tokens.
FEDERATION_DELAI_SECONDES = float(env("FEDERATION_DELAI_SECONDES", "10"))
FEDERATION_TOLERANCE_SECONDES = int(env("FEDERATION_TOLERANCE_SECONDES", "60"))
# Failed logins allowed per account and per source IP before the login page refuses for a while.
DEMANDEUR_CONNEXION_LIMITE_COMPTE = env("DEMANDEUR_CONNEXION_LIMITE_COMPTE", "5/15 minutes")
DEMANDEUR_CONNEXION_LIMITE_IP = env("DEMANDEUR_CONNEXION_LIMITE_IP", "50/15 minutes")

# --- portail ---
# Subresource integrity checksums break when static files are post-processed; ours are served as-is.
DSFR_USE_INTEGRITY_CHECKSUMS = True

# --- trafic ---
# Default quota of a client (its habilitation may set another), and the overall limit per source IP.
TRAFIC_QUOTA_CLIENT_PAR_SECONDE = int(env("TRAFIC_QUOTA_CLIENT_PAR_SECONDE", "20"))
TRAFIC_LIMITE_IP_PAR_MINUTE = int(env("TRAFIC_LIMITE_IP_PAR_MINUTE", "1000"))
# Counting window of the client quota: the quota per window is quota_par_seconde × this many seconds.
TRAFIC_FENETRE_CLIENT_SECONDES = int(env("TRAFIC_FENETRE_CLIENT_SECONDES", "1"))
# Stricter limits ("N/second|minute|hour"), per source IP and per client_id or login identifier.
TRAFIC_LIMITE_JETON = env("TRAFIC_LIMITE_JETON", "20/minute")
TRAFIC_LIMITE_CONNEXION = env("TRAFIC_LIMITE_CONNEXION", "10/minute")
# Abnormal usage: more distinct persons per day than the expected volume × this margin.
TRAFIC_MARGE_VOLUME = float(env("TRAFIC_MARGE_VOLUME", "1.5"))
TRAFIC_VOLUME_JOURNALIER_DEFAUT = int(env("TRAFIC_VOLUME_JOURNALIER_DEFAUT", "10000"))
# Reverse proxies in front of the service whose X-Forwarded-For is trusted (0: the peer address).
TRAFIC_NOMBRE_PROXYS = int(env("TRAFIC_NOMBRE_PROXYS", "0"))
# Counters live in Redis when REDIS_URL is set; an unreachable Redis opens the limits (alert,
# metric) and is retried after the pause.
TRAFIC_REDIS_DELAI_SECONDES = float(env("TRAFIC_REDIS_DELAI_SECONDES", "0.25"))
TRAFIC_REDIS_PAUSE_SECONDES = float(env("TRAFIC_REDIS_PAUSE_SECONDES", "5"))
TRAFIC_PREFIXE_CLES = f"{env('CACHE_KEY_PREFIX', 'indemnites')}:trafic"
TRAFIC_LIMITES_ACTIVES = env_bool("TRAFIC_LIMITES_ACTIVES", default=True)
# Never limited: liveness, readiness, ping and metrics.
TRAFIC_CHEMINS_EXEMPTES = ("/healthz", "/readyz", "/ping", "/metrics")

# --- exploitation ---
# /metrics answers these networks, or a caller presenting METRIQUES_JETON as a bearer token.
METRIQUES_RESEAUX_AUTORISES = env_list("METRIQUES_RESEAUX_AUTORISES", "127.0.0.1/32,::1/128")
METRIQUES_JETON = env("METRIQUES_JETON")
# Prometheus multiprocess mode: every worker writes its counters here, /metrics adds them up.
# One directory per instance; empty: counters of this process only.
METRIQUES_REPERTOIRE = env("METRIQUES_REPERTOIRE", str(VAR_DIR / "metriques"))
# /ping checks the database and the journal at most once per this many seconds per process.
EXPLOITATION_PING_CACHE_SECONDES = float(env("EXPLOITATION_PING_CACHE_SECONDES", "5"))
# monitoring_probe calls this /ping over HTTP when set, else checks in process.
EXPLOITATION_SONDE_URL = env("EXPLOITATION_SONDE_URL")
EXPLOITATION_SONDES_CONSERVATION_JOURS = int(env("EXPLOITATION_SONDES_CONSERVATION_JOURS", "100"))

# --- journal ---
# Ed25519 private key (PEM, PKCS#8) signing the journals' checkpoints; its public key is served at
# /journal/cle-publique. Required in production (indemnites/core/secrets.py).
JOURNAL_SIGNING_KEY = env_pem("JOURNAL_SIGNING_KEY")
# Other trusted public keys (PEM or base64 of the 32 raw bytes, separated by ";"): previous signing keys
# after a rotation, or the public key alone on an auditor's machine.
JOURNAL_PUBLIC_KEYS = [cle.strip() for cle in env("JOURNAL_PUBLIC_KEYS").split(";") if cle.strip()]
# Retention in months of the access journal (CNIL: 6 months to 1 year) and of the administrative journal
# (internal control: up to 3 years); `manage.py journal_purge` deletes older records.
JOURNAL_RETENTION_MONTHS = int(env("JOURNAL_RETENTION_MONTHS", "12"))
JOURNAL_ADMIN_RETENTION_MONTHS = int(env("JOURNAL_ADMIN_RETENTION_MONTHS", "36"))
# Records are written unsealed and chained by a background thread of each serving process, every this
# many seconds (0: no thread; then schedule `manage.py journal_checkpoint`, which seals first).
JOURNAL_SEAL_INTERVAL_SECONDS = float(env("JOURNAL_SEAL_INTERVAL_SECONDS", "1"))
# Records waiting for their seal longer than this make the journal unavailable: data routes answer 503.
JOURNAL_SEAL_MAX_DELAY_SECONDS = float(env("JOURNAL_SEAL_MAX_DELAY_SECONDS", "300"))
# In the same thread, every N minutes, sign the heads that moved (0: off; then schedule journal_checkpoint).
JOURNAL_CHECKPOINT_INTERVAL_MINUTES = int(env("JOURNAL_CHECKPOINT_INTERVAL_MINUTES", "0"))

# --- preuves (signed answers) ---
# EC P-256 private key (PEM) signing the answers asked for with `Accept: application/jwt` (ES256); its public
# key is published at /preuves/jwks.json, `kid` = RFC 7638 thumbprint. Dedicated: neither the OIDC key nor the
# journal's. Required in production (indemnites/core/secrets.py).
PREUVE_SIGNING_KEY = env_pem("PREUVE_SIGNING_KEY")
# After a rotation, the previous public keys, still published so that older proofs verify: a JSON list of
# {"jwk": <the key as /preuves/jwks.json published it>, "retiree_le": "AAAA-MM-JJ"} (docs/preuves.md).
PREUVE_CLES_RETIREES = env("PREUVE_CLES_RETIREES")
# A retired key stays published this many months after its retirement, then is dropped.
PREUVE_CLES_CONSERVATION_MOIS = int(env("PREUVE_CLES_CONSERVATION_MOIS", "24"))

# --- habilitations ---
# Public address of the service, for links in emails (never taken from the request's Host header).
URL_PUBLIQUE = env("URL_PUBLIQUE", "http://127.0.0.1:8000")
# Outgoing mail: SMTP in production (console in development, in-memory in tests).
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "API indemnités <ne-pas-repondre@api-indemnites.example>")
# Uploaded legal-basis PDFs (served only through permission-checked views, never as static files).
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
HABILITATIONS_PDF_TAILLE_MAX = 10 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640
# After a secret rotation, the previous secret stays accepted this many days.
HABILITATIONS_GRACE_SECRET_JOURS = int(env("HABILITATIONS_GRACE_SECRET_JOURS", "7"))
# How agents prove who they are: local passwords by default, ProConnect (OIDC) in production.
HABILITATIONS_IDENTITE = env("HABILITATIONS_IDENTITE", "mot_de_passe")
PROCONNECT_DISCOVERY_URL = env("PROCONNECT_DISCOVERY_URL")
PROCONNECT_CLIENT_ID = env("PROCONNECT_CLIENT_ID")
PROCONNECT_CLIENT_SECRET = env("PROCONNECT_CLIENT_SECRET")
PROCONNECT_SCOPES = env("PROCONNECT_SCOPES", "openid email given_name usual_name siret uid idp_id")
PROCONNECT_ACR_VALUES = env("PROCONNECT_ACR_VALUES")
# Local agent accounts (email verified by a link) beside ProConnect: development, sandbox, or operator's choice.
HABILITATIONS_MOTS_DE_PASSE_LOCAUX = env_bool(
    "HABILITATIONS_MOTS_DE_PASSE_LOCAUX", default=HABILITATIONS_IDENTITE != "proconnect" or DEBUG or SANDBOX
)
# The FranceConnect and ProConnect buttons and the logout forms end in a redirect to the provider; CSP's
# form-action also governs the redirects that follow a form, so the providers' origins are allowed there.
CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] += origines(FRANCECONNECT_DISCOVERY_URL, PROCONNECT_DISCOVERY_URL)
