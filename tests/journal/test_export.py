"""Exports of the access journal (CSV, JSON Lines) filtered by client, habilitation and period, by command
or from the administrators' page; every export is itself written to the administrative journal."""

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from indemnites.journal.models import ActionAdministrative
from tests.journal.conftest import ecrire, habilitation_creer

PAGE = "/journal/export"


@dataclass
class Clients:
    a: str
    b: str
    habilitation_b: str


def exporter(*args: str) -> str:
    sortie = StringIO()
    call_command("journal_export", *args, stdout=sortie, stderr=StringIO())
    return sortie.getvalue()


def lignes_csv(texte: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(texte)))


@pytest.fixture
def clients(partenaire) -> Clients:
    """Two clients; the second holds a habilitation. 2 records of A on 2 March (Paris), 3 of B on 5 March."""
    a, b = partenaire().application, partenaire().application
    habilitation = habilitation_creer(
        b,
        intitule="Cantine",
        nom="Mairie",
        siret="21750001600019",
        email_agent="i@x.fr",
        validee_le=datetime(2026, 1, 1, tzinfo=UTC),
    )
    with time_machine.travel(datetime(2026, 3, 1, 23, 30, tzinfo=UTC), tick=False):  # 2 March, 00:30 in Paris
        ecrire(2, client_id=a.client_id)
    with time_machine.travel(datetime(2026, 3, 5, 10, 0, tzinfo=UTC), tick=False):
        ecrire(3, client_id=b.client_id)
    return Clients(a=a.client_id, b=b.client_id, habilitation_b=str(habilitation.pk))


def test_csv_export_of_one_client(clients):
    lignes = lignes_csv(exporter("--client", clients.a))

    assert [ligne["rang"] for ligne in lignes] == ["1", "2"]
    assert lignes[0]["horodatage"] == "2026-03-01T23:30:00.000000Z"
    assert {ligne["client_id"] for ligne in lignes} == {clients.a}
    assert set(lignes[0]) >= {"sujet", "champs", "resultat", "statut", "reference_dossier", "empreinte"}


def test_jsonl_export_of_one_habilitation(clients):
    lignes = [
        json.loads(ligne)
        for ligne in exporter("--format", "jsonl", "--habilitation", clients.habilitation_b).splitlines()
    ]

    assert [ligne["rang"] for ligne in lignes] == [3, 4, 5]
    assert {ligne["habilitation"] for ligne in lignes} == {clients.habilitation_b}
    assert lignes[0]["statut"] == 200


def test_the_period_is_in_days_of_paris_both_ends_included(clients):
    assert [ligne["rang"] for ligne in lignes_csv(exporter("--depuis", "2026-03-02", "--jusqu-au", "2026-03-02"))] == [
        "1",
        "2",
    ]
    assert lignes_csv(exporter("--jusqu-au", "2026-03-01")) == []
    assert [ligne["rang"] for ligne in lignes_csv(exporter("--depuis", "2026-03-03"))] == ["3", "4", "5"]


def test_every_export_is_journaled(clients):
    exporter("--client", clients.a, "--depuis", "2026-03-01")
    exporter("--format", "jsonl")

    premiere, seconde = ActionAdministrative.objects.filter(action="journal_export").order_by("rang")
    assert premiere.acteur.startswith("commande journal_export (compte système ")
    details = json.loads(premiere.details)
    assert (details["client_id"], details["depuis"], details["format"], details["enregistrements"]) == (
        clients.a,
        "2026-03-01",
        "csv",
        2,
    )
    assert json.loads(seconde.details)["enregistrements"] == 5


def test_a_cell_a_spreadsheet_would_run_is_neutralised(partenaire):
    ecrire(1, reference_dossier='=HYPERLINK("http://x")')

    assert lignes_csv(exporter())[0]["reference_dossier"] == '\'=HYPERLINK("http://x")'
    assert json.loads(exporter("--format", "jsonl"))["reference_dossier"] == '=HYPERLINK("http://x")'


def test_an_export_to_a_file(clients, tmp_path):
    fichier = tmp_path / "export.csv"

    exporter("--sortie", str(fichier))

    assert len(lignes_csv(fichier.read_text(encoding="utf-8"))) == 5


def test_a_reversed_period_is_refused():
    with pytest.raises(CommandError, match="postérieur"):
        exporter("--depuis", "2026-03-02", "--jusqu-au", "2026-03-01")
    with pytest.raises(CommandError, match="date invalide"):
        exporter("--depuis", "02/03/2026")


# --- the administrators' page --------------------------------------------------------------------------


@pytest.fixture
def administrateur(http):
    utilisateur = get_user_model().objects.create_user(username="dpo", password="x" * 16, is_staff=True)
    http.force_login(utilisateur)
    return utilisateur


def test_anonymous_visitors_are_sent_to_the_admin_login(http):
    response = http.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


def test_a_logged_in_non_staff_user_is_refused(http):
    http.force_login(get_user_model().objects.create_user(username="jean", password="x" * 16))

    assert http.get(PAGE).status_code == 403
    assert http.post(PAGE, {"format": "csv"}).status_code == 403
    assert not ActionAdministrative.objects.exists()


def test_the_page_offers_the_filters(http, administrateur, clients):
    html = http.get(PAGE).content.decode()

    assert http.get(PAGE).status_code == 200
    for libelle in ("Client", "Numéro d&#x27;habilitation", "Du (inclus)", "Au (inclus)", "JSON Lines"):
        assert libelle in html
    assert clients.a in html


def test_the_page_downloads_a_filtered_export_and_journals_it(http, administrateur, clients):
    response = http.post(PAGE, {"client": clients.b, "format": "jsonl", "depuis": "2026-03-01"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/jsonl")
    assert response["Content-Disposition"].startswith('attachment; filename="journal-acces-')
    lignes = [json.loads(ligne) for ligne in b"".join(response.streaming_content).decode().splitlines()]
    assert [ligne["rang"] for ligne in lignes] == [3, 4, 5]
    action = ActionAdministrative.objects.get(action="journal_export")
    assert action.acteur == f"dpo (compte n° {administrateur.pk})"
    assert json.loads(action.details)["enregistrements"] == 3


def test_an_invalid_form_is_shown_again_without_export(http, administrateur):
    response = http.post(PAGE, {"format": "xml", "habilitation": "abc"})

    assert response.status_code == 400
    assert "ne contient que des chiffres" in response.content.decode()
    assert not ActionAdministrative.objects.exists()
