"""The citizen's page: every record about the logged-in job seeker, and how to show it."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.apps import apps
from django.db.models import Q, QuerySet

from indemnites.journal import domain
from indemnites.journal.models import Enregistrement, Mode
from indemnites.journal.selectors.exports import debut_du_jour
from indemnites.journal.selectors.habilitations import (
    Presentation,
    habilitation_en_vigueur,
    habilitations_des_clients,
    presentations_lire,
)

# Beyond this many, the page says "more than" instead of counting them all.
COMPTE_PLAFOND = 1000


@dataclass(frozen=True)
class Consultation:
    horodatage: datetime  # UTC; the page shows Europe/Paris
    presentation: Presentation
    donnees: tuple[str, ...]
    reference_dossier: str
    connecte: bool  # mode A: the person was connected and had consented


def sujet_du_utilisateur(*, utilisateur_id: int) -> str | None:
    """The pseudonymous reference the journal uses for this login account's job seeker, if any."""
    demandeur = apps.get_model("droits", "DemandeurEmploi")
    pseudonyme = demandeur.objects.filter(utilisateur_id=utilisateur_id).values_list("pseudonyme", flat=True).first()
    return str(pseudonyme) if pseudonyme else None


@dataclass(frozen=True)
class Curseur:
    """Keyset position in a person's records (newest first): the next page starts strictly after it, so a
    page costs the same however deep it is, and a new consultation never shifts the pages already read."""

    horodatage: datetime
    pk: int

    @property
    def jeton(self) -> str:
        micro = int(self.horodatage.timestamp()) * 1_000_000 + self.horodatage.microsecond
        return f"{micro}-{self.pk}"

    @classmethod
    def lire(cls, jeton: str) -> "Curseur | None":
        micro, _, pk = jeton.partition("-")
        if not (micro.isdigit() and pk.isdigit()) or len(micro) > 18:
            return None
        instant = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(micro))
        return cls(instant, int(pk))


@dataclass(frozen=True)
class Periode:
    depuis: date | None = None  # Europe/Paris days, both included
    jusqu_au: date | None = None


def consultations_du_sujet(
    *, sujet: str, periode: Periode = Periode(), apres: Curseur | None = None
) -> QuerySet[Enregistrement]:
    """Every record about this person, newest first: only theirs, whatever the mode."""
    enregistrements = Enregistrement.objects.filter(sujet=sujet).order_by("-horodatage", "-id")
    if periode.depuis:
        enregistrements = enregistrements.filter(horodatage__gte=debut_du_jour(periode.depuis))
    if periode.jusqu_au:
        enregistrements = enregistrements.filter(horodatage__lt=debut_du_jour(periode.jusqu_au + timedelta(days=1)))
    if apres is not None:
        # `horodatage <= instant` bounds the index scan (the page starts at the cursor, however deep); the
        # `OR` only sorts out the records of that very instant.
        plus_ancien = Q(horodatage__lt=apres.horodatage) | Q(id__lt=apres.pk)
        enregistrements = enregistrements.filter(plus_ancien, horodatage__lte=apres.horodatage)
    return enregistrements


def consultations_compter(*, sujet: str, periode: Periode = Periode(), plafond: int = COMPTE_PLAFOND) -> int:
    """How many records in the period, counted up to `plafond` + 1 only: a page never counts all the records
    of a person consulted 200,000 times (more than `plafond` is shown as such)."""
    return consultations_du_sujet(sujet=sujet, periode=periode)[: plafond + 1].count()


@dataclass(frozen=True)
class Page:
    consultations: list["Consultation"]
    suivante: Curseur | None  # where the older ones start, if any


def consultations_page(*, sujet: str, periode: Periode, apres: Curseur | None, taille: int) -> Page:
    enregistrements = list(consultations_du_sujet(sujet=sujet, periode=periode, apres=apres)[: taille + 1])
    visibles = enregistrements[:taille]
    suivante = Curseur(visibles[-1].horodatage, visibles[-1].pk) if len(enregistrements) > taille else None
    return Page(consultations_presenter(visibles), suivante)


def consultations_parcourir(*, sujet: str, periode: Periode, lot: int = 500) -> Iterator["Consultation"]:
    """Every consultation in the period, newest first, read page by page (keyset): for a streamed download."""
    apres = None
    while True:
        page = consultations_page(sujet=sujet, periode=periode, apres=apres, taille=lot)
        yield from page.consultations
        if page.suivante is None:
            return
        apres = page.suivante


def consultations_presenter(enregistrements: Iterable[Enregistrement]) -> list[Consultation]:
    enregistrements = list(enregistrements)
    # A record not sealed yet has no habilitation: the one in force at its instant, as the sealer will write.
    periodes = habilitations_des_clients(e.client_id for e in enregistrements if not e.habilitation)
    habilitations = [
        e.habilitation
        or habilitation_en_vigueur(periodes.get(e.client_id, []), domain.horodatage_canonique(e.horodatage))
        for e in enregistrements
    ]
    cles = [(e.client_id, h, e.destinataire) for e, h in zip(enregistrements, habilitations, strict=True)]
    presentations = presentations_lire(cles)
    return [
        Consultation(
            horodatage=e.horodatage,
            presentation=presentations[cle],
            donnees=tuple(champ for champ in e.champs.split(",") if champ),
            reference_dossier=e.reference_dossier,
            connecte=e.mode == Mode.INDIVIDU,
        )
        for e, cle in zip(enregistrements, cles, strict=True)
    ]
