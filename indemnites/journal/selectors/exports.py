"""What an export of the access journal contains."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.db.models import QuerySet

from indemnites.journal.domain import ACCES, CHAMPS
from indemnites.journal.models import Enregistrement

PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class Filtres:
    client_id: str = ""
    habilitation: str = ""
    depuis: date | None = None  # Europe/Paris days, both included
    jusqu_au: date | None = None

    def en_dict(self) -> dict[str, str]:
        return {
            "client_id": self.client_id,
            "habilitation": self.habilitation,
            "depuis": self.depuis.isoformat() if self.depuis else "",
            "jusqu_au": self.jusqu_au.isoformat() if self.jusqu_au else "",
        }


COLONNES_EXPORT = ("rang", *CHAMPS[ACCES], "empreinte_precedente", "empreinte")


def debut_du_jour(jour: date) -> datetime:
    return datetime.combine(jour, time.min, tzinfo=PARIS)


def enregistrements_filtrer(*, filtres: Filtres, jusqu_au_rang: int | None = None) -> QuerySet[Enregistrement]:
    enregistrements = Enregistrement.objects.order_by("rang")
    if filtres.client_id:
        enregistrements = enregistrements.filter(client_id=filtres.client_id)
    if filtres.habilitation:
        enregistrements = enregistrements.filter(habilitation=filtres.habilitation)
    if filtres.depuis:
        enregistrements = enregistrements.filter(horodatage__gte=debut_du_jour(filtres.depuis))
    if filtres.jusqu_au:
        enregistrements = enregistrements.filter(horodatage__lt=debut_du_jour(filtres.jusqu_au + timedelta(days=1)))
    if jusqu_au_rang is not None:
        enregistrements = enregistrements.filter(rang__lte=jusqu_au_rang)
    return enregistrements


def clients_lister() -> list[tuple[str, str]]:
    """(client_id, name) of every client, for the export form."""
    application = apps.get_model(settings.OAUTH2_PROVIDER_APPLICATION_MODEL)
    return list(application.objects.order_by("name", "client_id").values_list("client_id", "name"))
