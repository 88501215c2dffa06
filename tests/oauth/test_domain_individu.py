"""Pure rules of the connected mode (oauth/domain.py)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indemnites.oauth.domain import (
    CHAMPS,
    SCOPES_INDIVIDU,
    claims_filtrer,
    code_empreinte,
    description_oauth,
    donnees_demandees,
    identite_claims,
    pkce_erreur,
    realm_erreur,
)

# RFC 6749 §5.2: error_description characters are %x20-21 / %x23-5B / %x5D-7E.
AUTORISES = {chr(code) for code in range(0x20, 0x7F)} - {'"', "\\"}


@given(st.text())
def test_oauth_descriptions_stay_within_the_characters_rfc_6749_allows(texte):
    assert set(description_oauth(texte)) <= AUTORISES


def test_oauth_descriptions_keep_french_words_readable():
    assert description_oauth("Paramètre « realm » absent ou inconnu.") == "Parametre ' realm ' absent ou inconnu."


@pytest.mark.parametrize(
    ("challenge", "methode", "refuse"),
    [("abc", "S256", False), ("abc", "plain", True), ("abc", None, True), ("abc", "s256", True), (None, None, False)],
)
def test_only_s256_is_accepted(challenge, methode, refuse):
    assert (pkce_erreur(challenge, methode) is not None) is refuse


@pytest.mark.parametrize(
    ("realm", "grant", "accepte"),
    [
        ("/individu", "authorization_code", True),
        ("/individu", "refresh_token", True),
        ("/individu", "client_credentials", False),
        ("/partenaire", "authorization_code", False),
        ("/partenaire", "client_credentials", True),
        (None, "authorization_code", False),
        ("individu", "authorization_code", False),
    ],
)
def test_realm_decides_the_grants(realm, grant, accepte):
    assert (realm_erreur(realm, grant) is None) is accepte


@given(st.sets(st.sampled_from(SCOPES_INDIVIDU)), st.sets(st.sampled_from(CHAMPS)))
def test_data_listed_for_consent_are_exactly_what_the_scopes_and_grant_release(scopes, champs):
    donnees = donnees_demandees(scopes, champs)

    assert ("sub" in donnees) is bool(scopes & {"openid", "api_peconnect-individuv1"})
    assert ("email" in donnees) is ("email" in scopes)
    assert ("given_name" in donnees) is ("gender" in donnees) is ("profile" in scopes)
    indemnisation = {"api_peconnect-indemnisationsv1", "indemnisation"} <= scopes
    assert {d for d in donnees if d in CHAMPS} == (set(champs) if indemnisation else set())


def test_userinfo_keeps_only_the_claims_the_scopes_allow_and_no_empty_one():
    claims = identite_claims(pseudonyme="p", prenom="Jean", nom="MARTIN", email="", sexe="M")

    assert claims_filtrer(claims, {"openid", "profile", "email"}) == {
        "sub": "p",
        "given_name": "Jean",
        "family_name": "MARTIN",
        "gender": "male",
    }
    assert "gender" not in claims_filtrer({**claims, "gender": ""}, {"openid", "profile"})
    assert claims_filtrer(claims, {"api_peconnect-indemnisationsv1", "indemnisation"}) == {}


def test_code_digest_is_stable_and_never_the_code():
    assert code_empreinte("abc") == code_empreinte("abc") != "abc"
    assert len(code_empreinte("abc")) == 64
