"""Alerts for instructors: a client asked about more distinct persons than its habilitation expects."""

from django.db import models


class AlerteUsage(models.Model):
    """One per client and day (Europe/Paris), at the first refusal; later refusals are counted."""

    client_id = models.CharField("client", max_length=100, db_index=True)
    jour = models.DateField("jour")
    seuil = models.PositiveIntegerField("seuil de personnes distinctes")
    volume_journalier = models.PositiveIntegerField("volume attendu par l'habilitation", null=True, blank=True)
    refus = models.PositiveIntegerField("requêtes refusées", default=0)
    cree_le = models.DateTimeField("détectée le", auto_now_add=True)
    traitee_le = models.DateTimeField("traitée le", null=True, blank=True)
    commentaire = models.TextField("suite donnée", blank=True)

    class Meta:
        verbose_name = "alerte d'usage anormal"
        verbose_name_plural = "alertes d'usage anormal"
        ordering = ["-jour", "client_id"]
        constraints = [models.UniqueConstraint(fields=["client_id", "jour"], name="alerte_usage_unique_par_jour")]

    def __str__(self) -> str:
        return f"{self.jour} {self.client_id}"


class EchecConnexion(models.Model):
    """One failed login, per account (digest of the identifier) and per source address: in the database, so
    that the lockout holds across every worker and instance, with or without Redis."""

    portee = models.CharField(max_length=8)  # "compte" or "ip"
    cle = models.CharField(max_length=64)  # a digest, never the identifier itself
    moment = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "échec de connexion"
        verbose_name_plural = "échecs de connexion"
        indexes = [models.Index(fields=["portee", "cle", "moment"], name="echec_connexion_cle")]

    def __str__(self) -> str:
        return f"{self.portee} {self.moment:%Y-%m-%d %H:%M:%S}"
