"""django-oauth-toolkit's models, swapped in from the first migration so they can grow."""

from django.db import models
from oauth2_provider.models import (
    AbstractAccessToken,
    AbstractApplication,
    AbstractGrant,
    AbstractIDToken,
    AbstractRefreshToken,
)

from indemnites.oauth.domain import CHAMPS


def champs_par_defaut() -> list[str]:
    return []


class Application(AbstractApplication):
    """A client: an administration's software, with what its habilitation grants."""

    # Both grants may be allowed to one client (DOT allows a single one by default).
    grant_types = models.JSONField("grants autorisés", default=list, blank=True)
    scopes = models.TextField("portées accordées", blank=True, help_text="Séparées par des espaces.")
    champs = models.JSONField(
        "données accordées", default=champs_par_defaut, blank=True, help_text=f"Parmi {', '.join(CHAMPS)}."
    )
    destinataires = models.JSONField("SIRET destinataires autorisés", default=list, blank=True)
    pkce_exempte = models.BooleanField(
        "client PE Connect historique (exempté de PKCE)",
        default=False,
        help_text="Décision explicite et enregistrée : un client confidentiel peut être dispensé de PKCE.",
    )
    refresh_autorise = models.BooleanField("jeton de rafraîchissement autorisé", default=False)
    actif = models.BooleanField(default=True)
    # Traffic: the per-client rate (requests/s) and the expected daily volume from the habilitation.
    quota_par_seconde = models.PositiveIntegerField("quota (requêtes par seconde)", default=20)
    volume_journalier = models.PositiveIntegerField("volume attendu (appels par jour)", null=True, blank=True)
    # Credentials lifecycle: expiry, and the previous secret still accepted during a rotation's grace period.
    expire_le = models.DateTimeField("expire le", null=True, blank=True)
    secret_precedent = models.CharField("secret précédent (haché)", max_length=255, blank=True, editable=False)
    secret_precedent_expire_le = models.DateTimeField("secret précédent accepté jusqu'au", null=True, blank=True)

    class Meta(AbstractApplication.Meta):
        verbose_name = "client"

    def allows_grant_type(self, *grant_types: str) -> bool:
        allowed = set(self.grant_types) | {self.authorization_grant_type}
        return bool(allowed & set(grant_types))

    def is_usable(self, request: object) -> bool:
        return self.actif


class AccessToken(AbstractAccessToken):
    class Meta(AbstractAccessToken.Meta):
        verbose_name = "jeton d'accès"


class RefreshToken(AbstractRefreshToken):
    class Meta(AbstractRefreshToken.Meta):
        verbose_name = "jeton de rafraîchissement"


class IDToken(AbstractIDToken):
    class Meta(AbstractIDToken.Meta):
        verbose_name = "jeton d'identité"


class Grant(AbstractGrant):
    class Meta(AbstractGrant.Meta):
        verbose_name = "code d'autorisation"
