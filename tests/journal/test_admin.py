"""The admin shows the journals read-only, and reading the access journal there is itself journaled."""

import pytest
from django.contrib.auth import get_user_model

from indemnites.journal.models import ActionAdministrative, Enregistrement
from tests.journal.conftest import ecrire


@pytest.fixture
def administrateur(http):
    utilisateur = get_user_model().objects.create_superuser(username="admin", password="x" * 16)
    http.force_login(utilisateur)
    return utilisateur


def test_reading_the_access_journal_in_the_admin_is_journaled(http, administrateur):
    ecrire(1)

    assert http.get("/admin/journal/enregistrement/?mode=partenaire").status_code == 200
    assert http.get(f"/admin/journal/enregistrement/{Enregistrement.objects.get().pk}/change/").status_code == 200

    lectures = ActionAdministrative.objects.filter(action="journal_consultation").order_by("rang")
    assert [a.objet for a in lectures] == [
        "journal des accès (liste)",
        f"journal des accès (enregistrement {Enregistrement.objects.get().pk})",
    ]
    assert lectures[0].acteur == f"admin (compte n° {administrateur.pk})"
    assert lectures[0].details == '{"filtres":"mode=partenaire"}'


@pytest.mark.parametrize("modele", ["enregistrement", "actionadministrative", "pointdecontrole"])
def test_nothing_can_be_added_or_deleted_in_the_admin(http, administrateur, modele):
    assert http.get(f"/admin/journal/{modele}/add/").status_code == 403
    assert http.get(f"/admin/journal/{modele}/").status_code == 200


def test_a_record_page_shows_its_fingerprints_in_hex(http, administrateur):
    ecrire(1)
    enregistrement = Enregistrement.objects.get()

    page = http.get(f"/admin/journal/enregistrement/{enregistrement.pk}/change/").content.decode()

    for champ in ("empreinte_requete", "empreinte_precedente", "empreinte"):
        assert len(getattr(enregistrement, champ)) == 64
        assert getattr(enregistrement, champ) in page
