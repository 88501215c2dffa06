"""SIRET: 14 digits with a Luhn key, or La Poste's digit-sum rule for its establishments."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indemnites.core.domain import LA_POSTE_HEAD_OFFICE, LA_POSTE_SIREN, siret_valide

DIGITS = "0123456789"


def luhn_cle(corps13: str) -> str:
    """The 14th digit making the Luhn sum a multiple of 10 (computed independently of the code)."""
    total = 0
    for position, char in enumerate(reversed(corps13), start=1):
        value = int(char) * (2 if position % 2 == 1 else 1)
        total += value // 10 + value % 10
    return str((10 - total % 10) % 10)


corps13 = st.text(DIGITS, min_size=13, max_size=13).filter(lambda body: not body.startswith(LA_POSTE_SIREN))
sirets_valides = corps13.map(lambda body: body + luhn_cle(body))


@given(sirets_valides)
def test_every_siret_with_its_luhn_key_is_valid(siret):
    assert siret_valide(siret)


@given(sirets_valides, st.integers(0, 13), st.integers(1, 9))
def test_any_single_digit_change_is_refused(siret, position, delta):
    chiffre = str((int(siret[position]) + delta) % 10)

    assert not siret_valide(siret[:position] + chiffre + siret[position + 1 :])


@given(st.text(max_size=20).filter(lambda text: not (len(text) == 14 and text.isascii() and text.isdigit())))
def test_anything_but_14_ascii_digits_is_refused_without_error(text):
    assert siret_valide(text) is False


@pytest.mark.parametrize("siret", ["13002526500013\n", "١٣٠٠٢٥٢٦٥٠٠٠١٣", " 13002526500013", "1300252650001 3"])
def test_lookalikes_of_a_valid_siret_are_refused(siret):
    assert siret_valide(siret) is False


@pytest.mark.parametrize("siret", ["13002526500013", "21750001600019", LA_POSTE_HEAD_OFFICE])
def test_known_sirets_are_valid(siret):
    assert siret_valide(siret)


@given(st.text(DIGITS, min_size=5, max_size=5))
def test_la_poste_establishments_follow_the_digit_sum_rule(nic):
    siret = LA_POSTE_SIREN + nic

    if siret != LA_POSTE_HEAD_OFFICE:
        assert siret_valide(siret) is (sum(map(int, siret)) % 5 == 0)


def test_a_la_poste_establishment_valid_only_by_digit_sum_is_accepted():
    siret = "35600000000010"  # digit sum 15, Luhn sum not a multiple of 10

    assert siret_valide(siret)
    assert luhn_cle(siret[:13]) != siret[13]
