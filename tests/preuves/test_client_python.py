"""The integrators' client (clients/python) against the real service: gunicorn over its own database, on
SQLite or PostgreSQL as the suite runs."""

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from indemnites_client import AsyncClient, Client, erreurs
from tests.conftest import SIRET_DESTINATAIRE
from tests.preuves.service import CLIENT_ID, CLIENT_SECRET


@pytest.fixture
def client(service) -> Iterator[Client]:
    with Client(service.url, CLIENT_ID, CLIENT_SECRET, SIRET_DESTINATAIRE) as ouvert:
        yield ouvert


def test_plain_answer_with_its_request_id(client):
    resultat = client.indemnisation(identifiant="jean.are", reference_dossier="DOSSIER-2026-0042")

    assert resultat.beneficiaire_assurance_chomage is True
    assert resultat.beneficiaire_prestation_solidarite is False
    assert resultat.request_id
    assert resultat.preuve is None


def test_a_field_not_granted_is_none(service):
    with Client(
        service.url, "sandbox-assurance-chomage", "sandbox-secret-assurance-chomage", SIRET_DESTINATAIRE
    ) as client:
        resultat = client.indemnisation(identifiant="jean.are")

    assert resultat.beneficiaire_prestation_solidarite is None
    assert resultat.beneficiaire_assurance_chomage is True


def test_verified_proof_with_its_salt(client):
    resultat = client.indemnisation(identifiant="jean.are", preuve=True)

    assert resultat.preuve is not None
    assert resultat.preuve.identite_concorde is True
    assert len(resultat.preuve.sel) == 32
    assert resultat.preuve.revendications["jti"] == resultat.request_id
    assert resultat.beneficiaire_assurance_chomage is True


def test_unknown_person_is_individu_inconnu(client):
    with pytest.raises(erreurs.IndividuInconnu) as erreur:
        client.indemnisation(identifiant="personne.inconnue")

    assert erreur.value.request_id


def test_invalid_nir_is_donnees_invalides_with_the_field(client):
    with pytest.raises(erreurs.DonneesInvalides) as erreur:
        client.indemnisation(nir="185057800608400", date_naissance="1985-05-12")

    assert [e.champ for e in erreur.value.erreurs] == ["nir"]


def test_recipient_not_allowed(service):
    with Client(service.url, CLIENT_ID, CLIENT_SECRET, "21750001600019") as client:
        with pytest.raises(erreurs.DestinataireNonAutorise):
            client.indemnisation(identifiant="jean.are")


def test_wrong_secret_is_a_token_error(service):
    with Client(service.url, CLIENT_ID, "faux", SIRET_DESTINATAIRE) as client:
        with pytest.raises(erreurs.ErreurJeton, match="invalid_client"):
            client.indemnisation(identifiant="jean.are")


def test_async_client_with_proof(service):
    async def appeler():
        async with AsyncClient(service.url, CLIENT_ID, CLIENT_SECRET, SIRET_DESTINATAIRE) as client:
            return await asyncio.gather(
                client.indemnisation(identifiant="jean.are", preuve=True), client.indemnisation(identifiant="marc.ass")
            )

    with ThreadPoolExecutor(1) as fil:  # the suite's main thread may hold a running loop (Playwright)
        preuve, simple = fil.submit(asyncio.run, appeler()).result()

    assert preuve.preuve.identite_concorde is True
    assert simple.beneficiaire_prestation_solidarite is True
