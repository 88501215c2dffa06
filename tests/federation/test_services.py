"""Matching a federated identity to the registry, through the service (no provider needed here)."""

from datetime import date

import pytest

from indemnites.droits.models import DemandeurEmploi
from indemnites.droits.services.generations import generation_courante
from indemnites.federation.services import IdentiteIntrouvable, demandeur_federe_connecter

CLAIMS = {
    "family_name": "Le Hénaff",
    "given_name": "Jean-Pierre Paul",
    "birthdate": "1985-05-12",
    "gender": "male",
    "birthplace": "29019",
    "birthcountry": "99100",
}


def personne(*, generation: int) -> DemandeurEmploi:
    return DemandeurEmploi.objects.create(
        identifiant=f"jp.henaff.{generation}",
        nom_naissance="LE HENAFF",
        prenom="Jean-Pierre",
        date_naissance=date(1985, 5, 12),
        sexe="M",
        generation=generation,
    )


def test_a_person_an_unfinished_import_is_writing_is_nobody_yet():
    # Written beside the current generation, not switched to: data calls do not see it, nor does sign-in
    # (an import that then fails erases it, and no sign-in may have been tied to it).
    personne(generation=generation_courante() + 1)

    with pytest.raises(IdentiteIntrouvable) as echec:
        demandeur_federe_connecter(fournisseur="franceconnect", sub="sub-1", claims=CLAIMS)

    assert echec.value.motif == "aucune"


def test_the_current_generations_person_is_found_once_an_unfinished_one_stands_beside_them():
    visible = personne(generation=generation_courante())
    personne(generation=generation_courante() + 1)  # would make the identity ambiguous if it were seen

    demandeur_federe_connecter(fournisseur="franceconnect", sub="sub-1", claims=CLAIMS)

    visible.refresh_from_db()
    assert visible.utilisateur_id is not None
