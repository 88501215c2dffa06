"""The service's DSFR forms (core/forms.py): one renderer per process, so a form's field templates are parsed
once, not on every page."""

import pytest
from django.template.base import Template

from indemnites.habilitations.forms import ConnexionForm as ConnexionAgentForm
from indemnites.journal.forms import PeriodeForm
from indemnites.oauth.forms import ConnexionForm
from indemnites.preuves.forms import VerificationForm


@pytest.mark.parametrize("formulaire", [ConnexionForm, ConnexionAgentForm, PeriodeForm, VerificationForm])
def test_a_form_rendered_again_parses_no_template(formulaire, monkeypatch):
    assert str(formulaire())  # the first rendering of the process may parse its templates
    analyses = []
    compiler = Template.compile_nodelist
    monkeypatch.setattr(
        Template, "compile_nodelist", lambda gabarit: analyses.append(gabarit.name) or compiler(gabarit)
    )

    html = str(formulaire())

    assert "fr-input-group" in html  # rendered by the DSFR's field templates
    assert analyses == []
