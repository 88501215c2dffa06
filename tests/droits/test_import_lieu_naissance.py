"""The optional `lieu_naissance` column of the rights import (INSEE COG code), used to match a
FranceConnect identity to one registry person."""

import pytest

from indemnites.droits.models import DemandeurEmploi
from tests.droits.test_import import csv_ecrire, importer, ligne, refuser

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["78006", "2A004", "2b033", "99134"])
def test_a_cog_code_is_kept(tmp_path, code):
    importer(csv_ecrire(tmp_path / "droits.csv", [ligne(lieu_naissance=code)]))

    assert DemandeurEmploi.objects.get().lieu_naissance == code.upper()


@pytest.mark.parametrize("code", ["7800", "780060", "Paris", "2C004"])
def test_anything_else_is_refused_without_repeating_it(tmp_path, code):
    sortie = refuser(csv_ecrire(tmp_path / "droits.csv", [ligne(lieu_naissance=code)]))

    assert "colonne lieu_naissance" in sortie
    assert "[lieu-naissance-format]" in sortie
    assert code not in sortie


def test_a_line_that_does_not_say_keeps_what_the_registry_knows(tmp_path):
    importer(csv_ecrire(tmp_path / "a.csv", [ligne(lieu_naissance="78006")]))
    importer(csv_ecrire(tmp_path / "b.csv", [ligne()]))
    assert DemandeurEmploi.objects.get().lieu_naissance == "78006"

    importer(csv_ecrire(tmp_path / "c.csv", [ligne(lieu_naissance="75056")]))
    assert DemandeurEmploi.objects.get().lieu_naissance == "75056"


def test_the_lines_of_one_person_agree_on_it(tmp_path):
    lignes = [ligne(lieu_naissance="78006"), ligne(reference="R2", lieu_naissance="75056")]

    sortie = refuser(csv_ecrire(tmp_path / "droits.csv", lignes))

    assert "autre lieu de naissance" in sortie


def test_files_without_the_column_stay_valid(tmp_path):
    sans = tuple(colonne for colonne in ligne() if colonne != "lieu_naissance")
    valeurs = {cle: valeur for cle, valeur in ligne().items() if cle != "lieu_naissance"}

    importer(csv_ecrire(tmp_path / "droits.csv", [valeurs], entete=sans))

    assert DemandeurEmploi.objects.get().lieu_naissance == ""
