"""The sandbox page: fictitious personas and public credentials, only where SANDBOX is on."""

import html
import os
import subprocess
import sys

from indemnites.droits.services.demo import DEMO_MOT_DE_PASSE, PERSONAS
from indemnites.oauth.services import (
    CLIENTS_INDIVIDU_SANDBOX,
    CLIENTS_SANDBOX,
    SANDBOX_DESTINATAIRE,
    sandbox_redirect_uris,
)


def test_lists_personas_and_credentials_marked_as_fictitious(http):
    response = http.get("/bac-a-sable/")

    contenu = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Données fictives" in contenu
    for persona in PERSONAS:
        assert f"<code>{persona.nir}</code>" in contenu
        assert persona.attendu in contenu
        if persona.identifiant:
            assert f"<code>{persona.identifiant}</code>" in contenu
    for client in CLIENTS_SANDBOX:
        assert f"<code>{client.client_id}</code>" in contenu
        assert f"<code>{client.client_secret}</code>" in contenu
    assert f"<code>{SANDBOX_DESTINATAIRE}</code>" in contenu


def test_lists_the_connected_mode_clients_redirect_uris_and_logins(http):
    contenu = html.unescape(http.get("/bac-a-sable/").content.decode())

    for client in CLIENTS_INDIVIDU_SANDBOX:
        assert f"<code>{client.client_id}</code>" in contenu
        assert f"<code>{client.client_secret}</code>" in contenu
    for uri in sandbox_redirect_uris("/callback"):
        assert f"<code>{uri}</code>" in contenu
    assert f"mot de passe <code>{DEMO_MOT_DE_PASSE}</code>" in contenu


def test_is_404_and_out_of_the_menu_when_the_sandbox_is_off(http, settings):
    settings.SANDBOX = False

    assert http.get("/bac-a-sable/").status_code == 404
    assert 'href="/bac-a-sable/"' not in http.get("/").content.decode()
    assert 'href="/bac-a-sable/"' not in http.get("/documentation/serveur-a-serveur/").content.decode()


def test_is_in_the_menu_when_the_sandbox_is_on(http):
    assert '<a class="fr-nav__link" href="/bac-a-sable/">' in http.get("/").content.decode()


def test_production_settings_keep_the_sandbox_off():
    environnement = {cle: valeur for cle, valeur in os.environ.items() if cle != "SANDBOX"}
    lecture = "from indemnites.config.settings import base; print(base.SANDBOX)"

    resultat = subprocess.run(
        [sys.executable, "-c", lecture], env=environnement, capture_output=True, text=True, timeout=30, check=True
    )

    assert resultat.stdout.strip() == "False"
