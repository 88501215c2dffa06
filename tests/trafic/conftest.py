"""The limits are on in these tests, with counters of their own (a fresh key prefix on Redis)."""

import json
import secrets
from collections.abc import Callable

import pytest
from django.http import HttpResponse
from django.test import Client

from indemnites.oauth.models import Application
from indemnites.oauth.services import ClientCree
from indemnites.trafic import storage
from tests.conftest import DATA_URL, SIRET_DESTINATAIRE


@pytest.fixture(autouse=True)
def limites(settings):
    settings.TRAFIC_LIMITES_ACTIVES = True
    settings.TRAFIC_PREFIXE_CLES = f"test-trafic-{secrets.token_hex(6)}"
    yield
    storage.reinitialiser()


@pytest.fixture
def client_quota(partenaire, jeton) -> Callable[..., tuple[ClientCree, str]]:
    """A server-to-server client with the given quota and expected volume, and a token of it."""

    def make(quota: int = 20, volume: int | None = None) -> tuple[ClientCree, str]:
        client = partenaire()
        Application.objects.filter(pk=client.application.pk).update(quota_par_seconde=quota, volume_journalier=volume)
        return client, jeton(client)

    return make


@pytest.fixture
def consulter(http: Client) -> Callable[..., HttpResponse]:
    def post(token: str, identite: dict[str, str] | None = None, **headers: str) -> HttpResponse:
        corps = {**(identite or {"identifiant": "jean.are"}), "recipient": SIRET_DESTINATAIRE}
        return http.post(
            DATA_URL,
            data=json.dumps(corps),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
            **headers,
        )

    return post
