"""`droits_import` modes: snapshot per organisme, removals, dry run, records of each run, new line rules."""

import csv
import json

import pytest
from django.contrib.auth import get_user_model

from indemnites.droits.models import DemandeurEmploi, Droit, ImportDroits
from indemnites.journal.models import ActionAdministrative
from tests.droits.test_import import COLONNES, claire, csv_ecrire, importer, jsonl_ecrire, ligne, refuser

AVEC_ACTION = (*COLONNES, "action")
FT = ("--organisme", "France Travail")


def droits_ft(nombre: int) -> list[dict[str, str]]:
    return [ligne(reference=f"FT{rang:03d}") for rang in range(nombre)]


def references() -> set[str]:
    return set(Droit.objects.values_list("reference", flat=True))


@pytest.fixture
def registre_initial(tmp_path):
    """20 rights of France Travail, one of the CAF."""
    importer(csv_ecrire(tmp_path / "ft.csv", droits_ft(20)), *FT)
    importer(csv_ecrire(tmp_path / "caf.csv", [claire(prestation="RSA", organisme="CAF", reference="CAF1")]))


def test_a_snapshot_removes_the_organisme_rights_it_leaves_out_only(tmp_path, registre_initial):
    lignes = [*droits_ft(20)[1:], ligne(reference="FT000", date_fin="2024-12-31"), ligne(reference="NOUVEAU")]
    del lignes[5]  # FT006 left out
    path = csv_ecrire(tmp_path / "photo.csv", lignes)

    sortie = importer(path, *FT, "--complet")

    assert references() == {f"FT{rang:03d}" for rang in range(20)} - {"FT006"} | {"NOUVEAU", "CAF1"}
    assert "Droits créés : 1, modifiés : 1, inchangés : 18, supprimés : 1." in sortie
    rapport = tmp_path / "photo.supprimees.csv"
    assert f"Références supprimées : {rapport}" in sortie
    with rapport.open(encoding="utf-8") as fichier:
        assert list(csv.reader(fichier)) == [
            ["reference", "prestation", "date_debut", "date_fin"],
            ["FT006", "ARE", "2024-01-01", ""],
        ]


def test_a_snapshot_removing_more_than_the_threshold_is_refused_and_writes_nothing(tmp_path, registre_initial):
    avant = references()
    path = csv_ecrire(tmp_path / "photo.csv", droits_ft(18))  # 2 of 20 removed: 10 %

    sortie = refuser(path, *FT, "--complet")

    assert "supprimerait 2 des 20 droits de l'organisme France Travail (10,0 %)" in sortie
    assert "maximum de 5 % (--suppressions-max) : rien n'a été importé" in sortie
    assert references() == avant
    assert not (tmp_path / "photo.supprimees.csv").exists()
    refus = ImportDroits.objects.get(fichier="photo.csv")
    assert refus.resultat == ImportDroits.Resultat.REFUSE
    assert refus.droits_supprimes == 0


def test_the_threshold_can_be_raised(tmp_path, registre_initial):
    path = csv_ecrire(tmp_path / "photo.csv", droits_ft(18))

    sortie = importer(
        path, *FT, "--complet", "--suppressions-max", "10", "--rapport-suppressions", str(tmp_path / "r.csv")
    )

    assert "supprimés : 2." in sortie
    assert (tmp_path / "r.csv").read_text(encoding="utf-8").count("\n") == 3


def test_a_snapshot_needs_an_organisme_and_only_its_rights(tmp_path):
    path = csv_ecrire(tmp_path / "photo.csv", [ligne(), claire(prestation="RSA", organisme="CAF", reference="C1")])

    assert "--organisme" in refuser(path, "--complet")
    sortie = refuser(path, *FT, "--complet")

    assert "Ligne 3, colonne organisme : Le fichier ne porte que les droits de l'organisme France Travail." in sortie
    assert "[organisme-autre]" in sortie


def test_a_snapshot_keeps_the_right_of_a_refused_line(tmp_path, registre_initial):
    lignes = droits_ft(20)
    lignes[3] = ligne(reference="FT003", prestation="XXX")
    path = csv_ecrire(tmp_path / "photo.csv", lignes)

    sortie = importer(path, *FT, "--complet", "--skip-invalid")

    assert "supprimés : 0." in sortie
    assert "FT003" in references()


@pytest.mark.parametrize("mode", [(), ("--complet",)])
def test_a_simulation_writes_nothing_and_says_what_would_change(tmp_path, registre_initial, mode):
    avant = list(Droit.objects.order_by("pk").values_list("reference", "date_fin", "updated_at"))
    imports = ImportDroits.objects.count()
    actions = ActionAdministrative.objects.count()
    path = csv_ecrire(tmp_path / "photo.csv", [*droits_ft(19), ligne(reference="NOUVEAU")])

    sortie = importer(path, *FT, *mode, "--simulation")

    assert "Droits créés : 1, modifiés : 0, inchangés : 19" in sortie
    assert ("supprimés : 1." if mode else "supprimés : 0.") in sortie
    assert "Simulation : rien n'a été écrit." in sortie
    assert list(Droit.objects.order_by("pk").values_list("reference", "date_fin", "updated_at")) == avant
    assert ImportDroits.objects.count() == imports
    assert ActionAdministrative.objects.count() == actions
    assert not (tmp_path / "photo.supprimees.csv").exists()


def test_a_removal_line_removes_its_right(tmp_path, registre_initial):
    path = csv_ecrire(
        tmp_path / "maj.csv",
        [{"reference": "FT001", "action": "supprimer"}, ligne(reference="FT002", date_fin="2024-03-31")],
        entete=AVEC_ACTION,
    )

    sortie = importer(path)

    assert "FT001" not in references()
    assert Droit.objects.get(reference="FT002").date_fin.isoformat() == "2024-03-31"
    assert "Droits créés : 0, modifiés : 1, inchangés : 0, supprimés : 1." in sortie


def test_a_removal_line_in_json_lines(tmp_path, registre_initial):
    path = jsonl_ecrire(tmp_path / "maj.jsonl", [{"reference": "FT001", "action": "supprimer"}])

    importer(path)

    assert "FT001" not in references()


def test_removing_an_unknown_reference_is_a_line_error_or_skipped(tmp_path, registre_initial):
    lignes = [{"reference": "FT001", "action": "supprimer"}, {"reference": "INCONNUE", "action": "supprimer"}]
    path = csv_ecrire(tmp_path / "maj.csv", lignes, entete=AVEC_ACTION)

    sortie = refuser(path)

    assert "Ligne 3, colonne reference : Aucun droit de cette référence" in sortie
    assert "[reference-inconnue]" in sortie
    assert "FT001" in references()
    assert "supprimés : 1." in importer(path, "--skip-invalid")
    assert "FT001" not in references()


def test_removing_another_organisme_right_is_refused(tmp_path, registre_initial):
    path = csv_ecrire(tmp_path / "maj.csv", [{"reference": "CAF1", "action": "supprimer"}], entete=AVEC_ACTION)

    assert "[reference-inconnue]" in refuser(path, *FT)
    assert "CAF1" in references()


@pytest.mark.parametrize(("action", "regle"), [("effacer", "action-inconnue")])
def test_an_unknown_action_is_refused(tmp_path, action, regle):
    path = csv_ecrire(tmp_path / "maj.csv", [ligne() | {"action": action}], entete=AVEC_ACTION)

    assert f"Ligne 2, colonne action : Valeur inconnue : attendu vide ou supprimer. [{regle}]" in refuser(path)


def test_a_snapshot_does_not_take_removal_lines(tmp_path):
    path = csv_ecrire(tmp_path / "photo.csv", [{"reference": "R1", "action": "supprimer"}], entete=AVEC_ACTION)

    assert "Ligne 2, colonne action" in refuser(path, *FT, "--complet")


def test_each_import_is_recorded_with_the_administrative_journal(tmp_path):
    path = csv_ecrire(tmp_path / "ft.csv", droits_ft(3))

    importer(path, *FT, "--complet")

    enregistrement = ImportDroits.objects.get()
    assert enregistrement.organisme == "France Travail"
    assert enregistrement.mode == ImportDroits.Mode.COMPLET
    assert enregistrement.resultat == ImportDroits.Resultat.REUSSI
    assert enregistrement.debut <= enregistrement.fin
    assert len(enregistrement.empreinte_fichier) == 64
    assert (enregistrement.lignes_lues, enregistrement.droits_crees) == (3, 3)
    assert enregistrement.acteur.startswith("commande droits_import (compte système ")
    action = ActionAdministrative.objects.get(action="droits.import")
    assert action.objet == f"I{enregistrement.pk}"
    assert json.loads(action.details)["sha256"] == enregistrement.empreinte_fichier


def test_the_admin_lists_imports_read_only(http, tmp_path):
    importer(csv_ecrire(tmp_path / "ft.csv", droits_ft(1)), *FT)
    http.force_login(get_user_model().objects.create_superuser(username="admin", password="x" * 16))

    liste = http.get("/admin/droits/importdroits/")
    assert liste.status_code == 200
    assert "commande droits_import" in liste.content.decode()
    assert http.get("/admin/droits/importdroits/add/").status_code == 403


@pytest.mark.parametrize("caractere", ["\x00", "\x01", "\x1b", "\x7f", "\x85"])
def test_control_characters_are_refused_with_their_line(tmp_path, caractere):
    path = jsonl_ecrire(tmp_path / "d.jsonl", [ligne(), ligne(reference="R2", nom_naissance=f"MAR{caractere}TIN")])

    sortie = refuser(path)

    assert "Ligne 2, colonne nom_naissance : Caractère de contrôle interdit" in sortie
    assert "[caractere-de-controle]" in sortie
    assert not DemandeurEmploi.objects.exists()


def test_a_nul_byte_in_a_reference_is_skipped_on_every_database(tmp_path):
    path = csv_ecrire(tmp_path / "d.csv", [ligne(reference="R\x001"), claire(reference="R2")])

    sortie = importer(path, "--skip-invalid")

    assert "écrites : 1, rejetées : 1." in sortie
    assert references() == {"R2"}


def test_an_unwritable_rejects_path_is_refused_before_reading(tmp_path):
    path = csv_ecrire(tmp_path / "d.csv", [ligne()])

    sortie = refuser(path, "--skip-invalid", "--rejects", str(tmp_path / "absent" / "rejets.csv"))

    assert "Le fichier des rejets ne peut pas être écrit" in sortie
    assert not ImportDroits.objects.exists()
    assert "ne peut pas être écrit" in refuser(path, "--skip-invalid", "--rejects", str(tmp_path))


def test_a_csv_line_too_long_for_the_reader_says_so(tmp_path):
    path = csv_ecrire(tmp_path / "d.csv", [ligne()])
    with path.open("a", encoding="utf-8") as fichier:
        fichier.write('"' + "x" * (csv.field_size_limit() + 10) + '"\n')

    sortie = refuser(path)

    assert "Ligne 3 : valeur trop longue pour le lecteur CSV" in sortie
