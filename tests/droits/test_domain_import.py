"""Pure rules of the import: what one line must be on its own, and the messages of the rules across lines."""

from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from indemnites.droits.domain import (
    COLONNES_FACULTATIVES,
    COLONNES_IMPORT,
    COLONNES_PERSONNE,
    LONGUEURS_MAX,
    ORGANISMES_PAR_PRESTATION,
    Anomalie,
    LigneDroit,
    Organisme,
    Prestation,
    Sexe,
    champs_csv_lire,
    entete_anomalie,
    ligne_droit_lire,
    nir_cle,
    nir_hacher,
    nir_hacheur,
    nom_affichable,
    objet_json_lire,
    personne_ecarts,
    reference_en_double,
    sexe_du_nir,
)

dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
texte = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp")), min_size=1, max_size=40
)


@st.composite
def nirs13(draw: st.DrawFn) -> str:
    departement = draw(st.sampled_from([f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"]))
    return (
        draw(st.sampled_from("123478"))
        + draw(st.from_regex(r"[0-9]{2}", fullmatch=True))
        + draw(st.from_regex(r"0[1-9]|1[0-2]", fullmatch=True))
        + departement
        + draw(st.from_regex(r"[0-9]{6}", fullmatch=True))
    )


def nir_complet(nir13: str) -> str:
    return f"{nir13}{nir_cle(nir13):02d}"


@st.composite
def lignes_valides(draw: st.DrawFn) -> dict[str, str]:
    """Raw strings as a file gives them, built from values that follow every rule."""
    prestation = draw(st.sampled_from(list(Prestation)))
    debut = draw(dates)
    fin = draw(st.none() | st.integers(0, 5000).map(lambda jours: debut + timedelta(days=jours)))
    identifiant = draw(st.none() | texte)
    nir = draw(st.none() | nirs13().map(nir_complet)) if identifiant else nir_complet(draw(nirs13()))
    sexes = ["", sexe_du_nir(nir).value.lower(), sexe_du_nir(nir).value] if nir else ["", "M", "F", "m", "f"]
    return {
        "identifiant": identifiant or "",
        "nir": nir or "",
        "nom_naissance": draw(texte),
        "prenom": draw(texte),
        "date_naissance": draw(dates).isoformat(),
        "email": draw(st.sampled_from(["", "jean.martin@example.org", "a@b.fr"])),
        "prestation": prestation.value,
        "organisme": draw(st.sampled_from(sorted(ORGANISMES_PAR_PRESTATION[prestation]))).value,
        "date_debut": debut.isoformat(),
        "date_fin": fin.isoformat() if fin else "",
        "reference": draw(texte),
        "sexe": draw(st.sampled_from(sexes)),
    }


def regles(resultat: LigneDroit | list[Anomalie]) -> set[tuple[str, str]]:
    assert isinstance(resultat, list), resultat
    return {(anomalie.colonne, anomalie.regle) for anomalie in resultat}


@given(lignes_valides())
def test_any_line_built_from_valid_values_is_read_back(valeurs):
    resultat = ligne_droit_lire(valeurs)

    assert isinstance(resultat, LigneDroit)
    assert resultat.identifiant == (valeurs["identifiant"] or None)
    assert resultat.nir == (valeurs["nir"] or None)
    assert resultat.prestation == valeurs["prestation"]
    assert resultat.organisme == valeurs["organisme"]
    assert resultat.date_debut.isoformat() == valeurs["date_debut"]
    assert (resultat.date_fin.isoformat() if resultat.date_fin else "") == valeurs["date_fin"]
    assert resultat.reference == valeurs["reference"]
    du_nir = sexe_du_nir(resultat.nir) if resultat.nir else None
    assert resultat.sexe == (Sexe(valeurs["sexe"].upper()) if valeurs["sexe"] else du_nir)


@pytest.mark.parametrize(
    ("premier_chiffre", "sexe"),
    [
        ("1", Sexe.MASCULIN),
        ("2", Sexe.FEMININ),
        ("3", Sexe.MASCULIN),
        ("4", Sexe.FEMININ),
        ("7", Sexe.MASCULIN),
        ("8", Sexe.FEMININ),
    ],
)
def test_the_nir_first_digit_tells_the_sex(premier_chiffre, sexe):
    assert sexe_du_nir(f"{premier_chiffre}850578006084") == sexe


@given(lignes_valides())
def test_without_a_sex_column_the_nir_tells_it(valeurs):
    resultat = ligne_droit_lire(valeurs | {"sexe": ""})

    assert isinstance(resultat, LigneDroit)
    assert resultat.sexe == (sexe_du_nir(resultat.nir) if resultat.nir else None)


@given(lignes_valides(), nirs13())
def test_a_sex_the_nir_contradicts_is_refused(valeurs, nir13):
    contraire = Sexe.FEMININ if sexe_du_nir(nir13) == Sexe.MASCULIN else Sexe.MASCULIN

    resultat = ligne_droit_lire(valeurs | {"nir": nir_complet(nir13), "sexe": contraire.value})

    assert regles(resultat) == {("sexe", "sexe-incoherent")}


@pytest.mark.parametrize("brut", ["H", "X", "homme", "1", "Mme", "M."])
def test_an_unknown_sex_is_refused(brut):
    assert regles(ligne_droit_lire(valeurs_minimales() | {"sexe": brut})) == {("sexe", "sexe-inconnu")}


@given(lignes_valides())
def test_surrounding_spaces_are_ignored(valeurs):
    assert ligne_droit_lire({colonne: f"  {valeur}\t" for colonne, valeur in valeurs.items()}) == ligne_droit_lire(
        valeurs
    )


@given(lignes_valides(), nirs13(), st.integers(0, 99))
def test_a_nir_with_any_other_key_is_refused(valeurs, nir13, cle):
    assume(cle != nir_cle(nir13))

    resultat = ligne_droit_lire(valeurs | {"nir": f"{nir13}{cle:02d}"})

    assert regles(resultat) == {("nir", "nir-cle")}
    assert all(nir13 not in anomalie.message for anomalie in resultat)


@given(nirs13())
def test_a_nir_may_be_written_with_spaces(nir13):
    nir = nir_complet(nir13)
    espace = f"{nir[0]} {nir[1:3]} {nir[3:5]} {nir[5:7]} {nir[7:10]} {nir[10:13]} {nir[13:]}"

    resultat = ligne_droit_lire({"identifiant": "x", **valeurs_minimales(), "nir": espace})

    assert isinstance(resultat, LigneDroit)
    assert resultat.nir == nir


@given(nirs13())
def test_the_fast_hasher_gives_the_registry_hash(nir13):
    nir = nir_complet(nir13)

    assert nir_hacheur("un-poivre")(nir) == nir_hacher(nir, "un-poivre")


@given(lignes_valides(), st.integers(1, 3650))
def test_an_end_before_the_start_is_refused(valeurs, jours):
    debut = date.fromisoformat(valeurs["date_debut"])
    assume(debut > date(1900, 1, 1) + timedelta(days=jours))

    resultat = ligne_droit_lire(valeurs | {"date_fin": (debut - timedelta(days=jours)).isoformat()})

    assert regles(resultat) == {("date_fin", "fin-avant-debut")}


@given(lignes_valides(), st.sampled_from(list(Organisme)))
def test_an_organisme_that_does_not_pay_the_prestation_is_refused(valeurs, organisme):
    assume(organisme not in ORGANISMES_PAR_PRESTATION[Prestation(valeurs["prestation"])])

    assert regles(ligne_droit_lire(valeurs | {"organisme": organisme.value})) == {
        ("organisme", "organisme-incompatible")
    }


@given(lignes_valides(), texte)
def test_an_unknown_prestation_is_refused(valeurs, prestation):
    assume(prestation not in {p.value for p in Prestation})

    assert regles(ligne_droit_lire(valeurs | {"prestation": prestation})) == {("prestation", "prestation-inconnue")}


@given(lignes_valides(), st.sampled_from(["date_naissance", "date_debut", "date_fin"]), texte)
def test_a_date_not_written_aaaa_mm_jj_is_refused(valeurs, colonne, brut):
    assume(not _date_iso(brut.strip()))

    assert (colonne, "date-invalide") in regles(ligne_droit_lire(valeurs | {colonne: brut}))


def _date_iso(brut: str) -> bool:
    try:
        return len(brut) == 10 and date.fromisoformat(brut).isoformat() == brut
    except ValueError:
        return False


@pytest.mark.parametrize("brut", ["2024-02-30", "2024-13-01", "20240101", "2024-W01-1", "01/02/2024"])
def test_impossible_or_other_date_formats_are_refused(brut):
    assert regles(ligne_droit_lire(valeurs_minimales() | {"date_debut": brut})) == {("date_debut", "date-invalide")}


@pytest.mark.parametrize(
    "colonne", ["nom_naissance", "prenom", "date_naissance", "prestation", "organisme", "date_debut"]
)
def test_a_missing_value_is_refused_once(colonne):
    assert regles(ligne_droit_lire(valeurs_minimales() | {colonne: " "})) == {(colonne, "valeur-manquante")}


def test_a_line_needs_an_identifiant_or_a_nir():
    resultat = ligne_droit_lire(valeurs_minimales() | {"identifiant": "", "nir": ""})

    assert regles(resultat) == {("identifiant", "identite-manquante")}


@pytest.mark.parametrize(("colonne", "maximum"), LONGUEURS_MAX.items())
def test_values_longer_than_the_registry_keeps_are_refused(colonne, maximum):
    valeur = "a@b.fr" + "x" * maximum if colonne == "email" else "x" * (maximum + 1)

    assert regles(ligne_droit_lire(valeurs_minimales() | {colonne: valeur})) == {(colonne, "valeur-trop-longue")}


def valeurs_minimales() -> dict[str, str]:
    return {
        "identifiant": "jean.are",
        "nom_naissance": "MARTIN",
        "prenom": "Jean",
        "date_naissance": "1985-05-12",
        "prestation": "ARE",
        "organisme": "France Travail",
        "date_debut": "2024-01-01",
        "reference": "R1",
    }


@given(st.permutations(COLONNES_IMPORT))
def test_a_header_may_list_the_columns_in_any_order(entete):
    assert entete_anomalie(entete) is None


@given(st.sampled_from(COLONNES_FACULTATIVES), st.permutations(COLONNES_IMPORT))
def test_a_header_may_leave_out_an_optional_column(facultative, entete):
    assert entete_anomalie([colonne for colonne in entete if colonne != facultative]) is None


@given(
    st.sampled_from([c for c in COLONNES_IMPORT if c not in COLONNES_FACULTATIVES]), st.permutations(COLONNES_IMPORT)
)
def test_a_header_missing_a_column_names_it(manquante, entete):
    message = entete_anomalie([colonne for colonne in entete if colonne != manquante])

    assert message is not None
    assert f"manquantes : {manquante})" in message


def test_a_csv_record_must_have_as_many_fields_as_the_header():
    assert champs_csv_lire(["a", "b"], ["1", "2"]) == {"a": "1", "b": "2"}
    assert champs_csv_lire(["a", "b"], ["1"]) == [
        Anomalie("", "nombre-de-champs", "La ligne compte 1 champ(s), l'en-tête 2.")
    ]


@pytest.mark.parametrize("texte_json", ["", "{", "[]", '"R1"', "null", "12"])
def test_a_json_line_must_be_an_object(texte_json):
    assert regles(objet_json_lire(texte_json)) == {("", "json-invalide")}


def test_json_nulls_are_empty_values_and_other_types_are_refused():
    assert objet_json_lire('{"date_fin": null, "reference": "R1"}') == {"date_fin": "", "reference": "R1"}
    assert regles(objet_json_lire('{"nir": 185057800608491, "date_fin": false, "x": "1"}')) == {
        ("nir", "type-invalide"),
        ("date_fin", "type-invalide"),
        ("x", "colonne-inconnue"),
    }


def test_a_duplicate_reference_names_the_first_line():
    assert reference_en_double(12).message == "Référence déjà présente à la ligne 12."


def test_person_differences_are_reported_column_by_column():
    premiere = dict.fromkeys(COLONNES_PERSONNE, "a")

    ecarts = personne_ecarts(premiere, premiere | {"prenom": "b", "nir": "c"}, 7)

    assert [(anomalie.colonne, anomalie.regle) for anomalie in ecarts] == [
        ("nir", "personne-incoherente"),
        ("prenom", "personne-incoherente"),
    ]
    assert ecarts[0].message == "Même personne qu'à la ligne 7, autre NIR."
    assert personne_ecarts(premiere, dict(premiere), 7) == []


@pytest.mark.parametrize(
    ("colonne", "affiche"),
    [
        ("commentaire", "commentaire"),
        ("date_fn", "date_fn"),
        ("185057800608491", "n°3"),
        ("MARTIN", "n°3"),
        ("", "n°3"),
    ],
)
def test_an_unknown_column_is_named_only_when_it_cannot_be_personal_data(colonne, affiche):
    assert nom_affichable(colonne, 3) == affiche
