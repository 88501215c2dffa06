"""Pure rules of the registry: what a right means at a date, what a valid NIR is, how far back one may ask."""

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from indemnites.droits.domain import (
    ASSURANCE_CHOMAGE,
    SOLIDARITE,
    Periode,
    Prestation,
    date_reference_erreur,
    droit_ouvert,
    indemnisation_calculer,
    mois_avant,
    nir_cle,
    nir_hacher,
    nir_valide,
)

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))
prestations = st.sampled_from(list(Prestation))


@st.composite
def periodes(draw: st.DrawFn) -> Periode:
    debut = draw(dates)
    fin = draw(st.none() | st.dates(min_value=debut, max_value=date(2041, 12, 31)))
    return Periode(draw(prestations), debut, fin)


# --- droit_ouvert / indemnisation_calculer --------------------------------------------------------


@given(periodes(), dates)
def test_right_counts_iff_started_and_not_ended(periode, jour):
    attendu = periode.date_debut <= jour and (periode.date_fin is None or jour <= periode.date_fin)

    assert droit_ouvert(periode, jour) is attendu


@given(st.lists(periodes(), max_size=6), dates)
def test_each_boolean_is_true_iff_an_open_right_of_its_family_exists(liste, jour):
    ouvertes = {p.prestation for p in liste if droit_ouvert(p, jour)}

    resultat = indemnisation_calculer(liste, jour)

    assert resultat.beneficiairePrestationSolidarite is bool(ouvertes & {"ASS", "AAH", "RSA", "AER"})
    assert resultat.beneficiaireAssuranceChomage is bool(ouvertes & {"ARE", "ASP"})


@given(st.lists(periodes(), max_size=5), periodes(), dates)
def test_adding_a_right_never_turns_a_true_into_false(liste, ajout, jour):
    avant = indemnisation_calculer(liste, jour)
    apres = indemnisation_calculer([*liste, ajout], jour)

    assert apres.beneficiairePrestationSolidarite >= avant.beneficiairePrestationSolidarite
    assert apres.beneficiaireAssuranceChomage >= avant.beneficiaireAssuranceChomage


def test_benefit_families_are_the_legal_ones():
    assert {p.value for p in SOLIDARITE} == {"ASS", "AAH", "RSA", "AER"}
    assert {p.value for p in ASSURANCE_CHOMAGE} == {"ARE", "ASP"}


@pytest.mark.parametrize("prestation", ["ASS", "AAH", "RSA", "AER"])
def test_solidarity_benefits_never_set_unemployment_insurance(prestation):
    resultat = indemnisation_calculer([Periode(prestation, date(2024, 1, 1), None)], date(2024, 6, 1))

    assert (resultat.beneficiairePrestationSolidarite, resultat.beneficiaireAssuranceChomage) == (True, False)


@pytest.mark.parametrize("prestation", ["ARE", "ASP"])
def test_insurance_benefits_never_set_solidarity(prestation):
    resultat = indemnisation_calculer([Periode(prestation, date(2024, 1, 1), None)], date(2024, 6, 1))

    assert (resultat.beneficiairePrestationSolidarite, resultat.beneficiaireAssuranceChomage) == (False, True)


def test_no_right_means_two_false():
    resultat = indemnisation_calculer([], date(2024, 6, 1))

    assert (resultat.beneficiairePrestationSolidarite, resultat.beneficiaireAssuranceChomage) == (False, False)


# --- NIR ----------------------------------------------------------------------------------------


@st.composite
def nirs13(draw: st.DrawFn) -> str:
    sexe = draw(st.sampled_from("123478"))
    annee = draw(st.integers(0, 99))
    mois = draw(st.integers(1, 99))
    departement = draw(st.sampled_from(["2A", "2B"]) | st.integers(0, 99).map(lambda n: f"{n:02d}"))
    commune_ordre = draw(st.integers(0, 999_999))
    return f"{sexe}{annee:02d}{mois:02d}{departement}{commune_ordre:06d}"


def cle_attendue(nir13: str) -> int:
    """Computed independently: Corsica counts 2A as 19 and 2B as 18 in the 13-digit number."""
    corse = {"2A": "19", "2B": "18"}
    numero = nir13[:5] + corse.get(nir13[5:7], nir13[5:7]) + nir13[7:]
    return 97 - int(numero) % 97


@given(nirs13())
def test_every_nir_body_with_its_key_is_valid(nir13):
    cle = nir_cle(nir13)

    assert cle == cle_attendue(nir13)
    assert 1 <= cle <= 97
    assert nir_valide(f"{nir13}{cle:02d}")


@given(nirs13(), st.integers(0, 99))
def test_every_other_key_is_refused(nir13, cle):
    assume(cle != nir_cle(nir13))

    assert not nir_valide(f"{nir13}{cle:02d}")


@pytest.mark.parametrize(
    "nir",
    [
        "18505780060849",  # 14 characters
        "1850578006084911",  # 16 characters
        "585057800608491",  # sex digit 5
        "1850578006084AB",  # letters in the key
        "185052C00608491",  # department 2C
        "185057800608491\n",  # trailing newline
        "185057800608491 ",
    ],
)
def test_malformed_nir_is_refused(nir):
    assert not nir_valide(nir)


def test_known_nir_is_valid():
    assert nir_valide("185057800608491")
    assert nir_valide("269022A00401277")


def test_nir_hash_is_keyed_and_ignores_formatting():
    assert nir_hacher("1 85 05 78 006 084 91", "poivre") == nir_hacher("185057800608491", "poivre")
    assert nir_hacher("185057800608491", "poivre") != nir_hacher("185057800608491", "autre-poivre")
    assert "1850578006084" not in nir_hacher("185057800608491", "poivre")


# --- mois_avant / date_reference_erreur -----------------------------------------------------------


@given(st.dates(min_value=date(1900, 1, 1)), st.integers(0, 120))
def test_months_before_lands_in_the_right_month_on_the_same_or_last_day(jour, mois):
    resultat = mois_avant(jour, mois)

    assert (jour.year * 12 + jour.month) - (resultat.year * 12 + resultat.month) == mois
    dernier = calendar.monthrange(resultat.year, resultat.month)[1]
    assert resultat.day == min(jour.day, dernier)


def test_months_before_clamps_to_the_end_of_february():
    assert mois_avant(date(2024, 3, 31), 1) == date(2024, 2, 29)
    assert mois_avant(date(2026, 2, 28), 24) == date(2024, 2, 28)


@given(dates, st.integers(1, 36), st.integers(-2000, 2000))
def test_date_reference_is_refused_iff_future_or_too_old(aujourdhui, max_mois, decalage):
    reference = aujourdhui + timedelta(days=decalage)

    erreur = date_reference_erreur(reference, aujourdhui, max_mois)

    assert (erreur is None) is (mois_avant(aujourdhui, max_mois) <= reference <= aujourdhui)


def test_date_reference_errors_say_why():
    aujourdhui = date(2026, 6, 15)

    assert "futur" in date_reference_erreur(date(2026, 6, 16), aujourdhui, 24)
    assert "24 mois" in date_reference_erreur(date(2024, 6, 14), aujourdhui, 24)
    assert date_reference_erreur(date(2024, 6, 15), aujourdhui, 24) is None
