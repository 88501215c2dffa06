"""Several instances writing at once on PostgreSQL: two server processes (gunicorn, two workers each) on the
test database, many concurrent requests, four background sealers; the chain has no fork and no gap, and
there is exactly one record per request."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from indemnites.journal.models import Enregistrement
from indemnites.journal.selectors import journal_verifier

pytestmark = pytest.mark.usefixtures("transactional_db")  # the servers must see committed data

DATA_PATH = "/partenaire/indemnisations/v1/indemnisation"
PAR_SERVEUR = 60
DEMARRAGE_SECONDES = 60


def _port_libre() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _url_base() -> str:
    reglages = connection.settings_dict
    identite = quote(reglages["USER"] or "postgres")
    if reglages["PASSWORD"]:
        identite += ":" + quote(reglages["PASSWORD"])
    return f"postgres://{identite}@{reglages['HOST'] or '127.0.0.1'}:{reglages['PORT'] or 5432}/{reglages['NAME']}"


def _attendre(port: int, processus: subprocess.Popen) -> None:
    limite = time.monotonic() + DEMARRAGE_SECONDES
    while time.monotonic() < limite:
        assert processus.poll() is None, "le serveur s'est arrêté au démarrage"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as reponse:
                if reponse.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"le serveur du port {port} ne répond pas après {DEMARRAGE_SECONDES} s")


@pytest.fixture
def serveurs(tmp_path: Path) -> Iterator[list[int]]:
    """Two gunicorn instances on free loopback ports, stopped (their whole process group) at teardown."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrence entre instances : PostgreSQL seulement (la CI lance aussi la suite sur PostgreSQL)")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "indemnites.config.settings.dev",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": _url_base(),
        "VAR_DIR": str(tmp_path),
        "OIDC_RSA_PRIVATE_KEY": settings.OIDC_RSA_PRIVATE_KEY,
        "JOURNAL_SIGNING_KEY": settings.JOURNAL_SIGNING_KEY,
        "TRAFIC_LIMITES_ACTIVES": "false",
        "METRIQUES_REPERTOIRE": "",
    }
    env.pop("REDIS_URL", None)
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    lances: list[tuple[int, subprocess.Popen]] = []
    journaux = []
    try:
        for _ in range(2):
            port = _port_libre()
            commande = [gunicorn, "indemnites.config.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
            journal = (tmp_path / f"gunicorn-{port}.log").open("wb")
            journaux.append(journal)
            processus = subprocess.Popen(
                commande,
                cwd=settings.BASE_DIR,
                env=env,
                stdout=journal,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            lances.append((port, processus))
        for port, processus in lances:
            _attendre(port, processus)
        yield [port for port, _ in lances]
    finally:
        for _, processus in lances:
            if processus.poll() is None:
                os.killpg(processus.pid, signal.SIGTERM)
        for _, processus in lances:
            try:
                processus.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(processus.pid, signal.SIGKILL)
                processus.wait(timeout=5)
        for journal in journaux:
            journal.close()


def _appeler(port: int, jeton: str, identifiant: str, request_id: str) -> int:
    corps = json.dumps({"identifiant": identifiant, "recipient": "13002526500013"}).encode()
    requete = urllib.request.Request(
        f"http://127.0.0.1:{port}{DATA_PATH}",
        data=corps,
        method="POST",
        headers={"Authorization": f"Bearer {jeton}", "Content-Type": "application/json", "X-Request-ID": request_id},
    )
    try:
        with urllib.request.urlopen(requete, timeout=30) as reponse:
            return reponse.status
    except urllib.error.HTTPError as erreur:
        return erreur.code


def test_two_instances_under_concurrent_load_keep_one_chain_and_one_record_per_request(
    serveurs, partenaire, jeton, demandeur
):
    demandeur(identifiant="jean.are")
    valide = jeton(partenaire())
    prefixe = f"concurrence-{uuid.uuid4().hex[:8]}-"
    appels = []
    for numero in range(2 * PAR_SERVEUR):
        # Data answers, unknown persons (404) and refusals (401, written outside any data transaction).
        sorte = numero % 6
        identifiant = "personne.inconnue" if sorte == 4 else "jean.are"
        appels.append((serveurs[numero % 2], "jeton-inconnu" if sorte == 5 else valide, identifiant))

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuts = list(pool.map(lambda a: _appeler(*a[1], f"{prefixe}{a[0]:05d}"), enumerate(appels), timeout=120))

    assert sorted(set(statuts)) == [200, 401, 404]
    # The servers' background sealers (a thread in each of the four workers) chain the records.
    limite = time.monotonic() + 30
    while Enregistrement.objects.filter(rang__isnull=True).exists() and time.monotonic() < limite:
        time.sleep(0.2)
    assert not Enregistrement.objects.filter(rang__isnull=True).exists(), "scellement en arrière-plan inopérant"
    request_ids = list(
        Enregistrement.objects.filter(request_id__startswith=prefixe).values_list("request_id", flat=True)
    )
    assert len(request_ids) == len(appels) == len(set(request_ids))
    assert list(Enregistrement.objects.values_list("rang", flat=True)) == list(range(1, len(appels) + 1))
    rapport = journal_verifier(journal="acces")
    assert rapport.integre, rapport.anomalies
    assert rapport.verifies == len(appels)
    en_parallele = journal_verifier(journal="acces", processus=2, segment_minimal=10)
    assert en_parallele.integre, en_parallele.anomalies
    assert en_parallele.verifies == len(appels)
