"""Persons across imports: corrections apply, one person stays one person, contradictions are line errors."""

from datetime import date

from django.conf import settings

from indemnites.droits.domain import nir_hacher
from indemnites.droits.models import DemandeurEmploi, Droit
from tests.droits.test_import import NIR_JEAN, csv_ecrire, importer, ligne, refuser


def test_corrections_of_name_email_birth_date_and_sex_apply(tmp_path):
    importer(csv_ecrire(tmp_path / "a.csv", [ligne(nir="", sexe="M")]))
    corrige = ligne(
        nir="", nom_naissance="MARTINEZ", prenom="Jan", email="jan@example.org", date_naissance="1985-05-21", sexe="F"
    )

    sortie = importer(csv_ecrire(tmp_path / "b.csv", [corrige]))

    jean = DemandeurEmploi.objects.get()
    assert (jean.nom_naissance, jean.prenom, jean.email, jean.date_naissance, jean.sexe) == (
        "MARTINEZ",
        "Jan",
        "jan@example.org",
        date(1985, 5, 21),
        "F",
    )
    assert "Personnes créées : 0, modifiées : 1." in sortie


def test_a_person_known_by_identifiant_then_by_nir_is_one_person(tmp_path):
    importer(csv_ecrire(tmp_path / "a.csv", [ligne(nir="", reference="R1")]))
    importer(csv_ecrire(tmp_path / "b.csv", [ligne(reference="R2")]))  # the identifiant with its NIR
    importer(csv_ecrire(tmp_path / "c.csv", [ligne(identifiant="", reference="R3")]))  # the NIR alone

    jean = DemandeurEmploi.objects.get()
    assert jean.identifiant == "jean.are"
    assert jean.nir_hash == nir_hacher(NIR_JEAN, settings.NIR_PEPPER)
    assert set(Droit.objects.filter(demandeur=jean).values_list("reference", flat=True)) == {"R1", "R2", "R3"}


def test_a_person_known_by_nir_then_by_identifiant_is_one_person(tmp_path):
    importer(csv_ecrire(tmp_path / "a.csv", [ligne(identifiant="", reference="R1")]))
    importer(csv_ecrire(tmp_path / "b.csv", [ligne(reference="R2")]))
    importer(csv_ecrire(tmp_path / "c.csv", [ligne(nir="", reference="R3")]))

    jean = DemandeurEmploi.objects.get()
    assert jean.identifiant == "jean.are"
    assert Droit.objects.filter(demandeur=jean).count() == 3


def test_two_registered_persons_joined_by_a_line_is_a_line_error(tmp_path):
    importer(csv_ecrire(tmp_path / "a.csv", [ligne(nir="", reference="R1")]))
    importer(csv_ecrire(tmp_path / "b.csv", [ligne(identifiant="", reference="R2")]))
    assert DemandeurEmploi.objects.count() == 2

    sortie = refuser(csv_ecrire(tmp_path / "c.csv", [ligne(reference="R9", prestation="ASS"), ligne(reference="R3")]))

    assert "Ligne 2, colonne nir : Ce NIR est déjà enregistré pour un autre demandeur" in sortie
    assert "Ligne 3, colonne nir" in sortie
    assert DemandeurEmploi.objects.count() == 2
