"""Use case of both modes: answering a data call, from the registry, with its record in the access journal."""

import hmac
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import connection, transaction

from indemnites.core.errors import DestinataireNonAutorise, IndividuInconnu
from indemnites.core.verrou_ecriture import verrou_ecriture
from indemnites.droits.domain import CHAMPS, indemnisation_calculer
from indemnites.droits.models import DemandeurEmploi, Droit
from indemnites.droits.selectors import (
    DROIT_VISIBLE_SQL,
    PERSONNE_VISIBLE_SQL,
    Dossier,
    Identite,
    dossier_construire,
    dossier_lire,
    identite_condition,
)
from indemnites.journal.models import Mode
from indemnites.journal.services import Trace, acces_enregistrer
from indemnites.journal.services.ecriture import acces_ecrivable, acces_insertion_selon


@dataclass(frozen=True)
class Appel:
    """Who asks, for whom, and why: everything the journal record needs."""

    request_id: str
    mode: Mode
    client_id: str
    champs_accordes: frozenset[str]
    destinataire: str = ""
    reference_dossier: str = ""
    empreinte_requete: str = ""
    preuve: bool = False  # the answer leaves as a signed proof: its journal record says so


def _sujet_inconnu(identite: Identite) -> str:
    """A pseudonymous reference for someone not in the registry: repeated queries correlate,
    the identifier itself is never stored."""
    key = identite.identifiant or f"{identite.nir_hash}:{identite.date_naissance}"
    digest = hmac.new(settings.NIR_PEPPER.encode(), f"inconnu:{key}".encode(), "sha256").hexdigest()
    return f"inconnu:{digest[:32]}"


def _trace(appel: Appel, *, resultat: str, statut: int, sujet: str = "", champs: tuple[str, ...] = ()) -> Trace:
    return Trace(
        request_id=appel.request_id,
        mode=appel.mode,
        resultat=resultat,
        statut=statut,
        client_id=appel.client_id,
        destinataire=appel.destinataire,
        sujet=sujet,
        champs=champs,
        reference_dossier=appel.reference_dossier,
        empreinte_requete=appel.empreinte_requete,
        preuve=appel.preuve and statut == 200,  # a refusal carries no proof
    )


def destinataire_verifier(*, appel: Appel, destinataires_autorises: frozenset[str]) -> None:
    if appel.destinataire in destinataires_autorises:
        return
    acces_enregistrer(trace=_trace(appel, resultat=DestinataireNonAutorise.code, statut=403))
    raise DestinataireNonAutorise("Ce SIRET ne figure pas parmi les destinataires autorisés pour ce client.")


def indemnisation_consulter(*, appel: Appel, identite: Identite, date_reference: date) -> dict[str, bool]:
    """The granted booleans for this person; the journal record is written in the same transaction."""
    champs = tuple(champ for champ in CHAMPS if champ in appel.champs_accordes)
    if connection.vendor == "postgresql":
        dossier = _lire_et_journaliser(appel, identite, champs)
    else:
        dossier = _lire_puis_journaliser(appel, identite, champs)
    if dossier is None:
        raise IndividuInconnu("Aucun demandeur d'emploi ne correspond à cette identité.")
    indemnisation = indemnisation_calculer(dossier.periodes, date_reference)
    return {champ: getattr(indemnisation, champ) for champ in champs}


def _lire_puis_journaliser(appel: Appel, identite: Identite, champs: tuple[str, ...]) -> Dossier | None:
    """SQLite: three statements in one transaction; they cost microseconds in the process."""
    with verrou_ecriture(), transaction.atomic():
        dossier = dossier_lire(identite=identite)
        if dossier is None:
            acces_enregistrer(
                trace=_trace(appel, resultat=IndividuInconnu.code, statut=404, sujet=_sujet_inconnu(identite))
            )
        else:
            acces_enregistrer(
                trace=_trace(appel, resultat="donnees-transmises", statut=200, sujet=dossier.pseudonyme, champs=champs)
            )
    return dossier


# PostgreSQL: one statement, hence one round trip and one transaction, reads the rights and writes the record
# (a data-modifying WITH runs once, whatever the outer query returns). Each round trip costs the worker far more
# than the server's work on a busy machine (bench/README.md, « Charge de l'API »): four became one.
_LIRE_ET_JOURNALISER = f"""
WITH personne AS (
    SELECT d.id, d.pseudonyme FROM {DemandeurEmploi._meta.db_table} d WHERE {{condition}} AND {PERSONNE_VISIBLE_SQL}
),
trace AS ({{insertion}} FROM (SELECT 1) AS un LEFT JOIN personne ON TRUE)
SELECT personne.pseudonyme, r.prestation, r.date_debut, r.date_fin
FROM personne LEFT JOIN {Droit._meta.db_table} r ON r.demandeur_id = personne.id AND {DROIT_VISIBLE_SQL}
"""


def _lire_et_journaliser(appel: Appel, identite: Identite, champs: tuple[str, ...]) -> Dossier | None:
    condition, params = identite_condition(identite)
    insertion, valeurs = acces_insertion_selon(
        "personne",
        trouvee=_trace(appel, resultat="donnees-transmises", statut=200, champs=champs),
        inconnue=_trace(appel, resultat=IndividuInconnu.code, statut=404, sujet=_sujet_inconnu(identite)),
    )
    # Alone, the statement is its own transaction; inside a caller's, a savepoint keeps that one usable.
    isolement = transaction.atomic() if connection.in_atomic_block else nullcontext()
    with acces_ecrivable(), isolement, connection.cursor() as cursor:
        cursor.execute(_LIRE_ET_JOURNALISER.format(condition=condition, insertion=insertion), params + valeurs)
        rows = cursor.fetchall()
    return dossier_construire(rows)
