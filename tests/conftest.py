"""Shared fixtures. Test data is built through the project's own services."""

import io
import json
import logging
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client

from indemnites.core.logging import JsonFormatter, RequestIdFilter
from indemnites.droits.domain import CHAMPS, nir_hacher
from indemnites.droits.models import DemandeurEmploi, Droit
from indemnites.oauth.services import ClientCree, client_partenaire_creer

SIRET_DESTINATAIRE = "13002526500013"
TOKEN_URL = "/connexion/oauth2/access_token?realm=/partenaire"
DATA_URL = "/partenaire/indemnisations/v1/indemnisation"


@pytest.fixture(autouse=True)
def _db(db: None) -> None:
    """Every test gets the database; the few that must not touch it say so."""


@pytest.fixture
def journal_technique() -> Iterator[io.StringIO]:
    """What the production handler would write: the root logger through the project's filter and formatter."""
    sortie = io.StringIO()
    handler = logging.StreamHandler(sortie)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    racine = logging.getLogger()
    racine.addHandler(handler)
    yield sortie
    racine.removeHandler(handler)


@pytest.fixture
def http() -> Client:
    return Client()


@pytest.fixture
def partenaire() -> Callable[..., ClientCree]:
    def make(champs: tuple[str, ...] = CHAMPS, destinataires: tuple[str, ...] = (SIRET_DESTINATAIRE,)) -> ClientCree:
        return client_partenaire_creer(nom="Mairie de test", champs=list(champs), destinataires=list(destinataires))

    return make


@pytest.fixture
def jeton(http: Client) -> Callable[[ClientCree], str]:
    def obtain(client: ClientCree) -> str:
        response = http.post(
            TOKEN_URL,
            {
                "grant_type": "client_credentials",
                "client_id": client.application.client_id,
                "client_secret": client.client_secret,
                "scope": "api_indemnisationsv1",
            },
        )
        assert response.status_code == 200, response.content
        return response.json()["access_token"]

    return obtain


@pytest.fixture
def demandeur() -> Callable[..., DemandeurEmploi]:
    def make(
        identifiant: str | None = "jean.are",
        nir: str | None = "185057800608491",
        naissance: date = date(1985, 5, 12),
        droits: tuple[tuple[str, str, date, date | None], ...] = (),
    ) -> DemandeurEmploi:
        personne = DemandeurEmploi.objects.create(
            identifiant=identifiant,
            nir_hash=nir_hacher(nir, settings.NIR_PEPPER) if nir else None,
            nom_naissance="MARTIN",
            prenom="Jean",
            date_naissance=naissance,
        )
        for rang, (prestation, organisme, debut, fin) in enumerate(droits):
            Droit.objects.create(
                demandeur=personne,
                prestation=prestation,
                organisme=organisme,
                date_debut=debut,
                date_fin=fin,
                reference=f"{personne.pk}-{rang}",
            )
        return personne

    return make


@pytest.fixture
def jeton_deux_champs(partenaire, jeton) -> str:
    return jeton(partenaire())


@pytest.fixture
def appeler(http: Client, jeton_deux_champs: str) -> Callable[..., HttpResponse]:
    """POST a body (a dict, or raw bytes/str) with the two-field client's token unless `token` says otherwise."""

    def post(
        body: Any,
        *,
        token: str | None = jeton_deux_champs,
        content_type: str = "application/json",
        **headers: str,
    ) -> HttpResponse:
        if token is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        return http.post(DATA_URL, data=data, content_type=content_type, **headers)

    return post
