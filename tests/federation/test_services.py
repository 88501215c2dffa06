"""Matching a federated identity to the registry, through the service (no provider needed here)."""

from datetime import date

import pytest

from indemnites.droits.models import DemandeurEmploi, Generation, IdentiteAnterieure
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


NOUVELLE_NAISSANCE = CLAIMS | {"birthdate": "1985-05-13"}


def personne_dont_un_import_corrige_la_naissance() -> int:
    """A person, and what an import's batch writes before its switch when it corrects their birth date: the
    new date in the registry, the former one kept beside. Returns the generation that import will switch to."""
    courante = generation_courante()
    jp = personne(generation=courante)
    IdentiteAnterieure.objects.create(
        demandeur=jp, identifiant=jp.identifiant, date_naissance=jp.date_naissance, generation_fin=courante + 1
    )
    DemandeurEmploi.objects.filter(pk=jp.pk).update(date_naissance=date(1985, 5, 13))
    return courante + 1


def test_until_the_switch_a_corrected_birth_date_is_the_former_one():
    personne_dont_un_import_corrige_la_naissance()

    with pytest.raises(IdentiteIntrouvable):
        demandeur_federe_connecter(fournisseur="franceconnect", sub="sub-1", claims=NOUVELLE_NAISSANCE)
    demandeur_federe_connecter(fournisseur="franceconnect", sub="sub-2", claims=CLAIMS)

    assert DemandeurEmploi.objects.get().utilisateur_id is not None


def test_after_the_switch_a_corrected_birth_date_is_the_new_one():
    suivante = personne_dont_un_import_corrige_la_naissance()
    Generation.objects.filter(pk=1).update(numero=suivante)

    with pytest.raises(IdentiteIntrouvable):
        demandeur_federe_connecter(fournisseur="franceconnect", sub="sub-1", claims=CLAIMS)
    demandeur_federe_connecter(fournisseur="franceconnect", sub="sub-2", claims=NOUVELLE_NAISSANCE)

    assert DemandeurEmploi.objects.get().utilisateur_id is not None
