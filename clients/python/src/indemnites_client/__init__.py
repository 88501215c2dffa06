"""Client Python de l'API indemnités : `Client` (synchrone), `AsyncClient`, les erreurs typées
(`indemnites_client.erreurs`) et la vérification des preuves signées (`preuve_verifier`)."""

from indemnites_client._async_client import AsyncClient
from indemnites_client._client import Client
from indemnites_client._protocole import Indemnisation
from indemnites_client.erreurs import ErreurApi, ErreurClient, ErreurJeton, PreuveInvalide
from indemnites_client.preuve import PreuveVerifiee, identite_canonique, jwks_charger, preuve_verifier

__all__ = [
    "AsyncClient",
    "Client",
    "ErreurApi",
    "ErreurClient",
    "ErreurJeton",
    "Indemnisation",
    "PreuveInvalide",
    "PreuveVerifiee",
    "identite_canonique",
    "jwks_charger",
    "preuve_verifier",
]
__version__ = "1.0.0"
