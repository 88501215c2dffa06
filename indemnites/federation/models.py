from django.db import models

from indemnites.droits.models import DemandeurEmploi


class IdentiteFederee(models.Model):
    """A job seeker once matched through an upstream provider: the provider's `sub` is remembered, so the
    next sign-in does not depend on the civil status matching again (a registry correction, a new name)."""

    fournisseur = models.CharField(max_length=32)
    sub = models.CharField("identifiant chez le fournisseur", max_length=255)
    demandeur = models.ForeignKey(DemandeurEmploi, on_delete=models.CASCADE, related_name="identites_federees")
    cree_le = models.DateTimeField("rattachée le", auto_now_add=True)

    class Meta:
        verbose_name = "identité fédérée"
        verbose_name_plural = "identités fédérées"
        constraints = [models.UniqueConstraint(fields=["fournisseur", "sub"], name="identite_federee_unique")]

    def __str__(self) -> str:
        return f"{self.fournisseur} → {self.demandeur}"
