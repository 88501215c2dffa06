"""Writing the journals. Callers write the record inside the transaction that reads the data, so no data
leaves without its trace; any failure here becomes a 503 without data.

The record is written unsealed, with one prepared INSERT: the request path takes no lock and waits for no
other request. The sealer (services/scellement.py) chains it a moment later; if sealing falls behind by more
than JOURNAL_SEAL_MAX_DELAY_SECONDS, the journal counts as unavailable and the data routes answer 503
(docs/journal.md explains this choice against chaining inside the request).
"""

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connection
from django.db.models import Model
from django.utils import timezone

from indemnites.core.errors import JournalIndisponible
from indemnites.core.logging import request_id_var
from indemnites.core.verrou_ecriture import verrou_ecriture
from indemnites.journal import domain
from indemnites.journal.empreintes import octets
from indemnites.journal.models import ActionAdministrative, Enregistrement, Mode
from indemnites.journal.services import etat

logger = logging.getLogger("indemnites.journal")

INDISPONIBLE = "Le journal des accès ne peut pas être écrit ; aucune donnée n'est transmise."


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
    preuve: bool = False  # a signed proof of the answer was issued (Accept: application/jwt)


class _Insertion:
    """One hand-written INSERT per journal: one prepared statement costs about half of `objects.create()`
    (model instance, signals, SQL compilation) on every data call (bench/README.md). The columns are the
    model's, so a new field with a default is written like the ORM would."""

    def __init__(self, modele: type[Model]) -> None:
        self.champs = [field for field in modele._meta.concrete_fields if not field.primary_key]
        self.entete = "INSERT INTO {table} ({columns})".format(
            table=modele._meta.db_table, columns=", ".join(field.column for field in self.champs)
        )
        self.sql = f"{self.entete} VALUES ({', '.join(['%s'] * len(self.champs))})"

    def parametres(self, valeurs: dict[str, Any], horodatage: Any = None) -> list[Any]:
        valeurs["horodatage"] = horodatage or connection.ops.adapt_datetimefield_value(timezone.now())
        return [valeurs[f.attname] if f.attname in valeurs else f.get_default() for f in self.champs]

    def ecrire(self, valeurs: dict[str, Any]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.parametres(valeurs))


_ACCES = _Insertion(Enregistrement)
_ADMINISTRATIF = _Insertion(ActionAdministrative)


def _valeurs(trace: Trace) -> dict[str, Any]:
    return {
        "request_id": trace.request_id,
        "mode": str(trace.mode),
        "client_id": trace.client_id,
        "destinataire": trace.destinataire,
        "sujet": str(trace.sujet),
        "champs": ",".join(trace.champs),
        "resultat": trace.resultat,
        "statut": int(trace.statut),
        "reference_dossier": trace.reference_dossier,
        "empreinte_requete": octets(trace.empreinte_requete),
        "preuve": bool(trace.preuve),
    }


@contextmanager
def acces_ecrivable() -> Iterator[None]:
    """Around the statement that writes an access record: JournalIndisponible when the sealer is too far
    behind (the journal's integrity is no longer assured) or when the database refuses the write."""
    etat.scellement_exiger()
    try:
        yield
    except DatabaseError as error:
        raise JournalIndisponible(INDISPONIBLE) from error


def acces_enregistrer(*, trace: Trace) -> None:
    """Appends one access record, in the caller's transaction (see `acces_ecrivable` for its refusals)."""
    with acces_ecrivable(), verrou_ecriture():
        _ACCES.ecrire(_valeurs(trace))


def acteur_nommer(acteur: object) -> str:
    """An agent, a Django user or a text, as the administrative journal names its author: the login name
    and the account number, enough to identify the person individually (CNIL, délibération 2021-122)."""
    utilisateur = getattr(acteur, "user", acteur)
    pk = getattr(utilisateur, "pk", None)
    if hasattr(utilisateur, "get_username") and pk is not None:
        return f"{utilisateur.get_username()} (compte n° {pk})"[:200]
    return str(acteur)[:200]


def action_enregistrer(
    *, acteur: object, action: str, objet: str = "", details: Mapping[str, Any] | None = None
) -> None:
    """Appends one instructor's or administrator's action to the administrative journal, in the caller's
    transaction. `acteur`: an Agent, a user or a text; `details`: JSON-serialisable, never a secret.
    Raises JournalIndisponible when it cannot write: the caller's transaction, hence the action itself,
    is then rolled back."""
    etat.scellement_exiger()
    try:
        _ADMINISTRATIF.ecrire(
            {
                "request_id": request_id_var.get(),
                "acteur": acteur_nommer(acteur),
                "action": action[:64],
                "objet": objet[:200],
                "details": domain.details_canoniques(dict(details or {})),
            }
        )
    except DatabaseError as error:
        raise JournalIndisponible("Le journal administratif ne peut pas être écrit : action annulée.") from error
