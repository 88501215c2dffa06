"""Done when: a proof obtained with curl verifies with the client's command line and on /preuves/verifier,
fails after one byte is changed, and still verifies after a key rotation (the real service, gunicorn)."""

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime

import httpx
import pytest
from joserfc.jwk import ECKey

from tests.conftest import SIRET_DESTINATAIRE
from tests.exploitation.serveur import ROOT
from tests.preuves.outils import cle_pem, un_octet_change
from tests.preuves.service import CLIENT_ID, CLIENT_SECRET

CURL = shutil.which("curl")
pytestmark = pytest.mark.skipif(CURL is None, reason="curl absent : la preuve ne peut pas être obtenue par curl ici")


def curl(*arguments: str) -> str:
    fait = subprocess.run([CURL, "--silent", "--show-error", "--fail", *arguments], capture_output=True, text=True)
    assert fait.returncode == 0, fait.stderr
    return fait.stdout


def preuve_par_curl(url: str, tmp_path) -> tuple[str, str]:
    """The sequence the portal documents: a token, then the answer with Accept: application/jwt."""
    jeton = json.loads(
        curl(
            "-X",
            "POST",
            f"{url}/connexion/oauth2/access_token?realm=/partenaire",
            "-d",
            "grant_type=client_credentials",
            "-d",
            "scope=api_indemnisationsv1",
            "-d",
            f"client_id={CLIENT_ID}",
            "-d",
            f"client_secret={CLIENT_SECRET}",
        )  # fmt: skip
    )["access_token"]
    entetes = tmp_path / "entetes.txt"
    jws = curl(
        "-X", "POST", f"{url}/partenaire/indemnisations/v1/indemnisation",
        "-H", f"Authorization: Bearer {jeton}", "-H", "Accept: application/jwt",
        "-H", "Content-Type: application/json", "-D", str(entetes),
        "--data", json.dumps({"identifiant": "jean.are", "recipient": SIRET_DESTINATAIRE}),
    )  # fmt: skip
    sel = re.search(r"^x-preuve-sel:\s*([0-9a-f]{32})", entetes.read_text(), flags=re.IGNORECASE | re.MULTILINE)
    assert sel, entetes.read_text()
    return jws, sel.group(1)


def cli_verifier(jws: str, jwks: str, *options: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "clients" / "python" / "src")}
    commande = [sys.executable, "-m", "indemnites_client", "verifier", jws, "--jwks", jwks, *options]
    return subprocess.run(commande, capture_output=True, text=True, env=env, timeout=60)


def page_verifier(url: str, **champs: str) -> str:
    with httpx.Client(base_url=url, timeout=10) as navigateur:
        navigateur.get("/preuves/verifier").raise_for_status()
        reponse = navigateur.post(
            "/preuves/verifier", data={"csrfmiddlewaretoken": navigateur.cookies["csrftoken"], **champs}
        )
    assert reponse.status_code == 200, reponse.text
    return reponse.text


def test_a_proof_from_curl_verifies_fails_when_changed_and_survives_a_rotation(service, tmp_path):
    jws, sel = preuve_par_curl(service.url, tmp_path)
    jwks = tmp_path / "jwks.json"
    jwks.write_text(curl(f"{service.url}/preuves/jwks.json"))

    verifie = cli_verifier(jws, str(jwks), "--sel", sel, "--identifiant", "jean.are")
    assert verifie.returncode == 0, verifie.stderr
    assert json.loads(verifie.stdout)["beneficiaireAssuranceChomage"] is True
    page = page_verifier(service.url, preuve=jws, sel=sel, identifiant="jean.are")
    assert "Signature valide" in page
    assert "Identité concordante" in page

    altere = un_octet_change(jws)
    assert cli_verifier(altere, str(jwks)).returncode == 1
    assert "Preuve non valide" in page_verifier(service.url, preuve=altere)

    ancienne = service.environnement["PREUVE_SIGNING_KEY"]
    aujourdhui_utc = datetime.now(UTC).date().isoformat()  # retired today: proofs issued until now still verify
    retiree = {"jwk": ECKey.import_key(ancienne).as_dict(private=False), "retiree_le": aujourdhui_utc}
    try:
        service.redemarrer(PREUVE_SIGNING_KEY=cle_pem(), PREUVE_CLES_RETIREES=json.dumps([retiree]))
        apres = tmp_path / "jwks-apres-rotation.json"
        apres.write_text(curl(f"{service.url}/preuves/jwks.json"))

        assert len(json.loads(apres.read_text())["keys"]) == 2
        assert cli_verifier(jws, str(apres), "--sel", sel, "--identifiant", "jean.are").returncode == 0
        assert "Signature valide" in page_verifier(service.url, preuve=jws)
        nouvelle, _ = preuve_par_curl(service.url, tmp_path)
        assert cli_verifier(nouvelle, str(apres)).returncode == 0
        assert cli_verifier(nouvelle, str(jwks)).returncode == 1  # the key set saved before knows not the new key
    finally:
        service.redemarrer(PREUVE_SIGNING_KEY=ancienne, PREUVE_CLES_RETIREES="")
