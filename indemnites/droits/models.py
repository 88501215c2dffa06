import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from indemnites.core.models import TimestampedModel
from indemnites.droits.domain import Organisme, Prestation, Sexe


class DemandeurEmploi(TimestampedModel):
    """A job seeker. The NIR is never stored, only its keyed hash (see `droits.nir`)."""

    identifiant = models.CharField("identifiant France Travail", max_length=64, null=True, blank=True)
    nir_hash = models.CharField("empreinte du NIR", max_length=64, null=True, blank=True, editable=False)
    nom_naissance = models.CharField("nom de naissance", max_length=100)
    prenom = models.CharField("prénom", max_length=100)
    date_naissance = models.DateField("date de naissance", db_index=True)  # FranceConnect matching reads by it
    # INSEE COG code of the birth commune (or 99XXX, the country, for a birth abroad); empty when unknown.
    lieu_naissance = models.CharField("lieu de naissance (code COG)", max_length=5, blank=True)
    email = models.EmailField(blank=True)
    # Given by the import file or read from the NIR; empty when neither says (a person known by identifiant only).
    sexe = models.CharField(
        max_length=1, choices=[(Sexe.MASCULIN.value, "masculin"), (Sexe.FEMININ.value, "féminin")], blank=True
    )
    # The job seeker's login account (connected mode), when they have one.
    utilisateur = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="demandeur"
    )
    # The only reference to this person that leaves the registry (journal, logs).
    pseudonyme = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Created by the import that writes this generation: unseen by data calls until that import switches to it.
    generation = models.BigIntegerField("génération d'apparition", default=0, db_default=0, editable=False)

    class Meta:
        verbose_name = "demandeur d'emploi"
        verbose_name_plural = "demandeurs d'emploi"
        constraints = [
            models.CheckConstraint(
                condition=Q(identifiant__isnull=False) | Q(nir_hash__isnull=False),
                name="demandeur_identifiable",
            ),
            # Constraints rather than unique=True, which on PostgreSQL adds a second, `…_like` index on each
            # column that no query uses (5 M persons: about 0.6 GB, bench/README.md « Une année de données »).
            models.UniqueConstraint(fields=["identifiant"], name="demandeur_identifiant_unique"),
            models.UniqueConstraint(fields=["nir_hash"], name="demandeur_nir_unique"),
        ]

    def __str__(self) -> str:
        return f"Demandeur {self.pseudonyme}"


class IdentiteAnterieure(models.Model):
    """The keys a data call found a known person by before an import changed them (birth date, NIR, an
    identifiant added): written beside the new keys in the import's short transactions, seen by data calls
    until that import switches (`generation_fin`), then deleted. So a mass change of keys needs no long
    switch, and a call finds a person by the old keys or by the new ones, with the rights of the same
    generation (selectors.dossier_lire)."""

    demandeur = models.ForeignKey(DemandeurEmploi, on_delete=models.CASCADE, related_name="identites_anterieures")
    identifiant = models.CharField("identifiant France Travail", max_length=64, null=True, blank=True)
    nir_hash = models.CharField("empreinte du NIR", max_length=64, null=True, blank=True)
    date_naissance = models.DateField("date de naissance")
    generation_fin = models.BigIntegerField("génération de fin")

    class Meta:
        verbose_name = "identité antérieure d'un demandeur"
        verbose_name_plural = "identités antérieures des demandeurs"
        indexes = [
            models.Index(fields=["identifiant"], name="anterieure_identifiant"),
            models.Index(fields=["nir_hash", "date_naissance"], name="anterieure_nir"),
        ]

    def __str__(self) -> str:
        return f"Identité antérieure de {self.demandeur_id} (jusqu'à la génération {self.generation_fin})"


class Droit(TimestampedModel):
    demandeur = models.ForeignKey(DemandeurEmploi, on_delete=models.CASCADE, related_name="droits")
    prestation = models.CharField(max_length=3, choices=[(p.value, p.value) for p in Prestation])
    organisme = models.CharField(max_length=20, choices=[(o.value, o.value) for o in Organisme])
    date_debut = models.DateField("date de début")
    date_fin = models.DateField("date de fin", null=True, blank=True)
    reference = models.CharField("référence dans le système source", max_length=64)
    # Versions: data calls see the rows of the current generation (see Generation), debut <= n < fin.
    generation_debut = models.BigIntegerField("génération de début", default=0, db_default=0, editable=False)
    generation_fin = models.BigIntegerField("génération de fin", null=True, blank=True, editable=False)

    class Meta:
        indexes = [
            # The versions an import replaced or removed, deleted once it has switched.
            models.Index(
                fields=["generation_fin"], condition=Q(generation_fin__isnull=False), name="droit_versions_finies"
            )
        ]
        constraints = [
            # One latest version per reference; older ones live only while an import switches.
            models.UniqueConstraint(
                fields=["reference"], condition=Q(generation_fin__isnull=True), name="droit_reference_unique"
            ),
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=models.F("date_debut")),
                name="droit_fin_apres_debut",
            ),
            models.CheckConstraint(
                condition=Q(prestation__in=[p.value for p in Prestation]), name="droit_prestation_connue"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prestation} {self.reference}"


class Generation(models.Model):
    """The registry's current generation (one row). An import writes the next one beside it in short
    transactions, invisible to data calls, then switches this number in one short transaction: a call sees
    the whole previous registry or the whole new one, and never waits for an import."""

    numero = models.BigIntegerField("génération courante", default=0)

    class Meta:
        verbose_name = "génération du registre"
        verbose_name_plural = "génération du registre"

    def __str__(self) -> str:
        return f"génération {self.numero}"


class ImportDroits(models.Model):
    """One run of `droits_import`, whatever its outcome: what the freshness of each source is read from."""

    class Mode(models.TextChoices):
        INCREMENTAL = "incremental", "incrémental"
        COMPLET = "complet", "photographie complète"

    class Resultat(models.TextChoices):
        REUSSI = "reussi", "réussi"
        SIMULATION = "simulation", "simulation (rien d'écrit)"
        REFUSE = "refuse", "refusé (rien d'écrit)"

    # Empty: an incremental file that may carry several organismes (it then dates none of them).
    organisme = models.CharField(max_length=20, choices=[(o.value, o.value) for o in Organisme], blank=True)
    mode = models.CharField(max_length=12, choices=Mode.choices)
    debut = models.DateTimeField("début")
    fin = models.DateTimeField("fin")
    fichier = models.CharField("nom du fichier", max_length=255)
    empreinte_fichier = models.CharField("SHA-256 du fichier", max_length=64)
    lignes_lues = models.PositiveIntegerField(default=0)
    lignes_rejetees = models.PositiveIntegerField(default=0)
    droits_crees = models.PositiveIntegerField("droits créés", default=0)
    droits_modifies = models.PositiveIntegerField("droits modifiés", default=0)
    droits_inchanges = models.PositiveIntegerField("droits inchangés", default=0)
    droits_supprimes = models.PositiveIntegerField("droits supprimés", default=0)
    personnes_creees = models.PositiveIntegerField("personnes créées", default=0)
    personnes_modifiees = models.PositiveIntegerField("personnes modifiées", default=0)
    resultat = models.CharField("résultat", max_length=12, choices=Resultat.choices)
    motif = models.CharField(max_length=300, blank=True)
    acteur = models.CharField("lancé par", max_length=200)

    class Meta:
        verbose_name = "import de droits"
        verbose_name_plural = "imports de droits"
        ordering = ["-debut"]
        indexes = [models.Index(fields=["organisme", "resultat", "fin"], name="import_droits_fraicheur")]

    def __str__(self) -> str:
        return f"import {self.get_mode_display()} {self.organisme or 'tous organismes'} {self.debut:%Y-%m-%d %H:%M}"
