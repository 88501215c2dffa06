"""Production refuses to start without real secrets, or without the shared store its limits count in."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEV_SECRET_PREFIX = "dev-"
MIN_LENGTHS = {"DJANGO_SECRET_KEY": 50, "NIR_PEPPER": 32}


def _setting(name: str) -> str:
    try:
        return getattr(settings, name)
    except ImproperlyConfigured:
        # Django refuses an empty SECRET_KEY on access, in words that do not name the variable to set.
        return ""


def _required() -> dict[str, str]:
    return {
        "DJANGO_SECRET_KEY": _setting("SECRET_KEY"),
        "NIR_PEPPER": _setting("NIR_PEPPER"),
        "OIDC_RSA_PRIVATE_KEY": _setting("OIDC_RSA_PRIVATE_KEY"),
        "JOURNAL_SIGNING_KEY": _setting("JOURNAL_SIGNING_KEY"),
        "PREUVE_SIGNING_KEY": _setting("PREUVE_SIGNING_KEY"),
    }


def secrets_verifier() -> None:
    """Raise ImproperlyConfigured when production would run with a missing or development secret."""
    if settings.DEBUG or settings.ALLOW_DEVELOPMENT_SECRETS:
        return
    for name, value in _required().items():
        if not value:
            raise ImproperlyConfigured(f"{name} est obligatoire en production.")
        if value.startswith(DEV_SECRET_PREFIX):
            raise ImproperlyConfigured(f"{name} contient une valeur de développement.")
        if len(value) < MIN_LENGTHS.get(name, 0):
            raise ImproperlyConfigured(f"{name} doit compter au moins {MIN_LENGTHS[name]} caractères.")
    if not settings.ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS est obligatoire en production.")
    if not settings.REDIS_URL:
        raise ImproperlyConfigured(
            "REDIS_URL est obligatoire en production (par exemple redis://127.0.0.1:6379/0) : sans lui, chaque "
            "worker compterait seul les limites de débit et les quotas des clients."
        )
