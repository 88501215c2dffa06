"""Every sample of the documentation runs against the live test server: the docs cannot drift.

curl samples run in a subprocess (skipped, with the reason, where curl is missing); Python samples
are imported from their file and run in process with httpx.
"""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

import indemnites_client
from indemnites.droits.services.demo import comptes_demo_charger, personas_charger
from indemnites.oauth.services import clients_individu_sandbox_charger, clients_sandbox_charger
from indemnites.portail.documentation import EXEMPLES

pytestmark = pytest.mark.usefixtures("transactional_db")
CURL = shutil.which("curl")


@pytest.fixture
def bac_a_sable() -> None:
    """The sandbox as `manage.py demo_charger` loads it."""
    personas_charger(aujourdhui=timezone.localdate())
    comptes_demo_charger()
    clients_sandbox_charger()
    clients_individu_sandbox_charger()


def exemple(nom: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"exemple_{Path(nom).stem}", EXEMPLES / nom)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reponse_documentee(nom: str) -> dict:
    return json.loads((EXEMPLES / nom).read_text())


def shell(nom: str, **env: str) -> dict:
    if CURL is None:
        pytest.skip("curl absent : l'exemple curl ne peut pas être exécuté sur cette machine")
    resultat = subprocess.run(
        ["/bin/sh", str(EXEMPLES / nom)],
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert resultat.returncode == 0, resultat.stderr + resultat.stdout
    return json.loads(resultat.stdout)


def test_server_to_server_python_sample(live_server, bac_a_sable):
    assert exemple("partenaire.py").main(live_server.url) == reponse_documentee("partenaire.reponse.json")


def test_server_to_server_python_sample_reports_problems(live_server, bac_a_sable):
    module = exemple("partenaire.py")
    with httpx.Client(base_url=live_server.url) as client:
        jeton = module.jeton_obtenir(client, module.CLIENT_ID, module.CLIENT_SECRET)

        with pytest.raises(module.ErreurApi, match="404 individu-inconnu") as erreur:
            module.indemnisation_lire(
                client, jeton, {"identifiant": "personne.inconnue", "recipient": "13002526500013"}
            )

    assert erreur.value.probleme["requestId"]


def test_server_to_server_curl_sample(live_server, bac_a_sable):
    assert shell("partenaire.sh", BASE_URL=live_server.url) == reponse_documentee("partenaire.reponse.json")


def _code(module: ModuleType) -> tuple[str, str]:
    """The job seeker's part, played in the browser in real life: log in and consent. Returns the code
    the service sends back to the sample's redirect URI, and the PKCE verifier."""
    navigateur = Client()
    navigateur.force_login(get_user_model().objects.get(username="jean.are"))
    verifier, challenge = module.pkce_creer()
    url = module.autorisation_url("", state="etat-1", nonce="nonce-1", code_challenge=challenge)
    formulaire = navigateur.get(url)
    assert formulaire.status_code == 200, formulaire.content
    reponses = {nom: valeur for nom, valeur in formulaire.context["form"].initial.items() if valeur is not None}
    retour = navigateur.post(url, {**reponses, "allow": "Autoriser"})
    assert retour.status_code == 302, retour.content
    assert retour["Location"].startswith(module.REDIRECT_URI)
    parametres = parse_qs(urlsplit(retour["Location"]).query)
    assert parametres["state"] == ["etat-1"]
    return parametres["code"][0], verifier


def test_connected_mode_python_sample(live_server, bac_a_sable):
    module = exemple("individu.py")
    code, verifier = _code(module)

    with httpx.Client(base_url=live_server.url) as client:
        jetons = module.code_echanger(client, code, verifier)
        donnees = module.indemnisation_lire(client, jetons["access_token"])

    assert {"access_token", "token_type", "expires_in", "scope", "id_token"} <= set(jetons)
    assert donnees == reponse_documentee("individu.reponse.json")


def test_connected_mode_curl_sample(live_server, bac_a_sable):
    code, verifier = _code(exemple("individu.py"))

    donnees = shell("individu.sh", BASE_URL=live_server.url, CODE=code, CODE_VERIFIER=verifier)

    assert donnees == reponse_documentee("individu.reponse.json")


RACINE = Path(__file__).resolve().parents[2]
# The samples' `indemnites-client` command: the venv's, running the client from its source.
AVEC_LE_CLIENT = {
    "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    "PYTHONPATH": str(RACINE / "clients" / "python" / "src"),
}


def test_python_client_sample(live_server, bac_a_sable):
    assert exemple("client_python.py").main(live_server.url) == reponse_documentee("client_python.reponse.json")


def test_proof_curl_sample_verifies_with_the_command_line(live_server, bac_a_sable):
    revendications = shell("preuve.sh", BASE_URL=live_server.url, **AVEC_LE_CLIENT)

    assert revendications["beneficiaireAssuranceChomage"] is True
    assert revendications["referenceDossier"] == "DOSSIER-2026-0042"
    assert revendications["aud"] == "sandbox-deux-champs"


def test_proof_python_sample_verifies_offline(live_server, bac_a_sable, tmp_path):
    module = exemple("client_python.py")
    with indemnites_client.Client(live_server.url, module.CLIENT_ID, module.CLIENT_SECRET, module.RECIPIENT) as client:
        preuve = client.indemnisation(identifiant="jean.are", preuve=True).preuve
    jwks = tmp_path / "jwks.json"
    jwks.write_text(httpx.get(f"{live_server.url}/preuves/jwks.json").text)

    revendications = exemple("preuve_verifier.py").verifier(preuve.jws, preuve.sel, jwks, "jean.are")

    assert revendications["beneficiaireAssuranceChomage"] is True
    with pytest.raises(indemnites_client.PreuveInvalide):
        exemple("preuve_verifier.py").verifier(preuve.jws, preuve.sel, jwks, "marc.ass")
