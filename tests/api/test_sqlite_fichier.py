"""The data route served as `make run` serves it: a SQLite file, two gunicorn workers, concurrent callers.

Every call is answered (data, or a journaled 429 past the client's quota), never a 5xx nor a "database is
locked"; each has exactly one journal record; the writers queued on the file lock beside the database
(indemnites/core/verrou_ecriture.py). The test's own SQLite file, whatever database the suite runs on.
"""

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from django.conf import settings

from tests.conftest import DATA_URL, SIRET_DESTINATAIRE, TOKEN_URL
from tests.exploitation.serveur import ROOT, Gunicorn

APPELANTS, APPELS = 8, 20
PERSONNES = ("jean.are", "marc.ass", "paul.rsa", "anne.aer")  # personas of the demo data


@pytest.fixture(scope="module")
def service(tmp_path_factory) -> Iterator[tuple[Gunicorn, Path]]:
    repertoire = tmp_path_factory.mktemp("sqlite-fichier")
    base = repertoire / "base.sqlite3"
    environnement = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{base}",
        "REDIS_URL": "",
        "OIDC_RSA_PRIVATE_KEY": settings.OIDC_RSA_PRIVATE_KEY,
        "TRAFIC_LIMITE_IP_PAR_MINUTE": "1000000",  # every caller is 127.0.0.1
    }
    preparation = {
        **environnement,
        "DJANGO_SETTINGS_MODULE": "indemnites.config.settings.dev",
        "VAR_DIR": str(repertoire),
    }
    for commande in (["migrate", "--noinput"], ["demo_charger"]):
        fait = subprocess.run(
            [sys.executable, "manage.py", *commande], cwd=ROOT, env=preparation, capture_output=True, text=True
        )
        if fait.returncode != 0:
            pytest.fail(f"manage.py {commande[0]} : {fait.stderr[-3000:]}")
    instance = Gunicorn("sqlite-fichier", repertoire, environnement, workers=2)
    try:
        instance.attendre()
        yield instance, base
    finally:
        instance.arreter()


def _jeton(url: str) -> str:
    reponse = httpx.post(
        url + TOKEN_URL,
        data={
            "grant_type": "client_credentials",
            "client_id": "sandbox-deux-champs",
            "client_secret": "sandbox-secret-deux-champs",
            "scope": "api_indemnisationsv1",
        },
        timeout=10,
    )
    reponse.raise_for_status()
    return reponse.json()["access_token"]


def _appeler(url: str, jeton: str, rang: int) -> list[tuple[int, str]]:
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {jeton}"}, timeout=30) as client:
        return [
            (reponse.status_code, reponse.headers["X-Request-ID"])
            for appel in range(APPELS)
            for reponse in [
                client.post(
                    DATA_URL,
                    json={"identifiant": PERSONNES[(rang + appel) % len(PERSONNES)], "recipient": SIRET_DESTINATAIRE},
                )
            ]
        ]


def test_concurrent_calls_are_all_answered_and_journaled_once(service):
    instance, base = service
    jeton = _jeton(instance.url)

    with ThreadPoolExecutor(APPELANTS) as appelants:
        reponses = [
            r for lot in appelants.map(lambda rang: _appeler(instance.url, jeton, rang), range(APPELANTS)) for r in lot
        ]

    statuts = [statut for statut, _ in reponses]
    assert len(reponses) == APPELANTS * APPELS
    assert set(statuts) <= {200, 429}, sorted(set(statuts))
    assert statuts.count(200) > 0
    with sqlite3.connect(base) as lecture:
        par_requete = dict(
            lecture.execute("SELECT request_id, count(*) FROM journal_enregistrement GROUP BY request_id").fetchall()
        )
    assert all(par_requete.get(request_id) == 1 for _, request_id in reponses)
    assert Path(f"{base}.ecriture").exists()
