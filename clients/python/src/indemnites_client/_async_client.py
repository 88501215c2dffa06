"""The asynchronous client: the same behaviour as `Client`, over httpx.AsyncClient."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import date
from types import TracebackType

import httpx

from indemnites_client import _protocole as p
from indemnites_client.erreurs import PreuveInvalide
from indemnites_client.preuve import Jwks, PreuveVerifiee, preuve_verifier


class AsyncClient:
    """Client asynchrone serveur à serveur de l'API indemnités (voir `Client`)."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        recipient: str,
        *,
        timeout: httpx.Timeout | float = p.TIMEOUT,
        reessais: int = 3,
        budget_secondes: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
        dormir: Callable[[float], Awaitable[None]] = asyncio.sleep,
        horloge: Callable[[], float] = time.monotonic,
    ) -> None:
        self.recipient = recipient
        self._identifiants = p.jeton_formulaire(client_id, client_secret)
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport)
        self._reessais, self._budget, self._dormir = reessais, budget_secondes, dormir
        self._cache = p.JetonCache(horloge=horloge)
        self._verrou = asyncio.Lock()
        self._jwks: Jwks | None = None

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def jeton(self) -> str:
        async with self._verrou:
            valeur = self._cache.valide()
            if valeur is None:
                reponse = await self._http.post(p.TOKEN_PATH, params={"realm": "/partenaire"}, data=self._identifiants)
                valeur = self._cache.garder(reponse)
            return valeur

    async def indemnisation(
        self,
        *,
        identifiant: str | None = None,
        nir: str | None = None,
        date_naissance: date | str | None = None,
        reference_dossier: str | None = None,
        date_reference: date | str | None = None,
        preuve: bool = False,
    ) -> p.Indemnisation:
        demande = p.demande_construire(
            recipient=self.recipient, identifiant=identifiant, nir=nir, date_naissance=date_naissance,
            reference_dossier=reference_dossier, date_reference=date_reference,
        )  # fmt: skip
        reponse = await self._envoyer(demande.corps, preuve=preuve)
        if reponse.status_code != 200:
            raise p.erreur_lire(reponse)
        if not preuve:
            return p.indemnisation_lire(reponse)
        verifiee = await self._verifier(reponse.text, reponse.headers.get(p.SEL_EN_TETE, ""), demande.identite)
        return p.indemnisation_de_preuve(verifiee, reponse)

    async def jwks(self, *, rafraichir: bool = False) -> Jwks:
        if self._jwks is None or rafraichir:
            reponse = await self._http.get(p.JWKS_PATH)
            reponse.raise_for_status()
            self._jwks = reponse.json()
        return self._jwks

    async def _envoyer(self, corps: dict[str, object], *, preuve: bool) -> httpx.Response:
        budget, essai, renouvele = p.Budget(self._reessais, self._budget), 0, False
        while True:
            jeton = await self.jeton()
            entetes = {"Authorization": f"Bearer {jeton}", "Accept": p.JWT if preuve else "application/json"}
            reponse = await self._http.post(p.DATA_PATH, json=corps, headers=entetes)
            if not renouvele and p.jeton_invalide(reponse):
                renouvele = True
                self._cache.oublier(jeton)
                continue
            if reponse.status_code in p.REESSAYABLES:
                attente = p.attente_lire(reponse, essai)
                essai += 1
                if budget.prendre(attente):
                    await self._dormir(attente)
                    continue
            return reponse

    async def _verifier(self, jws: str, sel: str, identite: str) -> PreuveVerifiee:
        try:
            return preuve_verifier(jws, await self.jwks(), sel, identite)
        except PreuveInvalide:
            return preuve_verifier(jws, await self.jwks(rafraichir=True), sel, identite)
