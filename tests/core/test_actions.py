"""The administrative journal seen from below (core/actions.py): the journal app plugs itself in at start-up,
and an action with no journal plugged in is refused, never left without a trace."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from indemnites.core import actions
from indemnites.journal.models import ActionAdministrative


@pytest.mark.django_db
def test_an_action_recorded_from_below_lands_in_the_administrative_journal():
    actions.action_enregistrer(acteur="exploitant", action="droits.import", objet="I1", details={"lignes": 2})

    action = ActionAdministrative.objects.get()
    assert (action.acteur, action.action, action.objet) == ("exploitant", "droits.import", "I1")
    assert json.loads(action.details) == {"lignes": 2}


def test_without_a_journal_plugged_in_an_action_is_refused(monkeypatch):
    monkeypatch.setattr(actions, "_branche", [])

    with pytest.raises(ImproperlyConfigured):
        actions.action_enregistrer(acteur="exploitant", action="droits.purge")
