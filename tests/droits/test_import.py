"""`manage.py droits_import`, through the command, against the real database."""

import csv
import io
import json
import uuid
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from indemnites.droits.domain import COLONNES_IMPORT, LONGUEURS_MAX, nir_cle, nir_hacher
from indemnites.droits.models import DemandeurEmploi, Droit

# The columns of a file written before `action` existed: most tests use them.
COLONNES = tuple(colonne for colonne in COLONNES_IMPORT if colonne != "action")
NIR_JEAN = "185057800608491"
NIR_CLAIRE = "290067505612303"
NIR_KARIM = f"1780576451777{nir_cle('1780576451777'):02d}"


def ligne(**valeurs: str) -> dict[str, str]:
    return {
        "identifiant": "jean.are",
        "nir": NIR_JEAN,
        "nom_naissance": "MARTIN",
        "prenom": "Jean",
        "date_naissance": "1985-05-12",
        "email": "",
        "prestation": "ARE",
        "organisme": "France Travail",
        "date_debut": "2024-01-01",
        "date_fin": "",
        "reference": "R1",
        "sexe": "",
        "lieu_naissance": "",
    } | valeurs


def claire(**valeurs: str) -> dict[str, str]:
    return (
        ligne(
            identifiant="claire.asp",
            nir=NIR_CLAIRE,
            nom_naissance="BERNARD",
            prenom="Claire",
            date_naissance="1990-06-03",
        )
        | valeurs
    )


def csv_ecrire(path: Path, lignes: list[dict[str, str]], entete: tuple[str, ...] = COLONNES) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fichier:
        writer = csv.DictWriter(fichier, fieldnames=entete, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(lignes)
    return path


def jsonl_ecrire(path: Path, lignes: list[dict[str, str | None] | str]) -> Path:
    texte = (item if isinstance(item, str) else json.dumps(item, ensure_ascii=False) for item in lignes)
    path.write_text("".join(f"{ligne}\n" for ligne in texte), encoding="utf-8")
    return path


def importer(path: Path, *options: str) -> str:
    sortie, erreurs = io.StringIO(), io.StringIO()
    call_command("droits_import", str(path), *options, stdout=sortie, stderr=erreurs)
    return erreurs.getvalue() + sortie.getvalue()


def refuser(path: Path, *options: str) -> str:
    erreurs = io.StringIO()
    with pytest.raises(CommandError) as refus:
        call_command("droits_import", str(path), *options, stdout=io.StringIO(), stderr=erreurs)
    return f"{erreurs.getvalue()}{refus.value}"


def registre() -> list[tuple]:
    personnes = DemandeurEmploi.objects.order_by("pk").values_list(
        "identifiant", "nir_hash", "nom_naissance", "prenom", "date_naissance", "email", "pseudonyme", "updated_at"
    )
    droits = Droit.objects.order_by("pk").values_list(
        "demandeur__identifiant", "prestation", "organisme", "date_debut", "date_fin", "reference", "updated_at"
    )
    return [*personnes, *droits]


@pytest.fixture
def fichier(tmp_path: Path) -> Path:
    return csv_ecrire(
        tmp_path / "droits.csv",
        [
            ligne(reference="R1"),
            ligne(reference="R2", prestation="ASS", date_debut="2023-01-01", date_fin="2023-12-31"),
            claire(reference="R3", prestation="ASP", email="claire@example.org"),
        ],
    )


def test_a_csv_file_creates_persons_and_rights(fichier):
    sortie = importer(fichier)

    assert "Lignes lues : 3, écrites : 3, rejetées : 0." in sortie
    assert "Personnes créées : 2, modifiées : 0." in sortie
    assert "Droits créés : 3, modifiés : 0, inchangés : 0, supprimés : 0." in sortie
    jean = DemandeurEmploi.objects.get(identifiant="jean.are")
    assert jean.nir_hash == nir_hacher(NIR_JEAN, settings.NIR_PEPPER)
    assert (jean.nom_naissance, jean.prenom, jean.date_naissance) == ("MARTIN", "Jean", date(1985, 5, 12))
    assert sorted(jean.droits.values_list("reference", "prestation", "date_debut", "date_fin")) == [
        ("R1", "ARE", date(2024, 1, 1), None),
        ("R2", "ASS", date(2023, 1, 1), date(2023, 12, 31)),
    ]
    assert DemandeurEmploi.objects.get(identifiant="claire.asp").email == "claire@example.org"


def test_each_stage_is_logged_with_its_duration_and_the_process_cpu_time_in_it(fichier, journal_technique):
    importer(fichier)

    etapes = [json.loads(ligne) for ligne in journal_technique.getvalue().splitlines() if '"step"' in ligne]
    assert [etape["step"] for etape in etapes] == [
        "lecture",
        "controles",
        "changements",
        "generation",
        "statistiques",
        "corrections",
        "bascule",
        "retrait",
    ]
    for etape in etapes:
        assert (etape["message"], etape["command"]) == ("étape d'import", "droits_import")
        assert isinstance(etape["duration_ms"], int)
        assert etape["duration_ms"] >= 0
        assert isinstance(etape["cpu_ms"], int)
        assert etape["cpu_ms"] >= 0
    assert "jean" not in journal_technique.getvalue().lower()  # no value of the file


def test_new_persons_get_distinct_version_4_pseudonymes(fichier):
    importer(fichier)

    pseudonymes = list(DemandeurEmploi.objects.values_list("pseudonyme", flat=True))
    assert all(isinstance(p, uuid.UUID) and p.version == 4 for p in pseudonymes)
    assert len(set(pseudonymes)) == 2


def test_importing_the_same_file_twice_changes_nothing(fichier):
    importer(fichier)
    avant = registre()

    sortie = importer(fichier)

    assert registre() == avant
    assert "Personnes créées : 0, modifiées : 0." in sortie
    assert "Droits créés : 0, modifiés : 0, inchangés : 3, supprimés : 0." in sortie


def test_a_changed_line_updates_its_right_and_person(fichier, tmp_path):
    importer(fichier)
    droit = Droit.objects.get(reference="R1")
    change = csv_ecrire(tmp_path / "change.csv", [ligne(reference="R1", date_fin="2024-06-30", prenom="Jean-Paul")])

    sortie = importer(change)

    droit_apres = Droit.objects.get(reference="R1")  # a new version: the old one is gone
    assert droit_apres.date_fin == date(2024, 6, 30)
    assert droit_apres.created_at == droit.created_at
    assert droit_apres.updated_at > droit.updated_at
    assert DemandeurEmploi.objects.get(identifiant="jean.are").prenom == "Jean-Paul"
    assert "Personnes créées : 0, modifiées : 1." in sortie
    assert "Droits créés : 0, modifiés : 1, inchangés : 0, supprimés : 0." in sortie
    assert Droit.objects.get(reference="R2").updated_at == Droit.objects.get(reference="R2").created_at


def test_a_right_can_move_to_another_person(fichier, tmp_path):
    importer(fichier)

    importer(csv_ecrire(tmp_path / "move.csv", [claire(reference="R1")]))

    assert Droit.objects.get(reference="R1").demandeur.identifiant == "claire.asp"


def test_a_person_known_only_by_nir(tmp_path):
    path = csv_ecrire(
        tmp_path / "nir.csv",
        [ligne(identifiant="", nir=NIR_KARIM, reference="K1", prestation="RSA", organisme="CAF")],
    )

    importer(path)
    sortie = importer(path)

    karim = DemandeurEmploi.objects.get(nir_hash=nir_hacher(NIR_KARIM, settings.NIR_PEPPER))
    assert karim.identifiant is None
    assert list(karim.droits.values_list("reference", flat=True)) == ["K1"]
    assert "Personnes créées : 0, modifiées : 0." in sortie


def test_a_line_by_nir_reaches_a_registered_person_with_an_identifiant(demandeur, tmp_path):
    jean = demandeur(identifiant="jean.are", nir=NIR_JEAN)

    importer(csv_ecrire(tmp_path / "nir.csv", [ligne(identifiant="", reference="J1")]))

    assert DemandeurEmploi.objects.count() == 1
    assert Droit.objects.get(reference="J1").demandeur_id == jean.pk


def test_an_identifiant_is_given_to_a_person_known_only_by_nir(demandeur, tmp_path):
    karim = demandeur(identifiant=None, nir=NIR_KARIM)

    sortie = importer(csv_ecrire(tmp_path / "id.csv", [ligne(identifiant="karim.rsa", nir=NIR_KARIM, reference="K2")]))

    karim.refresh_from_db()
    assert karim.identifiant == "karim.rsa"
    assert Droit.objects.get(reference="K2").demandeur_id == karim.pk
    assert "Personnes créées : 0, modifiées : 1." in sortie


def test_a_line_without_nir_keeps_the_registered_nir(fichier, tmp_path):
    importer(fichier)

    importer(csv_ecrire(tmp_path / "sans-nir.csv", [ligne(nir="", reference="R9")]))

    assert DemandeurEmploi.objects.get(identifiant="jean.are").nir_hash == nir_hacher(NIR_JEAN, settings.NIR_PEPPER)


def test_the_sex_is_read_from_the_nir(fichier):
    importer(fichier)

    assert dict(DemandeurEmploi.objects.values_list("identifiant", "sexe")) == {"jean.are": "M", "claire.asp": "F"}


def test_the_sex_column_tells_it_for_a_person_without_nir_and_a_later_line_without_it_keeps_it(tmp_path):
    importer(csv_ecrire(tmp_path / "avec.csv", [ligne(nir="", sexe="m", reference="S1")]))
    assert DemandeurEmploi.objects.get(identifiant="jean.are").sexe == "M"

    sortie = importer(csv_ecrire(tmp_path / "sans.csv", [ligne(nir="", reference="S2")]))

    assert DemandeurEmploi.objects.get(identifiant="jean.are").sexe == "M"
    assert "Personnes créées : 0, modifiées : 0." in sortie


def test_without_nir_a_sex_the_registry_read_from_the_nir_cannot_be_contradicted(fichier, tmp_path):
    importer(fichier)
    avant = registre()

    sortie = refuser(csv_ecrire(tmp_path / "contraire.csv", [ligne(nir="", sexe="F", reference="S3")]))

    assert "Ligne 2, colonne sexe : Le sexe contredit celui que le registre tient du NIR" in sortie
    assert "[sexe-incoherent]" in sortie
    assert registre() == avant
    assert "Personnes créées : 0" in importer(csv_ecrire(tmp_path / "accord.csv", [ligne(nir="", sexe="M")]))


def test_lines_of_one_person_without_nir_must_agree_on_the_sex(tmp_path):
    sans_nir = {"nir": "", "identifiant": "sans.nir"}
    path = csv_ecrire(
        tmp_path / "droits.csv",
        [ligne(reference="R1", sexe="M", **sans_nir), ligne(reference="R2", sexe="F", **sans_nir)],
    )

    assert "Ligne 3, colonne sexe : Même personne qu'à la ligne 2, autre sexe." in refuser(path)


def test_a_file_written_before_the_sex_column_still_imports(tmp_path):
    sans_sexe = tuple(colonne for colonne in COLONNES if colonne != "sexe")

    sortie = importer(csv_ecrire(tmp_path / "ancien.csv", [ligne(), claire(reference="R2")], entete=sans_sexe))

    assert "Lignes lues : 2, écrites : 2, rejetées : 0." in sortie
    assert DemandeurEmploi.objects.get(identifiant="claire.asp").sexe == "F"


def test_a_nir_registered_for_someone_else_is_refused(demandeur, tmp_path):
    demandeur(identifiant="jean.are", nir=NIR_JEAN)
    avant = registre()

    sortie = refuser(csv_ecrire(tmp_path / "vol.csv", [ligne(identifiant="autre.personne", reference="V1")]))

    assert "Ligne 2, colonne nir : Ce NIR est déjà enregistré pour un autre demandeur" in sortie
    assert "[nir-deja-attribue]" in sortie
    assert registre() == avant


# Every rule, each with its own test ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("valeurs", "colonne", "regle"),
    [
        ({"prestation": "APL"}, "prestation", "prestation-inconnue"),
        ({"organisme": "URSSAF"}, "organisme", "organisme-inconnu"),
        ({"organisme": "CAF"}, "organisme", "organisme-incompatible"),
        ({"date_fin": "2023-12-31"}, "date_fin", "fin-avant-debut"),
        ({"date_debut": "2024-02-30"}, "date_debut", "date-invalide"),
        ({"date_naissance": "12/05/1985"}, "date_naissance", "date-invalide"),
        ({"nir": NIR_JEAN[:13] + "00"}, "nir", "nir-cle"),
        ({"nir": "1850578"}, "nir", "nir-format"),
        ({"nom_naissance": ""}, "nom_naissance", "valeur-manquante"),
        ({"reference": "  "}, "reference", "valeur-manquante"),
        ({"identifiant": "", "nir": ""}, "identifiant", "identite-manquante"),
        ({"email": "jean-at-example.org"}, "email", "email-invalide"),
        ({"reference": "R" * (LONGUEURS_MAX["reference"] + 1)}, "reference", "valeur-trop-longue"),
        ({"sexe": "H"}, "sexe", "sexe-inconnu"),
        ({"sexe": "F"}, "sexe", "sexe-incoherent"),
    ],
)
def test_each_rule_refuses_the_line_and_names_it(tmp_path, valeurs, colonne, regle):
    path = csv_ecrire(tmp_path / "droits.csv", [ligne(reference="OK1"), ligne(**{"reference": "KO"} | valeurs)])

    sortie = refuser(path)

    assert f"Ligne 3, colonne {colonne} : " in sortie
    assert f"[{regle}]" in sortie
    assert "Ligne 2" not in sortie
    assert "1 ligne(s) invalide(s) sur 2 : rien n'a été importé" in sortie
    assert registre() == []


def test_a_duplicate_reference_names_the_earlier_line(tmp_path):
    path = csv_ecrire(
        tmp_path / "droits.csv",
        [ligne(reference="R1"), claire(reference="R2"), ligne(reference="R1", prestation="ASS")],
    )

    sortie = refuser(path)

    assert "Ligne 4, colonne reference : Référence déjà présente à la ligne 2. [reference-en-double]" in sortie
    assert "Ligne 2," not in sortie
    assert registre() == []


def test_a_reference_repeated_after_an_invalid_line_is_still_a_duplicate(tmp_path):
    path = csv_ecrire(tmp_path / "droits.csv", [ligne(reference="R1", prestation="APL"), ligne(reference="R1")])

    sortie = refuser(path)

    assert "Ligne 3, colonne reference : Référence déjà présente à la ligne 2." in sortie


@pytest.mark.parametrize(
    ("valeurs", "colonne"),
    [
        ({"nir": NIR_CLAIRE}, "nir"),
        ({"nom_naissance": "MARTINEZ"}, "nom_naissance"),
        ({"prenom": "Jeanne"}, "prenom"),
        ({"date_naissance": "1985-05-13"}, "date_naissance"),
        ({"email": "jean@example.org"}, "email"),
        ({"nir": "", "sexe": "M"}, "nir"),
    ],
)
def test_lines_of_one_person_must_agree(tmp_path, valeurs, colonne):
    path = csv_ecrire(
        tmp_path / "droits.csv", [ligne(reference="R1"), ligne(reference="R2"), ligne(reference="R3", **valeurs)]
    )

    sortie = refuser(path)

    assert f"Ligne 4, colonne {colonne} : Même personne qu'à la ligne 2" in sortie
    assert "[personne-incoherente]" in sortie
    assert "Ligne 3" not in sortie


def test_lines_of_one_person_known_by_nir_must_agree(tmp_path):
    par_nir = {"identifiant": "", "nir": NIR_KARIM, "prestation": "RSA", "organisme": "CAF"}
    path = csv_ecrire(
        tmp_path / "droits.csv", [ligne(reference="K1", **par_nir), ligne(reference="K2", **par_nir, prenom="Kamel")]
    )

    assert "Ligne 3, colonne prenom : Même personne qu'à la ligne 2" in refuser(path)


def test_one_nir_cannot_name_two_persons(tmp_path):
    path = csv_ecrire(
        tmp_path / "droits.csv",
        [ligne(reference="R1"), claire(reference="R2", nir=NIR_JEAN), ligne(reference="R3", identifiant="")],
    )

    sortie = refuser(path)

    assert "Ligne 3, colonne nir : Ce NIR désigne à la ligne 2 une autre personne" in sortie
    assert "Ligne 4, colonne nir : Ce NIR désigne à la ligne 2 une autre personne" in sortie


def test_a_csv_line_with_too_many_fields(tmp_path):
    path = csv_ecrire(tmp_path / "droits.csv", [ligne()])
    with path.open("a", encoding="utf-8") as fichier:
        fichier.write("claire.asp,,BERNARD,Claire,1990-06-03,,ASP,France Travail,2024-01-01,,R2,F,75056,en trop\n")

    sortie = refuser(path)

    assert "Ligne 3 : La ligne compte 14 champ(s), l'en-tête 13. [nombre-de-champs]" in sortie


def test_a_header_missing_a_column_is_one_error_and_nothing_is_read(tmp_path):
    sans_fin = tuple(colonne for colonne in COLONNES if colonne != "date_fin")
    path = csv_ecrire(tmp_path / "droits.csv", [ligne(prestation="APL")], entete=sans_fin)

    sortie = refuser(path)

    assert "En-tête invalide (colonnes manquantes : date_fin)" in sortie
    assert "Ligne" not in sortie
    assert registre() == []


def test_a_header_with_an_unknown_column_is_refused(tmp_path):
    path = csv_ecrire(tmp_path / "droits.csv", [ligne()], entete=(*COLONNES, "commentaire"))

    assert "colonnes inconnues : commentaire" in refuser(path)


def test_a_file_not_in_utf8_names_the_line(tmp_path):
    path = csv_ecrire(tmp_path / "droits.csv", [ligne(reference="R1"), claire(reference="R2")])
    path.write_bytes(
        path.read_bytes() + "hugo,,MICHEL,Hélène,1987-02-26,,ARE,France Travail,2024-01-01,,R3\n".encode("latin-1")
    )

    sortie = refuser(path, "--skip-invalid")

    assert "Ligne 4 : le fichier n'est pas encodé en UTF-8" in sortie
    assert registre() == []


def test_a_semicolon_separated_file_with_a_bom(tmp_path):
    path = tmp_path / "droits.csv"
    contenu = io.StringIO()
    writer = csv.DictWriter(contenu, fieldnames=COLONNES, delimiter=";")
    writer.writeheader()
    writer.writerow(ligne())
    path.write_text(contenu.getvalue(), encoding="utf-8-sig")

    importer(path)

    assert Droit.objects.get(reference="R1").organisme == "France Travail"


# JSON Lines -------------------------------------------------------------------------------------------------


def test_a_json_lines_file(tmp_path):
    path = jsonl_ecrire(
        tmp_path / "droits.jsonl",
        [ligne(date_fin=None), {k: v for k, v in claire(reference="R2").items() if k not in ("email", "date_fin")}],
    )

    sortie = importer(path)

    assert "Droits créés : 2, modifiés : 0, inchangés : 0, supprimés : 0." in sortie
    assert Droit.objects.get(reference="R1").date_fin is None


@pytest.mark.parametrize(("nom", "options"), [("droits.ndjson", ()), ("droits.txt", ("--format", "jsonl"))])
def test_the_format_comes_from_the_extension_or_the_option(tmp_path, nom, options):
    importer(jsonl_ecrire(tmp_path / nom, [ligne()]), *options)

    assert Droit.objects.filter(reference="R1").exists()


def test_an_unknown_extension_without_format_is_refused(tmp_path):
    assert "Format inconnu" in refuser(jsonl_ecrire(tmp_path / "droits.txt", [ligne()]))


def test_an_invalid_json_line(tmp_path):
    path = jsonl_ecrire(tmp_path / "droits.jsonl", [ligne(), '{"reference": "R2",', "", '["R3"]'])

    sortie = refuser(path)

    assert "Ligne 2 : La ligne n'est pas du JSON valide. [json-invalide]" in sortie
    assert "Ligne 4 : La ligne doit être un objet JSON. [json-invalide]" in sortie


def test_a_json_value_must_be_a_string_and_a_key_known(tmp_path):
    path = jsonl_ecrire(tmp_path / "droits.jsonl", [ligne() | {"nir": 185057800608491, "commentaire": "x"}])

    sortie = refuser(path)

    assert "Ligne 1, colonne nir : La valeur doit être une chaîne de caractères ou null. [type-invalide]" in sortie
    assert "Ligne 1, colonne commentaire : Colonne inconnue. [colonne-inconnue]" in sortie


# All or nothing, or --skip-invalid -----------------------------------------------------------------------


def test_one_bad_line_leaves_the_registry_unchanged(fichier, tmp_path):
    importer(fichier)
    avant = registre()
    path = csv_ecrire(
        tmp_path / "suite.csv",
        [ligne(reference="R1", date_fin="2024-12-31"), claire(reference="R4"), ligne(reference="R5", prestation="X")],
    )

    refuser(path)

    assert registre() == avant


def test_skip_invalid_writes_the_valid_lines_and_the_rejects(tmp_path):
    path = csv_ecrire(
        tmp_path / "droits.csv",
        [
            ligne(reference="R1"),
            ligne(reference="R2", prestation="APL", date_fin="2020-01-01"),
            claire(reference="R3"),
            claire(reference="R1"),
        ],
    )

    sortie = importer(path, "--skip-invalid")

    assert "Lignes lues : 4, écrites : 2, rejetées : 2." in sortie
    assert f"Fichier des rejets : {tmp_path / 'droits.rejets.csv'}" in sortie
    assert sorted(Droit.objects.values_list("reference", "demandeur__identifiant")) == [
        ("R1", "jean.are"),
        ("R3", "claire.asp"),
    ]
    with (tmp_path / "droits.rejets.csv").open(encoding="utf-8", newline="") as rejets:
        lignes = list(csv.reader(rejets))
    assert lignes[0] == ["ligne", "erreurs", *COLONNES]
    assert [row[0] for row in lignes[1:]] == ["3", "5"]
    assert lignes[1][2:] == list(ligne(reference="R2", prestation="APL", date_fin="2020-01-01").values())
    assert "prestation : Valeur inconnue" in lignes[1][1]
    assert (
        "[prestation-inconnue] | date_fin : La date de fin précède la date de début. [fin-avant-debut]" in lignes[1][1]
    )
    assert lignes[2][1] == "reference : Référence déjà présente à la ligne 2. [reference-en-double]"
    assert (tmp_path / "droits.rejets.csv").stat().st_mode & 0o077 == 0


def test_skip_invalid_with_json_lines_and_a_rejects_path(tmp_path):
    path = jsonl_ecrire(tmp_path / "droits.jsonl", [ligne(), "pas du json", ligne(reference="R2", date_debut="hier")])
    rejets = tmp_path / "rejets" / "sortie.jsonl"
    rejets.parent.mkdir()

    sortie = importer(path, "--skip-invalid", "--rejects", str(rejets))

    assert "Lignes lues : 3, écrites : 1, rejetées : 2." in sortie
    lues = [json.loads(texte) for texte in rejets.read_text(encoding="utf-8").splitlines()]
    assert lues == [
        {
            "ligne": 2,
            "erreurs": [{"colonne": "", "regle": "json-invalide", "message": "La ligne n'est pas du JSON valide."}],
            "donnees": "pas du json",
        },
        {
            "ligne": 3,
            "erreurs": [
                {
                    "colonne": "date_debut",
                    "regle": "date-invalide",
                    "message": "Date invalide : format attendu AAAA-MM-JJ.",
                }
            ],
            "donnees": ligne(reference="R2", date_debut="hier"),
        },
    ]


def test_skip_invalid_refuses_to_overwrite_the_imported_file(fichier):
    assert "ne peut pas être le fichier importé" in refuser(fichier, "--skip-invalid", "--rejects", str(fichier))


def test_the_printed_errors_are_capped(tmp_path, monkeypatch):
    monkeypatch.setattr("indemnites.droits.services.importation.ERREURS_RAPPORTEES", 5)
    monkeypatch.setattr("indemnites.droits.management.commands.droits_import.ERREURS_RAPPORTEES", 5)
    path = csv_ecrire(tmp_path / "droits.csv", [ligne(reference=f"R{rang}", prestation="X") for rang in range(8)])

    sortie = refuser(path)

    assert sortie.count("[prestation-inconnue]") == 5
    assert "… et 3 autre(s) erreur(s)." in sortie
    assert "8 ligne(s) invalide(s) sur 8" in sortie


def test_no_nir_is_ever_printed(tmp_path):
    nir_faux = NIR_JEAN[:13] + "00"
    path = csv_ecrire(
        tmp_path / "droits.csv",
        [ligne(reference="R1", nir=nir_faux), claire(reference="R2", prestation=NIR_CLAIRE), ligne(reference="R3")],
    )

    sortie = refuser(path)

    for nir in (nir_faux, NIR_CLAIRE, NIR_JEAN):
        assert nir not in sortie
        assert nir[:13] not in sortie


def test_the_import_limits_match_the_models():
    for colonne, maximum in LONGUEURS_MAX.items():
        model = Droit if colonne == "reference" else DemandeurEmploi
        assert model._meta.get_field(colonne).max_length == maximum


def test_a_file_without_header_prints_no_personal_data(tmp_path):
    path = tmp_path / "droits.csv"
    path.write_text(",".join(ligne().values()) + "\n", encoding="utf-8")

    sortie = refuser(path)

    assert "En-tête invalide" in sortie
    assert "inconnues : n°1, n°2, n°3, n°4, n°5" in sortie
    for valeur in (NIR_JEAN, "jean.are", "MARTIN", "Jean", "1985-05-12"):
        assert valeur not in sortie


def test_an_empty_csv_file_is_refused(tmp_path):
    path = tmp_path / "droits.csv"
    path.write_text("", encoding="utf-8")

    assert "Le fichier CSV est vide" in refuser(path)


def test_an_empty_json_lines_file_imports_nothing(tmp_path):
    path = tmp_path / "droits.jsonl"
    path.write_text("\n", encoding="utf-8")

    assert "Lignes lues : 0, écrites : 0, rejetées : 0." in importer(path)


@pytest.mark.parametrize(("langage", "extension"), [("csv", "csv"), ("json", "jsonl")])
def test_the_documented_examples_import(tmp_path, langage, extension):
    documentation = (Path(settings.BASE_DIR) / "docs" / "import.md").read_text(encoding="utf-8")
    exemples = [bloc.split("```", 1)[0] for bloc in documentation.split(f"```{langage}\n")[1:]]
    path = tmp_path / f"exemple.{extension}"
    path.write_text(next(exemple for exemple in exemples if "supprimer" not in exemple), encoding="utf-8")

    sortie = importer(path)

    assert "Personnes créées : 2, modifiées : 0." in sortie
    assert Droit.objects.filter(reference="CAF-75-889120", demandeur__identifiant=None).exists()
    for suppression in (exemple for exemple in exemples if "supprimer" in exemple):
        path.write_text(suppression, encoding="utf-8")
        assert "supprimés : 1." in importer(path)
        assert not Droit.objects.filter(reference="FT-2022-004512").exists()


def test_skip_invalid_rejects_the_lines_of_a_nir_registered_for_someone_else(demandeur, tmp_path):
    demandeur(identifiant="jean.are", nir=NIR_JEAN)
    path = csv_ecrire(
        tmp_path / "droits.csv",
        [ligne(identifiant="autre", reference="V1"), ligne(identifiant="autre", reference="V2"), claire()],
    )

    sortie = importer(path, "--skip-invalid")

    assert "Lignes lues : 3, écrites : 1, rejetées : 2." in sortie
    assert list(Droit.objects.values_list("reference", flat=True)) == ["R1"]
    assert not DemandeurEmploi.objects.filter(identifiant="autre").exists()


def test_an_identifiant_is_not_given_when_someone_else_holds_it(demandeur, tmp_path):
    demandeur(identifiant="jean.are", nir=NIR_CLAIRE)
    karim = demandeur(identifiant=None, nir=NIR_KARIM)

    sortie = refuser(csv_ecrire(tmp_path / "droits.csv", [ligne(nir=NIR_KARIM)]))

    assert "[nir-deja-attribue]" in sortie
    karim.refresh_from_db()
    assert karim.identifiant is None


def test_a_malformed_csv_quote_names_its_line(tmp_path):
    path = csv_ecrire(tmp_path / "droits.csv", [ligne()])
    with path.open("a", encoding="utf-8") as fichier:
        fichier.write('claire.asp,,"BERNARD"X,Claire,1990-06-03,,ASP,France Travail,2024-01-01,,R2\n')

    assert "Ligne 3 : CSV mal formé" in refuser(path, "--skip-invalid")
    assert registre() == []
