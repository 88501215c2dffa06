"""Demandeur d'emploi connecté (contrat « PE Connect ») avec httpx : autorisation avec PKCE,
échange du code, puis les données de la personne qui a consenti.

BASE_URL, CLIENT_ID, CLIENT_SECRET et REDIRECT_URI viennent de l'environnement.
"""

import base64
import hashlib
import json
import os
import secrets
import sys
from urllib.parse import urlencode

import httpx

BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000")
CLIENT_ID = os.environ.get("CLIENT_ID", "sandbox-mode-connecte")
CLIENT_SECRET = os.environ.get("CLIENT_SECRET", "sandbox-secret-mode-connecte")
REDIRECT_URI = os.environ.get("REDIRECT_URI", "https://127.0.0.1:8765/callback")
SCOPES = "openid profile email api_peconnect-individuv1 api_peconnect-indemnisationsv1 indemnisation"


def pkce_creer() -> tuple[str, str]:
    """Le `code_verifier` reste sur votre serveur ; seul son empreinte S256 part dans l'URL."""
    verifier = secrets.token_urlsafe(48)
    empreinte = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(empreinte).rstrip(b"=").decode("ascii")


def autorisation_url(base_url: str, *, state: str, nonce: str, code_challenge: str) -> str:
    """L'adresse vers laquelle rediriger le navigateur de la personne."""
    parametres = {
        "realm": "/individu",
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "scope": SCOPES,
        "state": state,
        "nonce": nonce,
        "code_challenge": code_challenge,
        "code_challenge_method": "S256",
    }
    return f"{base_url}/connexion/oauth2/authorize?{urlencode(parametres)}"


def code_echanger(client: httpx.Client, code: str, code_verifier: str) -> dict:
    """Au retour sur REDIRECT_URI (après avoir vérifié `state`) : le code contre les jetons."""
    reponse = client.post(
        "/connexion/oauth2/access_token",
        params={"realm": "/individu"},
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": code_verifier,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
    )
    reponse.raise_for_status()
    return reponse.json()  # access_token, token_type, expires_in, scope, id_token


def indemnisation_lire(client: httpx.Client, access_token: str) -> dict:
    reponse = client.get(
        "/partenaire/peconnect-indemnisations/v1/indemnisation",
        headers={"Authorization": f"Bearer {access_token}"},
    )
    reponse.raise_for_status()
    return reponse.json()


def main(base_url: str = BASE_URL) -> dict:
    """En ligne de commande : afficher l'adresse d'autorisation, puis coller le code reçu."""
    verifier, challenge = pkce_creer()
    state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    adresse = autorisation_url(base_url, state=state, nonce=nonce, code_challenge=challenge)
    code = input(f"Ouvrir {adresse}\npuis coller le code reçu sur REDIRECT_URI : ").strip()
    with httpx.Client(base_url=base_url, timeout=10) as client:
        jetons = code_echanger(client, code, verifier)
        return indemnisation_lire(client, jetons["access_token"])


if __name__ == "__main__":
    json.dump(main(), sys.stdout, ensure_ascii=False)
