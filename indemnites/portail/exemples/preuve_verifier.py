"""Vérifier une preuve gardée avec un dossier, hors ligne : la preuve, son sel, et le JWKS enregistré."""

import json
import sys
from pathlib import Path

from indemnites_client import PreuveInvalide, identite_canonique, preuve_verifier


def verifier(preuve: str, sel: str, jwks: Path, identifiant: str) -> dict:
    """Ce que la preuve atteste, si sa signature est valide et si elle concerne cette personne."""
    identite = identite_canonique(identifiant=identifiant)  # ou nir=…, date_naissance=…
    verifiee = preuve_verifier(preuve, jwks, sel=sel, identite=identite)
    return verifiee.revendications


if __name__ == "__main__":
    try:
        json.dump(verifier(sys.argv[1], sys.argv[2], Path(sys.argv[3]), sys.argv[4]), sys.stdout, indent=2)
    except PreuveInvalide as erreur:
        sys.exit(f"Preuve non valide : {erreur}")
