"""Two server processes sharing PostgreSQL and Redis, as two instances behind a load balancer: one
client's quota holds across both, and each instance's /metrics adds up its own workers.

Runs when the suite runs on PostgreSQL + Redis (CI's second pass); the in-memory SQLite test database
and in-process counters of the first pass cannot be shared between processes.
"""

import os
import re
import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.conf import settings
from django.db import connection

from indemnites.journal.models import Enregistrement
from indemnites.oauth.models import Application
from tests.conftest import DATA_URL, SIRET_DESTINATAIRE, TOKEN_URL
from tests.exploitation.serveur import Gunicorn

WORKERS = 2
FENETRE = 30  # seconds: every request of the test falls in one window of the client's quota

pytestmark = pytest.mark.skipif(
    not (os.environ.get("REDIS_URL") and os.environ.get("DATABASE_URL", "").startswith("postgres")),
    reason="deux instances partagent PostgreSQL et Redis : suite lancée sans DATABASE_URL=postgres://… et REDIS_URL",
)


def _database_url() -> str:
    base = connection.settings_dict  # the test database pytest-django created
    auth = base["USER"] + (f":{base['PASSWORD']}" if base["PASSWORD"] else "")
    return f"postgres://{auth}@{base['HOST'] or '127.0.0.1'}:{base['PORT'] or 5432}/{base['NAME']}"


@pytest.fixture(scope="module")
def instances(django_db_setup, tmp_path_factory) -> Iterator[list[Gunicorn]]:
    environnement = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "CACHE_KEY_PREFIX": f"test-instances-{secrets.token_hex(4)}",  # shared by the two, by nobody else
        "OIDC_RSA_PRIVATE_KEY": settings.OIDC_RSA_PRIVATE_KEY,
        "TRAFIC_FENETRE_CLIENT_SECONDES": str(FENETRE),
    }
    lancees = [
        Gunicorn(nom, tmp_path_factory.mktemp(nom), environnement, workers=WORKERS)
        for nom in ("instance-a", "instance-b")
    ]
    try:
        for instance in lancees:
            instance.attendre()
        yield lancees
    finally:
        for instance in lancees:
            instance.arreter()


def _somme(texte: str, nom: str, route: str) -> float:
    motif = re.compile(rf'^{nom}\{{[^}}]*route="{re.escape(route)}"[^}}]*\}} (\S+)$', re.MULTILINE)
    return sum(float(valeur) for valeur in motif.findall(texte))


@pytest.mark.django_db(transaction=True)
def test_one_clients_quota_holds_across_two_instances(instances, partenaire, demandeur):
    demandeur()
    client = partenaire()
    Application.objects.filter(pk=client.application.pk).update(quota_par_seconde=1)  # 30 per 30-second window
    a, b = instances
    corps_jeton = {
        "grant_type": "client_credentials",
        "client_id": client.application.client_id,
        "client_secret": client.client_secret,
        "scope": "api_indemnisationsv1",
    }
    token = httpx.post(a.url + TOKEN_URL, data=corps_jeton, timeout=10).json()["access_token"]
    corps = {"identifiant": "jean.are", "recipient": SIRET_DESTINATAIRE}

    with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=10) as http:

        def appeler(rang: int) -> int:
            return http.post((a, b)[rang % 2].url + DATA_URL, json=corps).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuts = list(pool.map(appeler, range(80)))

    assert statuts.count(200) == FENETRE  # the sum over both instances and their 4 workers: the quota
    assert statuts.count(429) == 80 - FENETRE
    refus = Enregistrement.objects.filter(client_id=client.application.client_id, statut=429).count()
    assert refus == 80 - FENETRE  # every refusal journaled, by whichever instance answered


@pytest.mark.django_db(transaction=True)
def test_each_instance_counts_all_its_workers(instances):
    a, _ = instances
    texte_avant = httpx.get(a.url + "/metrics", timeout=10).text
    avant = _somme(texte_avant, "indemnites_http_requests_total", "/readyz")

    with httpx.Client(timeout=10) as http, ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: http.get(a.url + "/readyz"), range(40)))
    texte = httpx.get(a.url + "/metrics", timeout=10).text

    assert _somme(texte, "indemnites_http_requests_total", "/readyz") == avant + 40
    assert len(list(a.metriques.glob("counter_*.db"))) == WORKERS  # both workers counted, one scrape adds up
    assert "indemnites_database_up 1.0" in texte
