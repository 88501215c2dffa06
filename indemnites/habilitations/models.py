"""Organisations, their agents, access requests (demandes) and the habilitations they produce."""

import uuid

from django.conf import settings
from django.db import models

from indemnites.habilitations.domain import ETAT_LIBELLES, PROFIL_LIBELLES, PROFILS_DEMANDEURS, Etat, Situation


class Organisation(models.Model):
    siret = models.CharField("SIRET", max_length=14, unique=True)
    nom = models.CharField(max_length=200)
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["nom"]

    def __str__(self) -> str:
        return f"{self.nom} ({self.siret})"


class Agent(models.Model):
    """An administration's agent: a Django user with a verified work email and roles."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent")
    courriel_verifie_le = models.DateTimeField("adresse vérifiée le", null=True, blank=True)
    instructeur = models.BooleanField(default=False)
    administrateur = models.BooleanField(default=False)
    organisations: "models.ManyToManyField[Organisation, Appartenance]" = models.ManyToManyField(
        Organisation, through="Appartenance", related_name="agents"
    )

    class Meta:
        ordering = ["user__email"]

    def __str__(self) -> str:
        return self.user.email

    @property
    def verifie(self) -> bool:
        return self.courriel_verifie_le is not None


class Appartenance(models.Model):
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    depuis = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agent", "organisation"], name="appartenance_unique")]


def document_chemin(instance: "Demande", filename: str) -> str:
    # A fresh name for every upload: earlier habilitation snapshots keep pointing at their own file.
    return f"habilitations/cadres-juridiques/{uuid.uuid4().hex}.pdf"


class Demande(models.Model):
    """The editable access request. Its form content lives in `donnees` (one key per field)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="demandes")
    demandeur = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="demandes")
    profil = models.CharField(
        max_length=20, choices=[(p.value, PROFIL_LIBELLES[p]) for p in PROFILS_DEMANDEURS], default="administration"
    )
    etat = models.CharField(
        max_length=30, choices=[(e.value, ETAT_LIBELLES[e]) for e in Etat], default=Etat.BROUILLON.value
    )
    reouverture = models.BooleanField("en cours de modification (habilitation active)", default=False)
    donnees = models.JSONField(default=dict, blank=True)
    donnees_soumises = models.JSONField("données à la dernière soumission", default=dict, blank=True)
    document = models.FileField("cadre juridique (PDF)", upload_to=document_chemin, blank=True)
    application = models.OneToOneField(
        "oauth.Application", on_delete=models.PROTECT, null=True, blank=True, related_name="demande"
    )
    secret_remis_le = models.DateTimeField("premier secret remis le", null=True, blank=True)
    cree_le = models.DateTimeField(auto_now_add=True, db_index=True)
    modifie_le = models.DateTimeField(auto_now=True)
    soumise_le = models.DateTimeField(null=True, blank=True)
    validee_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-cree_le"]

    def __str__(self) -> str:
        return f"D{self.pk} {self.intitule}"

    @property
    def intitule(self) -> str:
        return self.donnees.get("intitule") or "(sans intitulé)"

    @property
    def situation(self) -> Situation:
        return Situation(Etat(self.etat), self.reouverture)

    @property
    def etat_libelle(self) -> str:
        return ETAT_LIBELLES[Etat(self.etat)]


class Habilitation(models.Model):
    """An immutable snapshot of a validated request: what was granted, frozen at validation."""

    class Statut(models.TextChoices):
        ACTIVE = "active", "active"
        OBSOLETE = "obsolete", "remplacée"
        REVOQUEE = "revoquee", "révoquée"

    demande = models.ForeignKey(Demande, on_delete=models.PROTECT, related_name="habilitations")
    version = models.PositiveIntegerField()
    donnees = models.JSONField("données validées")
    document = models.CharField("cadre juridique (PDF)", max_length=200, blank=True)
    organisation_siret = models.CharField(max_length=14)
    organisation_nom = models.CharField(max_length=200)
    validee_le = models.DateTimeField()
    validee_par = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="+")
    statut = models.CharField(max_length=10, choices=Statut.choices, default=Statut.ACTIVE, db_index=True)
    fin_le = models.DateTimeField("remplacée ou révoquée le", null=True, blank=True)

    class Meta:
        ordering = ["-validee_le"]
        constraints = [models.UniqueConstraint(fields=["demande", "version"], name="habilitation_version_unique")]

    def __str__(self) -> str:
        return f"H{self.pk} (D{self.demande_id} v{self.version})"

    @property
    def intitule(self) -> str:
        return self.donnees.get("intitule", "")


class Evenement(models.Model):
    """Append-only: who did what to a request, when, why, and which fields changed."""

    class Quoi(models.TextChoices):
        CREATION = "creation", "création"
        ENREGISTREMENT = "enregistrement", "brouillon enregistré"
        SOUMETTRE = "soumettre", "soumission"
        DEMANDER_MODIFICATIONS = "demander_modifications", "modifications demandées"
        VALIDER = "valider", "validation"
        REFUSER = "refuser", "refus"
        REVOQUER = "revoquer", "révocation"
        ROUVRIR = "rouvrir", "réouverture"
        ANNULER_REOUVERTURE = "annuler_reouverture", "réouverture annulée"
        MESSAGE = "message", "message"
        SECRET_REMIS = "secret_remis", "secret remis"
        SECRET_RENOUVELE = "secret_renouvele", "secret renouvelé"
        PROLONGER = "prolonger", "prolongation"

    demande = models.ForeignKey(Demande, on_delete=models.PROTECT, related_name="evenements")
    auteur = models.ForeignKey(Agent, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    horodatage = models.DateTimeField(db_index=True)
    quoi = models.CharField(max_length=30, choices=Quoi.choices)
    motif = models.TextField(blank=True)
    diff = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["horodatage", "id"]
        verbose_name = "événement"

    def __str__(self) -> str:
        return f"{self.horodatage:%Y-%m-%d %H:%M} {self.get_quoi_display()}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Un événement ne se modifie pas : le journal des demandes est en ajout seul.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("Un événement ne se supprime pas : le journal des demandes est en ajout seul.")


class Message(models.Model):
    demande = models.ForeignKey(Demande, on_delete=models.PROTECT, related_name="messages")
    auteur = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="+")
    de_l_instruction = models.BooleanField(default=False)
    texte = models.TextField()
    horodatage = models.DateTimeField()

    class Meta:
        ordering = ["horodatage", "id"]


class AvisExpiration(models.Model):
    """One row per notice sent: the command never sends the same threshold twice for one expiry date."""

    application = models.ForeignKey("oauth.Application", on_delete=models.CASCADE, related_name="+")
    expire_le = models.DateTimeField()
    seuil = models.PositiveSmallIntegerField("jours avant expiration")
    envoye_le = models.DateTimeField()

    class Meta:
        verbose_name = "avis d'expiration"
        verbose_name_plural = "avis d'expiration"
        constraints = [
            models.UniqueConstraint(fields=["application", "expire_le", "seuil"], name="avis_expiration_unique")
        ]
