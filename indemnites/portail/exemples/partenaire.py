"""Serveur à serveur avec httpx : un jeton client_credentials, puis les données d'une personne.

BASE_URL, CLIENT_ID et CLIENT_SECRET viennent de l'environnement (bac à sable par défaut).
"""

import json
import os
import sys

import httpx

BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000")
CLIENT_ID = os.environ.get("CLIENT_ID", "sandbox-deux-champs")
CLIENT_SECRET = os.environ.get("CLIENT_SECRET", "sandbox-secret-deux-champs")


class ErreurApi(Exception):
    """Une réponse problem+json (RFC 9457) : `code` stable, `detail` lisible, `requestId` pour le support."""

    def __init__(self, probleme: dict) -> None:
        super().__init__(f"{probleme['status']} {probleme['code']} : {probleme['detail']}")
        self.probleme = probleme


def jeton_obtenir(client: httpx.Client, client_id: str, client_secret: str) -> str:
    """Un jeton vaut pour de nombreux appels jusqu'à son expiration (`expires_in`, en secondes)."""
    reponse = client.post(
        "/connexion/oauth2/access_token",
        params={"realm": "/partenaire"},
        data={
            "grant_type": "client_credentials",
            "scope": "api_indemnisationsv1",
            "client_id": client_id,
            "client_secret": client_secret,
        },
    )
    reponse.raise_for_status()
    return reponse.json()["access_token"]


def indemnisation_lire(client: httpx.Client, jeton: str, corps: dict) -> dict:
    reponse = client.post(
        "/partenaire/indemnisations/v1/indemnisation",
        json=corps,
        headers={"Authorization": f"Bearer {jeton}"},
    )
    if reponse.status_code != 200:
        raise ErreurApi(reponse.json())
    return reponse.json()


def main(base_url: str = BASE_URL) -> dict:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        jeton = jeton_obtenir(client, CLIENT_ID, CLIENT_SECRET)
        return indemnisation_lire(
            client,
            jeton,
            {"identifiant": "jean.are", "recipient": "13002526500013", "referenceDossier": "DOSSIER-2026-0042"},
        )


if __name__ == "__main__":
    json.dump(main(), sys.stdout, ensure_ascii=False)
