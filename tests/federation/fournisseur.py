"""The real OpenID Provider of the tests (tests/fournisseur_oidc/serveur.mjs, npm `oidc-provider`), and the
person's browser on its side.

Our application runs in-process (Django's test client, host `testserver`); it talks to the provider over
real HTTP (discovery, token, JWKS, userinfo). The browser's steps at the provider (authorize, login form,
logout confirmation) go through httpx with the provider's cookies.
"""

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVEUR = ROOT / "tests" / "fournisseur_oidc" / "serveur.mjs"
PAQUET = ROOT / "node_modules" / "oidc-provider"
SECRETS = {"franceconnect": "secret-franceconnect-demo", "proconnect": "secret-proconnect-demo"}
DUREE_MAX_SECONDES = 900  # the provider stops by itself even if the test run is killed


def _absent(raison: str) -> None:
    if os.environ.get("REQUIRE_NODE") or os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(f"{raison} (REQUIRE_NODE/REQUIRE_BROWSER : les tests du fournisseur OpenID sont obligatoires)")
    pytest.skip(raison)


@dataclass
class Fournisseur:
    issuer: str
    processus: subprocess.Popen
    http: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.issuer, timeout=10)

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def controler(self, nom: str, **donnees: object) -> None:
        reponse = self.http.post(f"/_test/{nom}", json=donnees)
        assert reponse.status_code == 204, reponse.text

    def comptes_ajouter(self, **comptes: dict[str, str]) -> None:
        self.controler("comptes", **comptes)

    def arreter(self) -> None:
        self.http.close()
        self.processus.terminate()
        self.processus.wait(timeout=10)
        if self.processus.stdout is not None:
            self.processus.stdout.close()


def fournisseur_demarrer() -> Fournisseur:
    node = shutil.which("node")
    if node is None:
        _absent("node absent : installer nodejs pour lancer les tests contre un vrai fournisseur OpenID")
    if not PAQUET.is_dir():
        _absent("oidc-provider absent : lancer `npm ci` (make test le fait)")
    processus = subprocess.Popen(
        [node, str(SERVEUR)],
        cwd=ROOT,
        env={
            **os.environ,
            "FOURNISSEUR_OIDC_BASES": "http://testserver",
            "FOURNISSEUR_OIDC_DUREE": str(DUREE_MAX_SECONDES),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert processus.stdout is not None
    ligne = processus.stdout.readline()  # one JSON line once it listens
    if not ligne:
        processus.kill()
        pytest.fail("le fournisseur OpenID de test n'a pas démarré")
    return Fournisseur(issuer=json.loads(ligne)["issuer"], processus=processus)


class Navigateur:
    """The person's browser at the provider: follows its redirects, stops when it sends back to us."""

    def __init__(self, fournisseur: Fournisseur) -> None:
        self.fournisseur = fournisseur
        self.client = httpx.Client(timeout=10, follow_redirects=False)

    def close(self) -> None:
        self.client.close()

    def _chez_nous(self, url: str) -> bool:
        return urlsplit(url).netloc == "testserver"

    def suivre(self, url: str, *, methode: str = "GET", donnees: dict[str, str] | None = None) -> httpx.Response | str:
        """Requests `url` and follows the provider's redirects; returns the address at our site (path and
        query, for Django's test client) or the provider's last page."""
        reponse = self.client.request(methode, url, data=donnees)
        while reponse.is_redirect:
            suivante = str(reponse.next_request.url) if reponse.next_request else reponse.headers["location"]
            if self._chez_nous(suivante):
                morceaux = urlsplit(suivante)
                return f"{morceaux.path}?{morceaux.query}" if morceaux.query else morceaux.path
            reponse = self.client.get(suivante)
        return reponse

    def se_connecter(self, url_autorisation: str, *, login: str, acr: str = "eidas1") -> str:
        """At the provider: its login page, then its answer sent back to our callback."""
        page = self.suivre(url_autorisation)
        if isinstance(page, str):
            return page  # still signed in at the provider: it answers at once
        assert page.status_code == 200, page
        action = re.search(r'action="(/interaction/[^"]+/login)"', page.text)
        assert action, page.text
        retour = self.suivre(
            f"{self.fournisseur.issuer}{action.group(1)}", methode="POST", donnees={"login": login, "acr": acr}
        )
        assert isinstance(retour, str), getattr(retour, "text", retour)
        return retour

    def annuler(self, url_autorisation: str) -> str:
        page = self.suivre(url_autorisation)
        assert isinstance(page, httpx.Response)
        action = re.search(r'action="(/interaction/[^"]+/annuler)"', page.text)
        assert action
        retour = self.suivre(f"{self.fournisseur.issuer}{action.group(1)}", methode="POST", donnees={})
        assert isinstance(retour, str)
        return retour

    def se_deconnecter(self, url_fin_de_session: str) -> str:
        """The provider's logout confirmation page, then its redirect back to our post-logout address."""
        page = self.suivre(url_fin_de_session)
        assert isinstance(page, httpx.Response), page
        assert page.status_code == 200, page.text
        formulaire = re.search(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', page.text, re.S)
        assert formulaire, page.text
        champs = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', formulaire.group(2)))
        action = unescape(formulaire.group(1))
        retour = self.suivre(
            action if action.startswith("http") else f"{self.fournisseur.issuer}{action}",
            methode="POST",
            donnees={**{k: unescape(v) for k, v in champs.items()}, "logout": "yes"},
        )
        assert isinstance(retour, str), getattr(retour, "text", retour)
        return retour
