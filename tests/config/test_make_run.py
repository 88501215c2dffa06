"""`make run PORT=…`: the links printed and emailed in development follow the port served."""

import shutil
import subprocess

import pytest
from django.conf import settings


@pytest.mark.skipif(shutil.which("make") is None, reason="make absent")
def test_make_run_with_a_port_sets_the_public_address_to_it():
    commandes = subprocess.run(
        ["make", "-n", "run", "PORT=8123"], cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    ).stdout

    serveur = commandes[commandes.index("gunicorn") - 200 :]
    assert "URL_PUBLIQUE=http://127.0.0.1:8123" in serveur
    assert "--bind 127.0.0.1:8123" in serveur
    assert "URL_PUBLIQUE=http://127.0.0.1:8123" in commandes.split("demo_charger")[0].splitlines()[-1]
