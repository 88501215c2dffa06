"""Writes of identity federation: a job seeker signed in through an upstream provider becomes the
registry's person (remembered by the provider's `sub`), or nobody."""

import logging
from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction

from indemnites.droits.models import DemandeurEmploi
from indemnites.federation.domain import Resultat, correspondance_chercher, pivot_lire
from indemnites.federation.models import IdentiteFederee
from indemnites.federation.selectors import candidats_lister, demandeur_federe_lire
from indemnites.journal.services import action_enregistrer

logger = logging.getLogger(__name__)

CLAIMS_MANQUANTES = "claims-manquantes"


class IdentiteIntrouvable(Exception):
    """No single registry person for this identity: `motif` is a Resultat or CLAIMS_MANQUANTES."""

    def __init__(self, motif: str, manquantes: tuple[str, ...] = ()) -> None:
        super().__init__(motif)
        self.motif = motif
        self.manquantes = manquantes


def demandeur_federe_connecter(*, fournisseur: str, sub: str, claims: Mapping[str, Any]) -> User:
    """The account of the job seeker this identity designates. Raises IdentiteIntrouvable, after writing
    the attempt to the administrative journal without the identity (neither names nor birth date)."""
    demandeur = demandeur_federe_lire(fournisseur=fournisseur, sub=sub)
    if demandeur is None:
        demandeur = _demandeur_retrouver(fournisseur=fournisseur, sub=sub, claims=claims)
    if demandeur.utilisateur_id is not None:
        return demandeur.utilisateur  # type: ignore[return-value]  # not None: utilisateur_id is set
    return _compte_creer(demandeur)


def _demandeur_retrouver(*, fournisseur: str, sub: str, claims: Mapping[str, Any]) -> DemandeurEmploi:
    pivot = pivot_lire(claims)
    if isinstance(pivot, list):
        _echec_tracer(fournisseur=fournisseur, motif=CLAIMS_MANQUANTES, details={"claims": sorted(pivot)})
        raise IdentiteIntrouvable(CLAIMS_MANQUANTES, tuple(pivot))
    trouvee = correspondance_chercher(pivot, candidats_lister(pivot=pivot))
    if trouvee.resultat != Resultat.UNIQUE:
        _echec_tracer(fournisseur=fournisseur, motif=trouvee.resultat.value)
        raise IdentiteIntrouvable(trouvee.resultat.value)
    with transaction.atomic():
        demandeur = DemandeurEmploi.objects.select_related("utilisateur").get(pk=trouvee.personne_id)  # type: ignore[misc]  # UNIQUE: found
        IdentiteFederee.objects.get_or_create(fournisseur=fournisseur, sub=sub, defaults={"demandeur": demandeur})
        action_enregistrer(
            acteur=fournisseur, action="federation.rattachement", objet=f"demandeur {demandeur.pseudonyme}"
        )
    return demandeur


def _echec_tracer(*, fournisseur: str, motif: str, details: Mapping[str, Any] | None = None) -> None:
    logger.warning("identité fédérée sans correspondance", extra={"fournisseur": fournisseur, "motif": motif})
    with transaction.atomic():
        action_enregistrer(
            acteur=fournisseur, action="federation.sans_correspondance", details={"motif": motif, **(details or {})}
        )


@transaction.atomic
def _compte_creer(demandeur: DemandeurEmploi) -> User:
    """A login account without password for a person who never had one: FranceConnect proves who they are."""
    utilisateur = get_user_model().objects.create(username=f"demandeur-{demandeur.pseudonyme}")
    utilisateur.set_unusable_password()
    utilisateur.save(update_fields=["password"])
    demandeur.utilisateur = utilisateur
    demandeur.save(update_fields=["utilisateur", "updated_at"])
    return utilisateur
