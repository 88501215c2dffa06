"""Issuing a signed proof of an answer (the API's `Accept: application/jwt`)."""

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from joserfc.jwk import ECKey

from indemnites.core.errors import ProblemError
from indemnites.droits.selectors import donnees_date_mise_a_jour
from indemnites.preuves import domain
from indemnites.preuves.selectors import cle_signature


class PreuveIndisponible(ProblemError):
    status = 503
    code = "preuve-indisponible"
    title = "Preuve signée indisponible"


def cle_signature_exiger() -> ECKey:
    """Before any data is read: a proof asked for must be signable, or the call stops here (503)."""
    cle = cle_signature()
    if cle is None:
        raise PreuveIndisponible("Aucune clé de signature n'est configurée : demandez la réponse en JSON.")
    return cle


@dataclass(frozen=True)
class Preuve:
    jws: str
    sel: str  # hex, 128 bits: the administration keeps it with its case file


@dataclass(frozen=True)
class Contexte:
    """The call the proof answers."""

    request_id: str
    client_id: str
    destinataire: str
    date_reference: date
    reference_dossier: str = ""


def preuve_emettre(*, cle: ECKey, contexte: Contexte, donnees: Mapping[str, bool], identite: str) -> Preuve:
    """Signs the answer `donnees` to the call `contexte` about the person of canonical identity `identite`."""
    sel = domain.sel_generer()
    reponse = domain.Reponse(
        emetteur=settings.URL_PUBLIQUE,
        request_id=contexte.request_id,
        client_id=contexte.client_id,
        destinataire=contexte.destinataire,
        date_reference=contexte.date_reference,
        reference_dossier=contexte.reference_dossier,
        donnees=donnees,
        empreinte_identite=domain.identite_empreinte(sel, identite),
        mise_a_jour=donnees_date_mise_a_jour(),
    )
    return Preuve(jws=domain.preuve_signer(cle, domain.revendications(reponse, emise_le=int(time.time()))), sel=sel)
