"""The access journal: one record per data call or refused call, never the data itself."""

from django.db import models


class Mode(models.TextChoices):
    PARTENAIRE = "partenaire", "serveur à serveur"
    INDIVIDU = "individu", "demandeur d'emploi connecté"


class Enregistrement(models.Model):
    """Append-only. `empreinte` and `empreinte_precedente` are filled by the chain (a later step)."""

    horodatage = models.DateTimeField("horodatage (UTC)", db_index=True)
    request_id = models.CharField(max_length=128)
    mode = models.CharField(max_length=16, choices=Mode.choices)
    client_id = models.CharField("client", max_length=100, blank=True, db_index=True)
    destinataire = models.CharField("SIRET destinataire", max_length=14, blank=True)
    sujet = models.CharField("référence pseudonyme de la personne", max_length=80, blank=True, db_index=True)
    champs = models.CharField("données transmises", max_length=200, blank=True)
    resultat = models.CharField("résultat", max_length=64)
    statut = models.PositiveSmallIntegerField("statut HTTP")
    reference_dossier = models.CharField("référence du dossier", max_length=64, blank=True)
    empreinte_requete = models.CharField("empreinte du corps de la requête", max_length=64, blank=True)
    empreinte_precedente = models.CharField(max_length=64, blank=True)
    empreinte = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = "enregistrement du journal"
        verbose_name_plural = "journal des accès"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.horodatage:%Y-%m-%d %H:%M:%S} {self.client_id} {self.resultat}"
