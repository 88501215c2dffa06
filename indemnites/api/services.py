"""Use case of both modes: answering a data call, from the registry, with its record in the access journal."""

import hmac
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction

from indemnites.core.errors import DestinataireNonAutorise, IndividuInconnu
from indemnites.core.verrou_ecriture import verrou_ecriture
from indemnites.droits.domain import CHAMPS, indemnisation_calculer
from indemnites.droits.selectors import Dossier, Identite, dossier_lire
from indemnites.journal.models import Mode
from indemnites.journal.services import Trace, acces_enregistrer


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
    dossier = _lire_et_journaliser(appel, identite, champs)
    if dossier is None:
        raise IndividuInconnu("Aucun demandeur d'emploi ne correspond à cette identité.")
    indemnisation = indemnisation_calculer(dossier.periodes, date_reference)
    return {champ: getattr(indemnisation, champ) for champ in champs}


def _lire_et_journaliser(appel: Appel, identite: Identite, champs: tuple[str, ...]) -> Dossier | None:
    """The rights read and the record written in one transaction (on SQLite, queued behind the other writers:
    core/verrou_ecriture.py)."""
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
