"""The production kit in deploy/: the environment template names every variable the settings read (the
required ones marked), and the generated secrets load as the service reads them."""

import re
import shutil
import subprocess

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from django.conf import settings

from indemnites.config.settings.base import env_pem
from indemnites.exploitation.deploiement import REQUISES

DEPLOY = settings.BASE_DIR / "deploy"
MODELE = DEPLOY / "api-indemnites.env.exemple"
LUES = re.compile(r"""(?:env|env_bool|env_list|env_pem|os\.environ\.get)\(\s*["']([A-Z][A-Z0-9_]+)["']""")


def variables_du_modele() -> dict[str, bool]:
    """{variable: marked required} from the template, commented out or not."""
    variables, obligatoire = {}, False
    for ligne in MODELE.read_text().splitlines():
        affectation = re.match(r"#?([A-Z][A-Z0-9_]+)=", ligne)
        if affectation:
            variables[affectation.group(1)] = obligatoire
            obligatoire = False
        elif ligne.startswith("#"):
            obligatoire = obligatoire or "[OBLIGATOIRE]" in ligne
        else:
            obligatoire = False
    return variables


def systemd_lire(texte: str) -> dict[str, str]:
    """An environment file as systemd reads the template's lines: NAME=value, or NAME='literal value'."""
    valeurs = {}
    for ligne in texte.splitlines():
        nom, _, valeur = ligne.partition("=")
        if valeur.startswith("'") and valeur.endswith("'"):
            valeur = valeur[1:-1]
        valeurs[nom] = valeur
    return valeurs


def test_the_template_lists_every_variable_the_settings_read():
    lues = set(LUES.findall((settings.BASE_DIR / "indemnites/config/settings/base.py").read_text()))

    assert lues - set(variables_du_modele()) == set()


def test_the_required_variables_are_marked_in_the_template():
    modele = variables_du_modele()

    assert [nom for nom in REQUISES if not modele.get(nom)] == []


def test_a_pem_written_on_one_line_is_read_as_the_key(monkeypatch):
    cle = ed25519.Ed25519PrivateKey.generate()
    pem = cle.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    monkeypatch.setenv("UNE_CLE", pem.decode().replace("\n", "\\n"))

    assert env_pem("UNE_CLE") == pem.decode()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl absent")
def test_generated_secrets_pass_the_production_checks():
    sortie = subprocess.run([DEPLOY / "generer-secrets"], capture_output=True, text=True, check=True, timeout=120)
    valeurs = systemd_lire(sortie.stdout)

    assert len(valeurs["DJANGO_SECRET_KEY"]) >= 50
    assert len(valeurs["NIR_PEPPER"]) >= 32
    assert len(valeurs["METRIQUES_JETON"]) >= 32
    oidc = serialization.load_pem_private_key(valeurs["OIDC_RSA_PRIVATE_KEY"].replace("\\n", "\n").encode(), None)
    journal = serialization.load_pem_private_key(valeurs["JOURNAL_SIGNING_KEY"].replace("\\n", "\n").encode(), None)
    assert isinstance(oidc, rsa.RSAPrivateKey)
    assert oidc.key_size >= 2048
    assert isinstance(journal, ed25519.Ed25519PrivateKey)
    preuve = serialization.load_pem_private_key(valeurs["PREUVE_SIGNING_KEY"].replace("\\n", "\n").encode(), None)
    assert isinstance(preuve, ec.EllipticCurvePrivateKey)
    assert preuve.curve.name == "secp256r1"
    assert len(sortie.stdout.splitlines()) == 6  # one line per variable, PEM keys included


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze absent")
def test_the_systemd_units_and_timers_are_valid(tmp_path):
    # Paths of the target machine replaced by ones that exist here: systemd checks them.
    remplacements = {
        "/srv/api-indemnites/.venv/bin/gunicorn": "/bin/true",
        "/srv/api-indemnites/deploy/tache": "/bin/true",
        "/srv/api-indemnites": str(tmp_path),
        "/etc/api-indemnites/env": "/dev/null",
        "=indemnites": "=root",
    }
    for unite in (DEPLOY / "systemd").iterdir():
        texte = unite.read_text()
        for avant, apres in remplacements.items():
            texte = texte.replace(avant, apres)
        (tmp_path / unite.name.replace("@.service", "@essai.service")).write_text(texte)
    unites = sorted(str(chemin) for chemin in tmp_path.iterdir())

    resultat = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *unites], capture_output=True, text=True, timeout=60
    )

    assert resultat.returncode == 0, resultat.stderr
    assert resultat.stderr.strip() == ""  # no unknown key, no bad value


def test_every_timer_starts_a_task_that_deploy_tache_knows():
    taches = (DEPLOY / "tache").read_text()
    for minuteur in (DEPLOY / "systemd").glob("*.timer"):
        tache = re.search(r"^Unit=api-indemnites-tache@(.+)\.service$", minuteur.read_text(), flags=re.MULTILINE)
        assert tache is not None, minuteur.name
        assert f"\n  {tache.group(1)})" in taches, tache.group(1)
