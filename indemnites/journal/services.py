"""Writing the journal. Callers write the record inside the transaction that reads the data,
so no data leaves without its trace; any failure here becomes a 503 without data."""

from dataclasses import dataclass

from django.db import DatabaseError
from django.utils import timezone

from indemnites.core.errors import JournalIndisponible
from indemnites.journal.models import Enregistrement, Mode


@dataclass(frozen=True)
class Trace:
    request_id: str
    mode: Mode
    resultat: str
    statut: int
    client_id: str = ""
    destinataire: str = ""
    sujet: str = ""
    champs: tuple[str, ...] = ()
    reference_dossier: str = ""
    empreinte_requete: str = ""


def acces_enregistrer(*, trace: Trace) -> Enregistrement:
    try:
        return Enregistrement.objects.create(
            horodatage=timezone.now(),
            request_id=trace.request_id,
            mode=trace.mode,
            client_id=trace.client_id,
            destinataire=trace.destinataire,
            sujet=trace.sujet,
            champs=",".join(trace.champs),
            resultat=trace.resultat,
            statut=trace.statut,
            reference_dossier=trace.reference_dossier,
            empreinte_requete=trace.empreinte_requete,
        )
    except DatabaseError as error:
        raise JournalIndisponible(
            "Le journal des accès ne peut pas être écrit ; aucune donnée n'est transmise."
        ) from error
