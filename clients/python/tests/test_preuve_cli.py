"""`preuve_verifier` offline with a saved JWKS, and the command line `indemnites-client verifier`."""

import json
from datetime import UTC, datetime

import pytest
from fabrique import Cle

from indemnites_client import PreuveInvalide, identite_canonique, preuve_verifier
from indemnites_client.cli import main
from indemnites_client.preuve import identite_empreinte

SEL = "ab" * 16


@pytest.fixture
def cle() -> Cle:
    return Cle()


@pytest.fixture
def jwks_fichier(tmp_path, cle):
    chemin = tmp_path / "jwks.json"
    chemin.write_text(json.dumps(cle.jwks))
    return chemin


@pytest.fixture
def preuve(cle) -> str:
    empreinte = identite_empreinte(SEL, "identifiant:jean.are")
    return cle.signer(
        {"iss": "https://api.example", "beneficiaireAssuranceChomage": True, "empreinteIdentite": empreinte}
    )


def alterer(jws: str) -> str:
    entete, contenu, signature = jws.split(".")
    i = len(contenu) // 2
    return ".".join([entete, contenu[:i] + ("A" if contenu[i] != "A" else "B") + contenu[i + 1 :], signature])


def test_verifies_offline_with_a_saved_key_set(preuve, jwks_fichier, cle):
    verifiee = preuve_verifier(preuve, jwks_fichier, sel=SEL, identite="identifiant:jean.are")

    assert verifiee.kid == cle.cle.thumbprint()
    assert verifiee.revendications["beneficiaireAssuranceChomage"] is True
    assert verifiee.identite_concorde is True


def test_one_byte_changed_does_not_verify(preuve, jwks_fichier):
    with pytest.raises(PreuveInvalide):
        preuve_verifier(alterer(preuve), jwks_fichier)


def test_another_identity_does_not_match(preuve, jwks_fichier):
    with pytest.raises(PreuveInvalide, match="identité"):
        preuve_verifier(preuve, jwks_fichier, sel=SEL, identite="identifiant:marc.ass")


def test_canonical_identities():
    assert identite_canonique(identifiant=" jean.are ") == "identifiant:jean.are"
    assert (
        identite_canonique(nir="2 85.05-2a 006 084 91", date_naissance="1985-05-12")
        == "nir:285052A00608491:1985-05-12"
    )
    assert identite_canonique(sub="abc") == "sub:abc"
    with pytest.raises(ValueError, match="identité incomplète"):
        identite_canonique(nir="185057800608491")


def test_cli_verifies_and_prints_the_claims(preuve, jwks_fichier, capsys):
    code = main(["verifier", preuve, "--jwks", str(jwks_fichier), "--sel", SEL, "--identifiant", "jean.are"])

    sortie = capsys.readouterr()
    assert code == 0
    assert json.loads(sortie.out)["beneficiaireAssuranceChomage"] is True
    assert "Signature valide" in sortie.err
    assert "Identité concordante" in sortie.err


def test_cli_reads_the_proof_from_a_file(preuve, jwks_fichier, tmp_path):
    fichier = tmp_path / "preuve.jwt"
    fichier.write_text(preuve + "\n")

    assert main(["verifier", str(fichier), "--jwks", str(jwks_fichier)]) == 0


def test_cli_refuses_a_changed_proof(preuve, jwks_fichier, capsys):
    assert main(["verifier", alterer(preuve), "--jwks", str(jwks_fichier)]) == 1
    assert "Preuve non valide" in capsys.readouterr().err


def test_cli_needs_the_salt_to_compare_an_identity(preuve, jwks_fichier):
    assert main(["verifier", preuve, "--jwks", str(jwks_fichier), "--identifiant", "jean.are"]) == 2


# --- a retired key (`retireeLe` in the JWKS) validates only proofs issued until the end of that day, UTC ----

RETRAIT = "2026-12-06"
FIN_DU_JOUR_DE_RETRAIT = int(datetime(2026, 12, 7, tzinfo=UTC).timestamp())


@pytest.fixture
def jwks_apres_rotation(tmp_path, cle):
    courante = Cle()
    retiree = {**cle.jwks["keys"][0], "retireeLe": RETRAIT}
    chemin = tmp_path / "jwks-apres-rotation.json"
    chemin.write_text(json.dumps({"keys": [*courante.jwks["keys"], retiree]}))
    return chemin


def emise_le(cle: Cle, iat: object) -> str:
    return cle.signer({"iss": "https://api.example", "iat": iat, "beneficiaireAssuranceChomage": True})


def test_a_proof_issued_before_its_key_was_retired_still_verifies(cle, jwks_apres_rotation):
    assert preuve_verifier(emise_le(cle, FIN_DU_JOUR_DE_RETRAIT - 1), jwks_apres_rotation).kid == cle.cle.thumbprint()


def test_a_proof_issued_after_its_key_was_retired_is_refused(cle, jwks_apres_rotation):
    with pytest.raises(PreuveInvalide, match=f"clé retirée le {RETRAIT} avant l'émission de la preuve"):
        preuve_verifier(emise_le(cle, FIN_DU_JOUR_DE_RETRAIT), jwks_apres_rotation)


@pytest.mark.parametrize("iat", [None, "2026-12-01", True], ids=["absent", "texte", "booleen"])
def test_a_proof_by_a_retired_key_without_a_readable_issue_date_is_refused(cle, jwks_apres_rotation, iat):
    with pytest.raises(PreuveInvalide, match="date d'émission"):
        preuve_verifier(emise_le(cle, iat), jwks_apres_rotation)


def test_an_unreadable_retirement_date_refuses_the_proof(cle, tmp_path):
    chemin = tmp_path / "jwks.json"
    chemin.write_text(json.dumps({"keys": [{**cle.jwks["keys"][0], "retireeLe": "bientôt"}]}))

    with pytest.raises(PreuveInvalide, match="retireeLe"):
        preuve_verifier(emise_le(cle, 1), chemin)


def test_cli_refuses_a_proof_issued_after_its_key_was_retired(cle, jwks_apres_rotation, capsys):
    code = main(["verifier", emise_le(cle, FIN_DU_JOUR_DE_RETRAIT + 3600), "--jwks", str(jwks_apres_rotation)])

    assert code == 1
    assert f"Preuve non valide : clé retirée le {RETRAIT}" in capsys.readouterr().err
