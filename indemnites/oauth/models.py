"""django-oauth-toolkit's models, swapped in from the first migration so they can grow."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from oauth2_provider.models import (
    AbstractAccessToken,
    AbstractApplication,
    AbstractGrant,
    AbstractIDToken,
    AbstractRefreshToken,
)

from indemnites.droits.domain import CHAMPS


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
    # Connected mode: what the consent page tells the job seeker (until habilitations carry it).
    demarche = models.CharField("démarche", max_length=200, blank=True)
    base_legale = models.CharField("base légale", max_length=300, blank=True)
    duree_conservation = models.CharField("durée de conservation des données", max_length=200, blank=True)

    class Meta(AbstractApplication.Meta):
        verbose_name = "client"

    def allows_grant_type(self, *grant_types: str) -> bool:
        allowed = set(self.grant_types) | {self.authorization_grant_type}
        return bool(allowed & set(grant_types))

    def is_usable(self, request: object) -> bool:
        return self.actif


class AccessToken(AbstractAccessToken):
    # SHA-256 of the authorization code the token comes from (through its refreshes): a reused code
    # revokes every token it produced (RFC 6749 §4.1.2).
    code_empreinte = models.CharField("empreinte du code d'origine", max_length=64, blank=True, db_index=True)

    class Meta(AbstractAccessToken.Meta):
        verbose_name = "jeton d'accès"


class RefreshToken(AbstractRefreshToken):
    code_empreinte = models.CharField("empreinte du code d'origine", max_length=64, blank=True, db_index=True)

    class Meta(AbstractRefreshToken.Meta):
        verbose_name = "jeton de rafraîchissement"


class IDToken(AbstractIDToken):
    class Meta(AbstractIDToken.Meta):
        verbose_name = "jeton d'identité"


class Grant(AbstractGrant):
    class Meta(AbstractGrant.Meta):
        verbose_name = "code d'autorisation"


class Decision(models.TextChoices):
    ACCORDEE = "accordee", "autorisation accordée"
    REFUSEE = "refusee", "autorisation refusée"
    RETIREE = "retiree", "autorisation retirée"


class Consentement(models.Model):
    """One decision of a job seeker about one client: appended, never changed. The current state of an
    authorisation is the latest decision."""

    utilisateur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consentements")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="consentements")
    decision = models.CharField("décision", max_length=16, choices=Decision.choices)
    scopes = models.TextField("portées demandées", blank=True)
    donnees = models.JSONField("données concernées", default=list, blank=True)
    scopes_retires = models.TextField(
        "portées non servies", blank=True, help_text="Portées du catalogue PE Connect demandées puis retirées."
    )
    horodatage = models.DateTimeField("horodatage (UTC)", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "décision de consentement"
        verbose_name_plural = "décisions de consentement"
        ordering = ["-horodatage", "-id"]
        indexes = [models.Index(fields=["utilisateur", "application", "-horodatage"], name="consentement_dernier")]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} le {self.horodatage:%Y-%m-%d %H:%M}"
