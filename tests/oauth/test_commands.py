"""`manage.py clients_create`: a server-to-server client whose secret is shown once and stored hashed."""

import re
from io import StringIO

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command

from indemnites.oauth.models import Application
from tests.conftest import SIRET_DESTINATAIRE, TOKEN_URL

CHOMAGE = "beneficiaireAssuranceChomage"


def creer(*arguments: str) -> str:
    sortie = StringIO()
    call_command("clients_create", *arguments, stdout=sortie)
    return sortie.getvalue()


def test_prints_the_secret_once_and_stores_it_hashed(http):
    sortie = creer("--nom", "Mairie de Test", "--champ", CHOMAGE, "--destinataire", SIRET_DESTINATAIRE)

    client_id = re.search(r"client_id\s*: (\S+)", sortie).group(1)
    secret = re.search(r"client_secret\s*: (\S+)", sortie).group(1)
    assert sortie.count(secret) == 1
    application = Application.objects.get(client_id=client_id)
    assert application.client_secret.startswith("client_secret_sha256$")
    assert secret not in application.client_secret
    assert check_password(secret, application.client_secret)
    assert (application.champs, application.destinataires) == ([CHOMAGE], [SIRET_DESTINATAIRE])


def test_printed_credentials_obtain_a_token(http):
    sortie = creer("--nom", "Mairie", "--champ", CHOMAGE, "--destinataire", SIRET_DESTINATAIRE)
    client_id = re.search(r"client_id\s*: (\S+)", sortie).group(1)
    secret = re.search(r"client_secret\s*: (\S+)", sortie).group(1)

    response = http.post(
        TOKEN_URL,
        {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
            "scope": "api_indemnisationsv1",
        },
    )

    assert response.status_code == 200, response.content


def test_two_fields_and_two_recipients_are_kept():
    creer(
        "--nom",
        "Département",
        "--champ",
        CHOMAGE,
        "--champ",
        "beneficiairePrestationSolidarite",
        "--destinataire",
        SIRET_DESTINATAIRE,
        "--destinataire",
        "21750001600019",
    )

    application = Application.objects.get()
    assert application.champs == ["beneficiairePrestationSolidarite", CHOMAGE]
    assert application.destinataires == ["13002526500013", "21750001600019"]


@pytest.mark.parametrize("siret", ["13002526500014", "123", "13002526500013\n", "١٣٠٠٢٥٢٦٥٠٠٠١٣"])
def test_invalid_siret_is_a_command_error(siret):
    with pytest.raises(CommandError, match="SIRET"):
        creer("--nom", "Mairie", "--champ", CHOMAGE, "--destinataire", siret)

    assert not Application.objects.exists()


def test_unknown_field_is_a_command_error():
    with pytest.raises(CommandError, match="champ"):
        creer("--nom", "Mairie", "--champ", "nir", "--destinataire", SIRET_DESTINATAIRE)

    assert not Application.objects.exists()
