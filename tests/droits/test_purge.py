"""`manage.py droits_purge`: persons without any right for longer than the retention are erased."""

import io
import json
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from indemnites.droits.models import DemandeurEmploi, Droit
from indemnites.droits.services import generations
from indemnites.journal.models import ActionAdministrative
from tests.droits.test_import import claire, csv_ecrire, importer, ligne
from tests.droits.test_import_pendant_appels import connexion_autre, pg_seulement


def purger(*options: str) -> str:
    sortie = io.StringIO()
    call_command("droits_purge", *options, stdout=sortie)
    return sortie.getvalue()


@pytest.fixture
def registre_ancien(tmp_path, settings):
    """Three years ago: Jean's right ended then, Claire's is still open; Karim's ended last year."""
    settings.DROITS_CONSERVATION_MOIS = 24
    il_y_a_3_ans = timezone.now() - timedelta(days=3 * 365)
    fin_ancienne = (il_y_a_3_ans + timedelta(days=30)).date().isoformat()
    fin_recente = (timezone.now() - timedelta(days=365)).date().isoformat()
    lignes = [
        ligne(reference="J1", date_debut="2020-01-01", date_fin=fin_ancienne),
        claire(reference="C1", date_debut="2020-01-01"),
        ligne(identifiant="karim", nir="", reference="K1", date_debut="2020-01-01", date_fin=fin_recente),
    ]
    with time_machine.travel(il_y_a_3_ans):
        importer(csv_ecrire(tmp_path / "ancien.csv", lignes))


def identifiants() -> set[str]:
    return set(DemandeurEmploi.objects.values_list("identifiant", flat=True))


def test_the_purge_counts_only_by_default(registre_ancien):
    sortie = purger()

    assert "Simulation : 1 personne(s) sans droit depuis le " in sortie
    assert identifiants() == {"jean.are", "claire.asp", "karim"}
    assert not ActionAdministrative.objects.filter(action="droits.purge").exists()


def test_the_purge_erases_persons_without_right_past_retention_and_journals_their_pseudonym(registre_ancien):
    pseudonyme = str(DemandeurEmploi.objects.get(identifiant="jean.are").pseudonyme)

    sortie = purger("--executer")

    assert "1 personne(s) sans droit depuis le " in sortie
    assert identifiants() == {"claire.asp", "karim"}
    assert not Droit.objects.filter(reference="J1").exists()
    action = ActionAdministrative.objects.get(action="droits.purge")
    assert json.loads(action.details)["pseudonymes"] == [pseudonyme]
    assert "MARTIN" not in action.details
    assert "jean.are" not in action.details


def test_a_person_whose_rights_were_all_removed_long_after_creation_is_erased(registre_ancien, tmp_path):
    fichier = csv_ecrire(
        tmp_path / "maj.csv", [{"reference": "C1", "action": "supprimer"}], entete=(*ligne(), "action")
    )
    importer(fichier)

    purger("--executer")

    assert identifiants() == {"karim"}


def test_a_recent_person_without_right_is_kept(tmp_path, settings):
    settings.DROITS_CONSERVATION_MOIS = 24
    importer(csv_ecrire(tmp_path / "d.csv", [ligne(date_debut="2020-01-01", date_fin="2020-12-31")]))

    purger("--executer")

    assert identifiants() == {"jean.are"}


def test_a_shorter_retention_erases_more(registre_ancien, settings):
    settings.DROITS_CONSERVATION_MOIS = 6

    purger("--executer")

    assert identifiants() == {"claire.asp"}


@pg_seulement
def test_erasing_waits_for_no_import_but_refuses_while_one_runs(registre_ancien):
    autre = connexion_autre()
    try:
        autre.execute("SELECT pg_advisory_lock(%s)", [generations.VERROU_IMPORT])  # an import is running

        with pytest.raises(CommandError, match="Un import des droits est en cours"):
            purger("--executer")
        assert "jean.are" in identifiants()
        assert "Simulation" in purger()  # counting reads only: it does not need the registry alone
    finally:
        autre.close()

    purger("--executer")
    assert "jean.are" not in identifiants()
