"""Le client Python de l'API indemnités (pip install indemnites-client) : jeton, réessais, erreurs et preuves.

BASE_URL, CLIENT_ID et CLIENT_SECRET viennent de l'environnement (bac à sable par défaut).
"""

import json
import os
import sys

from indemnites_client import Client, erreurs

BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000")
CLIENT_ID = os.environ.get("CLIENT_ID", "sandbox-deux-champs")
CLIENT_SECRET = os.environ.get("CLIENT_SECRET", "sandbox-secret-deux-champs")
RECIPIENT = "13002526500013"  # le SIRET de l'administration destinataire


def main(base_url: str = BASE_URL) -> dict:
    # Un seul client pour toute l'application : il garde le jeton et le renouvelle avant son expiration.
    with Client(base_url, CLIENT_ID, CLIENT_SECRET, RECIPIENT) as client:
        reponse = client.indemnisation(identifiant="jean.are", reference_dossier="DOSSIER-2026-0042")
        # Chaque donnée vaut True, False, ou None quand votre habilitation ne l'accorde pas.
        chomage = reponse.beneficiaire_assurance_chomage

        # La même réponse en preuve signée, déjà vérifiée ; gardez preuve.jws et preuve.sel avec le dossier.
        signee = client.indemnisation(identifiant="jean.are", reference_dossier="DOSSIER-2026-0042", preuve=True)
        preuve = signee.preuve

        try:
            client.indemnisation(identifiant="personne.inconnue")
        except erreurs.IndividuInconnu as erreur:
            inconnu = erreur.code  # chaque erreur porte aussi erreur.request_id, à donner au support

    return {
        "beneficiaireAssuranceChomage": chomage,
        "preuveVerifiee": preuve is not None and preuve.identite_concorde,
        "erreur": inconnu,
    }


if __name__ == "__main__":
    json.dump(main(), sys.stdout, ensure_ascii=False)
