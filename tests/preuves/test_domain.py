"""The proofs' rules without a database: canonical identities, the salted binding, key retention, and a
verification that accepts only an ES256 signature by a published key."""

import base64
import calendar
import json
from datetime import UTC, date, datetime

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from hypothesis import given
from hypothesis import strategies as st
from joserfc import jwt
from joserfc.jwk import ECKey, OctKey

from indemnites.preuves import domain

CLE = ECKey.generate_key("P-256")
JWKS = {"keys": [domain.jwk_publique(CLE)]}
REPONSE = domain.Reponse(
    emetteur="https://api.example",
    request_id="rid",
    client_id="client",
    destinataire="13002526500013",
    date_reference=date(2026, 12, 1),
    donnees={"beneficiaireAssuranceChomage": True},
    empreinte_identite="e" * 64,
)
identifiants = st.from_regex(r"[A-Za-z0-9._@-]{1,64}", fullmatch=True)


def pem(cle: object) -> str:
    return cle.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@given(identifiants, identifiants)
def test_distinct_identities_have_distinct_salted_hashes(a, b):
    sel = domain.sel_generer()
    memes = domain.identite_empreinte(sel, f"identifiant:{a}") == domain.identite_empreinte(sel, f"identifiant:{b}")

    assert memes == (a == b)


@given(identifiants)
def test_the_same_identity_with_another_salt_hashes_differently(identifiant):
    identite = domain.identite_canonique(identifiant=identifiant)

    assert domain.identite_empreinte(domain.sel_generer(), identite) != domain.identite_empreinte(
        domain.sel_generer(), identite
    )


def test_salt_is_128_random_bits_in_hex():
    assert len(bytes.fromhex(domain.sel_generer())) == 16


def test_canonical_nir_ignores_spaces_dots_dashes_and_case():
    assert domain.identite_canonique(nir="2 85 05 2a.006-084 91", date_naissance=date(1985, 5, 12)) == (
        "nir:285052A00608491:1985-05-12"
    )


def test_an_incomplete_identity_is_refused():
    with pytest.raises(ValueError, match="identité incomplète"):
        domain.identite_canonique(nir="185057800608491")


def test_claims_leave_out_what_is_unknown():
    claims = domain.revendications(REPONSE, emise_le=1)

    assert "referenceDossier" not in claims
    assert "donneesMisesAJourLe" not in claims
    assert claims["dateReference"] == "2026-12-01"


def test_signed_then_verified():
    verification = domain.preuve_verifier(domain.preuve_signer(CLE, domain.revendications(REPONSE, emise_le=1)), JWKS)

    assert verification.valide
    assert verification.kid == CLE.thumbprint()
    assert verification.revendications["aud"] == "client"


def test_an_unsigned_token_is_refused():
    def segment(objet: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(objet).encode()).rstrip(b"=").decode()

    non_signe = f"{segment({'alg': 'none'})}.{segment({'beneficiaireAssuranceChomage': True})}."

    assert not domain.preuve_verifier(non_signe, JWKS).valide


def test_a_token_signed_with_a_symmetric_key_is_refused():
    jeton = jwt.encode({"alg": "HS256", "kid": CLE.thumbprint()}, {"a": 1}, OctKey.generate_key(256))

    assert not domain.preuve_verifier(jeton, JWKS).valide


@pytest.mark.parametrize(
    "cle",
    [pem(ed25519.Ed25519PrivateKey.generate()), pem(ec.generate_private_key(ec.SECP384R1())), "pas une clé"],
    ids=["ed25519", "p384", "texte"],
)
def test_only_a_p256_private_key_signs(cle):
    with pytest.raises(ValueError, match="P-256"):
        domain.cle_privee_lire(cle)


@given(st.dates(date(2000, 1, 1), date(2100, 1, 1)), st.integers(0, 120))
def test_adding_months_lands_within_the_right_month(jour, mois):
    resultat = domain.mois_ajouter(jour, mois)

    assert (resultat.year * 12 + resultat.month) - (jour.year * 12 + jour.month) == mois
    assert resultat.day == min(jour.day, calendar.monthrange(resultat.year, resultat.month)[1])


def test_retired_key_published_until_its_retention_ends():
    retiree = domain.CleRetiree(jwk=ECKey.generate_key("P-256").as_dict(private=False), retiree_le=date(2024, 12, 6))

    def publiees(jour: date) -> int:
        return len(domain.jwks_composer(CLE, [retiree], aujourdhui=jour, conservation_mois=24)["keys"])

    assert publiees(date(2026, 12, 6)) == 2
    assert publiees(date(2026, 12, 7)) == 1


# --- a retired key validates only the proofs issued before its retirement (docs/preuves.md) ---------------

RETIREE = ECKey.generate_key("P-256")
RETRAIT = date(2026, 12, 6)
FIN_DU_JOUR_DE_RETRAIT = int(datetime(2026, 12, 7, tzinfo=UTC).timestamp())  # first second refused
JWKS_APRES_ROTATION = domain.jwks_composer(
    CLE,
    [domain.CleRetiree(jwk=RETIREE.as_dict(private=False), retiree_le=RETRAIT)],
    aujourdhui=RETRAIT,
    conservation_mois=24,
)


def signee_par_la_retiree(iat: object, *, kid: bool = True) -> str:
    claims = {**domain.revendications(REPONSE, emise_le=0), "iat": iat}
    entete = {"alg": "ES256", "kid": RETIREE.thumbprint()} if kid else {"alg": "ES256"}
    return jwt.encode(entete, claims, RETIREE)


@given(st.integers(FIN_DU_JOUR_DE_RETRAIT - 3 * 86400, FIN_DU_JOUR_DE_RETRAIT + 3 * 86400))
def test_a_retired_key_validates_only_proofs_issued_until_the_end_of_its_retirement_day_utc(iat):
    verification = domain.preuve_verifier(signee_par_la_retiree(iat), JWKS_APRES_ROTATION)

    assert verification.valide == (iat < FIN_DU_JOUR_DE_RETRAIT)


def test_a_proof_issued_after_its_key_was_retired_is_refused_with_the_reason():
    verification = domain.preuve_verifier(signee_par_la_retiree(FIN_DU_JOUR_DE_RETRAIT), JWKS_APRES_ROTATION)

    assert not verification.valide
    assert "clé retirée le 2026-12-06 avant l'émission de la preuve (2026-12-07 00:00:00 UTC)" in verification.motif


def test_a_proof_issued_on_the_retirement_day_still_verifies():
    assert domain.preuve_verifier(signee_par_la_retiree(FIN_DU_JOUR_DE_RETRAIT - 1), JWKS_APRES_ROTATION).valide


@pytest.mark.parametrize("iat", [None, "2026-12-01", True, 1.5e300], ids=["absent", "texte", "booleen", "enorme"])
def test_a_proof_by_a_retired_key_without_a_readable_issue_date_is_refused(iat):
    verification = domain.preuve_verifier(signee_par_la_retiree(iat), JWKS_APRES_ROTATION)

    assert not verification.valide
    assert "date d'émission" in verification.motif


def test_a_proof_without_kid_is_checked_against_the_retirement_of_the_only_published_key():
    seule_retiree = {"keys": [k for k in JWKS_APRES_ROTATION["keys"] if "retireeLe" in k]}

    assert not domain.preuve_verifier(signee_par_la_retiree(FIN_DU_JOUR_DE_RETRAIT, kid=False), seule_retiree).valide
    assert domain.preuve_verifier(signee_par_la_retiree(FIN_DU_JOUR_DE_RETRAIT - 1, kid=False), seule_retiree).valide


def test_the_current_key_has_no_retirement_to_check():
    proof = domain.preuve_signer(CLE, domain.revendications(REPONSE, emise_le=FIN_DU_JOUR_DE_RETRAIT * 2))

    assert domain.preuve_verifier(proof, JWKS_APRES_ROTATION).valide
