"""The synchronous client."""

import time
from collections.abc import Callable
from datetime import date
from types import TracebackType

import httpx

from indemnites_client import _protocole as p
from indemnites_client.erreurs import PreuveInvalide
from indemnites_client.preuve import Jwks, PreuveVerifiee, preuve_verifier


class Client:
    """Client serveur à serveur de l'API indemnités (thread-safe).

    Le jeton est gardé et renouvelé avant son expiration, et une fois sur une 401 `jeton-invalide` ; les 429
    et 503 sont réessayées selon Retry-After, `reessais` fois au plus et `budget_secondes` d'attente en tout."""

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
        transport: httpx.BaseTransport | None = None,
        dormir: Callable[[float], None] = time.sleep,
        horloge: Callable[[], float] = time.monotonic,
    ) -> None:
        self.recipient = recipient
        self._identifiants = p.jeton_formulaire(client_id, client_secret)
        self._http = httpx.Client(base_url=base_url, timeout=timeout, transport=transport)
        self._reessais, self._budget, self._dormir = reessais, budget_secondes, dormir
        self._cache = p.JetonCache(horloge=horloge)
        self._jwks: Jwks | None = None

    def __enter__(self) -> "Client":
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def jeton(self) -> str:
        """Le jeton en cours, obtenu ou renouvelé si besoin (un seul renouvellement à la fois)."""
        with self._cache.verrou:
            valeur = self._cache.valide()
            if valeur is None:
                reponse = self._http.post(p.TOKEN_PATH, params={"realm": "/partenaire"}, data=self._identifiants)
                valeur = self._cache.garder(reponse)
            return valeur

    def indemnisation(
        self,
        *,
        identifiant: str | None = None,
        nir: str | None = None,
        date_naissance: date | str | None = None,
        reference_dossier: str | None = None,
        date_reference: date | str | None = None,
        preuve: bool = False,
    ) -> p.Indemnisation:
        """Les données d'une personne (par `identifiant`, ou `nir` et `date_naissance`). Avec `preuve=True`,
        la réponse signée, vérifiée, son sel compris. Lève une ErreurApi nommée d'après le code d'erreur."""
        demande = p.demande_construire(
            recipient=self.recipient, identifiant=identifiant, nir=nir, date_naissance=date_naissance,
            reference_dossier=reference_dossier, date_reference=date_reference,
        )  # fmt: skip
        reponse = self._envoyer(demande.corps, preuve=preuve)
        if reponse.status_code != 200:
            raise p.erreur_lire(reponse)
        if not preuve:
            return p.indemnisation_lire(reponse)
        verifiee = self._verifier(reponse.text, reponse.headers.get(p.SEL_EN_TETE, ""), demande.identite)
        return p.indemnisation_de_preuve(verifiee, reponse)

    def jwks(self, *, rafraichir: bool = False) -> Jwks:
        """Les clés publiques des preuves, gardées après le premier téléchargement."""
        if self._jwks is None or rafraichir:
            reponse = self._http.get(p.JWKS_PATH)
            reponse.raise_for_status()
            self._jwks = reponse.json()
        return self._jwks

    def _envoyer(self, corps: dict[str, object], *, preuve: bool) -> httpx.Response:
        budget, essai, renouvele = p.Budget(self._reessais, self._budget), 0, False
        while True:
            jeton = self.jeton()
            entetes = {"Authorization": f"Bearer {jeton}", "Accept": p.JWT if preuve else "application/json"}
            reponse = self._http.post(p.DATA_PATH, json=corps, headers=entetes)
            if not renouvele and p.jeton_invalide(reponse):
                renouvele = True
                self._cache.oublier(jeton)
                continue
            if reponse.status_code in p.REESSAYABLES:
                attente = p.attente_lire(reponse, essai)
                essai += 1
                if budget.prendre(attente):
                    self._dormir(attente)
                    continue
            return reponse

    def _verifier(self, jws: str, sel: str, identite: str) -> PreuveVerifiee:
        try:
            return preuve_verifier(jws, self.jwks(), sel, identite)
        except PreuveInvalide:  # a key rotation since the key set was kept: fetch it again, once
            return preuve_verifier(jws, self.jwks(rafraichir=True), sel, identite)
