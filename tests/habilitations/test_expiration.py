"""Expiry notices (a scheduled, idempotent command) and the prolongation path."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from indemnites.habilitations import services
from indemnites.habilitations.domain import Etat
from indemnites.habilitations.models import AvisExpiration, Habilitation
from tests.habilitations.conftest import connecte

OUI = {"responsable_inchange": "oui", "finalite_inchangee": "oui", "contacts_inchanges": "oui"}


def avis(django_capture_on_commit_callbacks) -> str:
    sortie = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("habilitations_avis_expiration", stdout=sortie)
    return sortie.getvalue()


def avant_expiration(validee, jours: int, heures: int = 0):
    expire_le = timezone.localtime(validee.application.expire_le)
    return time_machine.travel(expire_le - timedelta(days=jours, hours=heures), tick=False)


def test_notices_at_90_60_30_14_7_and_0_days_each_sent_once(validee, django_capture_on_commit_callbacks):
    envoyes = []
    for jours in (120, 95, 90, 89, 60, 45, 30, 14, 13, 7, 1, 0):
        with avant_expiration(validee, jours):
            avis(django_capture_on_commit_callbacks)
            avis(django_capture_on_commit_callbacks)  # run twice: nothing more
        envoyes.append(len(mail.outbox))

    assert envoyes == [0, 0, 1, 1, 2, 2, 3, 4, 4, 5, 5, 6]
    assert sorted(AvisExpiration.objects.values_list("seuil", flat=True)) == [0, 7, 14, 30, 60, 90]
    premier, dernier = mail.outbox[0], mail.outbox[-1]
    assert "expire dans 90 jours" in premier.subject
    assert "/prolonger/" in premier.body
    assert {validee.demandeur.user.email, "technique@paris.fr"} <= set(premier.to)
    assert "expire aujourd'hui" in dernier.subject


def test_a_missed_run_sends_only_the_closest_threshold(validee, django_capture_on_commit_callbacks):
    with avant_expiration(validee, 20):
        assert avis(django_capture_on_commit_callbacks).startswith("1 avis")

    assert list(AvisExpiration.objects.values_list("seuil", flat=True)) == [30]
    assert "expire dans 20 jours" in mail.outbox[0].subject


def test_no_notice_for_a_revoked_habilitation(validee, instructeur, django_capture_on_commit_callbacks):
    services.demande_revoquer(demande=validee, instructeur=instructeur, motif="Fin.")
    with avant_expiration(validee, 30):
        assert avis(django_capture_on_commit_callbacks).startswith("0 avis")


def test_prolongation_with_three_yes_adds_18_months(validee, demandeur_agent, django_capture_on_commit_callbacks):
    ancienne = validee.application.expire_le
    with avant_expiration(validee, 60):
        http = connecte(demandeur_agent)  # logged in now: a session lasts two weeks
        avis(django_capture_on_commit_callbacks)
        assert "Prolonger l'habilitation" in http.get(f"/habilitations/demandes/{validee.pk}/").content.decode()
        response = http.post(f"/habilitations/demandes/{validee.pk}/prolonger/", OUI)
        maintenant = timezone.now()

    assert response.status_code == 302
    validee.refresh_from_db()
    nouvelle = validee.application.expire_le
    assert nouvelle > ancienne
    assert (nouvelle - maintenant).days in range(545, 553)
    assert validee.evenements.filter(quoi="prolonger").exists()
    # A new expiry date starts a new series of notices.
    with time_machine.travel(nouvelle - timedelta(days=90), tick=False):
        assert avis(django_capture_on_commit_callbacks).startswith("1 avis")


@pytest.mark.parametrize("question", list(OUI))
def test_any_no_reopens_the_request_instead(validee, demandeur_agent, question):
    ancienne = validee.application.expire_le
    with avant_expiration(validee, 30):
        http = connecte(demandeur_agent)
        response = http.post(f"/habilitations/demandes/{validee.pk}/prolonger/", {**OUI, question: "non"})

    assert response["Location"] == f"/habilitations/demandes/{validee.pk}/modifier/"
    validee.refresh_from_db()
    assert (validee.etat, validee.reouverture) == (Etat.BROUILLON, True)
    assert validee.application.expire_le == ancienne
    assert Habilitation.objects.get().statut == Habilitation.Statut.ACTIVE
    assert "Prolongation" in validee.evenements.get(quoi="rouvrir").motif


def test_prolongation_opens_90_days_before_expiry_only(validee, demandeur_agent):
    ancienne = validee.application.expire_le
    with avant_expiration(validee, 120):
        http = connecte(demandeur_agent)
        assert "Prolonger" not in http.get(f"/habilitations/demandes/{validee.pk}/").content.decode()
        http.post(f"/habilitations/demandes/{validee.pk}/prolonger/", OUI)

    validee.refresh_from_db()
    assert validee.application.expire_le == ancienne
