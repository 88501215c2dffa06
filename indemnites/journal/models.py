"""The two journals (accesses to personal data; instructors' and administrators' actions), their hash
chain heads and their signed checkpoints. Records are only ever appended (indemnites/journal/domain.py).

A record is written unsealed (`rang` empty) in the caller's transaction; the sealer then gives it its number
and fingerprints, in the order of the identifiers (indemnites/journal/services/scellement.py). The records'
fingerprints are stored as 32 bytes, seen as hex (indemnites/journal/empreintes.py); the heads' and the
checkpoints' stay hex text: a few rows, and a checkpoint keeps the very text it signed."""

from django.db import models
from django.db.models import Q

from indemnites.journal.domain import GENESE
from indemnites.journal.empreintes import EmpreinteField


class Mode(models.TextChoices):
    PARTENAIRE = "partenaire", "serveur à serveur"
    INDIVIDU = "individu", "demandeur d'emploi connecté"


class Enregistrement(models.Model):
    """One data call or refused call, never the data itself. `rang` is the record's number in the chain
    (empty until sealed), `habilitation` the client's habilitation in force at `horodatage` (set when sealed)."""

    rang = models.BigIntegerField("n°", unique=True, null=True, editable=False)
    horodatage = models.DateTimeField("horodatage (UTC)", db_index=True)
    request_id = models.CharField(max_length=128)
    mode = models.CharField(max_length=16, choices=Mode.choices)
    client_id = models.CharField("client", max_length=100, blank=True)
    habilitation = models.CharField("habilitation", max_length=20, blank=True, help_text="Numéro de l'habilitation.")
    destinataire = models.CharField("SIRET destinataire", max_length=14, blank=True)
    sujet = models.CharField("référence pseudonyme de la personne", max_length=80, blank=True)
    champs = models.CharField("données transmises", max_length=200, blank=True)
    resultat = models.CharField("résultat", max_length=64)
    statut = models.PositiveSmallIntegerField("statut HTTP")
    reference_dossier = models.CharField("référence du dossier", max_length=64, blank=True)
    empreinte_requete = EmpreinteField("empreinte du corps de la requête")
    preuve = models.BooleanField("preuve signée émise", default=False)
    empreinte_precedente = EmpreinteField()
    empreinte = EmpreinteField()

    class Meta:
        verbose_name = "enregistrement du journal"
        verbose_name_plural = "journal des accès"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["id"], condition=Q(rang__isnull=True), name="journal_acces_a_sceller"),
            # A person's records in the order of their page (newest first, read backwards): a page, however
            # deep, reads its 25 entries and no more, instead of sorting all the person's records.
            models.Index(fields=["sujet", "horodatage", "id"], name="journal_acces_par_sujet"),
            # A client's records (exports). Declared here rather than with db_index, which on PostgreSQL adds a
            # second, `…_like` index that no query uses and every data call would write.
            models.Index(fields=["client_id"], name="journal_acces_par_client"),
        ]

    def __str__(self) -> str:
        return f"n° {self.rang} {self.horodatage:%Y-%m-%d %H:%M:%S} {self.client_id} {self.resultat}"


class ActionAdministrative(models.Model):
    """An instructor's or administrator's action (decision, secret rotation, revocation, export…), with its
    individually identified author: the administrative journal, chained like the access journal."""

    rang = models.BigIntegerField("n°", unique=True, null=True, editable=False)
    horodatage = models.DateTimeField("horodatage (UTC)", db_index=True)
    request_id = models.CharField(max_length=128, blank=True)
    acteur = models.CharField("auteur", max_length=200)
    action = models.CharField(max_length=64, db_index=True)
    objet = models.CharField(max_length=200, blank=True)
    details = models.TextField("détails (JSON)", blank=True)
    empreinte_precedente = EmpreinteField()
    empreinte = EmpreinteField()

    class Meta:
        verbose_name = "action administrative"
        verbose_name_plural = "journal administratif"
        ordering = ["id"]
        indexes = [models.Index(fields=["id"], condition=Q(rang__isnull=True), name="journal_admin_a_sceller")]

    def __str__(self) -> str:
        return f"n° {self.rang} {self.horodatage:%Y-%m-%d %H:%M:%S} {self.action} {self.objet}"


class TeteChaine(models.Model):
    """The last sealed record of one journal: number and fingerprint. A sealer moves it only from the value it
    read (compare-and-set), so that two sealers (several processes, several instances) never fork the chain."""

    journal = models.CharField(max_length=16, primary_key=True)
    rang = models.BigIntegerField(default=0)
    empreinte = models.CharField(max_length=64, default=GENESE)

    class Meta:
        verbose_name = "tête de chaîne"
        verbose_name_plural = "têtes de chaîne"

    def __str__(self) -> str:
        return f"{self.journal} n° {self.rang}"


class PointDeControle(models.Model):
    """A chain head signed with the journal's Ed25519 key (JOURNAL_SIGNING_KEY)."""

    journal = models.CharField(max_length=16)
    numero = models.PositiveIntegerField("n° du point de contrôle")
    rang = models.BigIntegerField("n° de l'enregistrement signé")
    empreinte = models.CharField(max_length=64)
    horodatage = models.DateTimeField("signé le (UTC)")
    cle = models.CharField("empreinte de la clé", max_length=16)
    signature = models.CharField(max_length=100)

    class Meta:
        verbose_name = "point de contrôle"
        verbose_name_plural = "points de contrôle"
        ordering = ["journal", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["journal", "numero"], name="point_de_controle_numero_unique"),
            models.UniqueConstraint(fields=["journal", "rang"], name="point_de_controle_rang_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.journal} point n° {self.numero} (enregistrement n° {self.rang})"
