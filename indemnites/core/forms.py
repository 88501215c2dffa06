"""The base of the service's DSFR forms."""

from functools import cache
from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer
from dsfr.forms import DsfrBaseForm, DsfrDjangoTemplates


@cache
def _rendu_dsfr() -> DsfrDjangoTemplates:
    return DsfrDjangoTemplates()


class FormulaireDsfr(DsfrBaseForm):
    """DsfrBaseForm with one renderer per process and without its transitional warning (our required fields
    are marked)."""

    @property
    def default_renderer(self) -> BaseRenderer:
        # DsfrBaseForm names the renderer's class, and Django instantiates a class for each form: a new
        # template engine, whose field templates were read and parsed again on every page. One per process.
        rendu = super().default_renderer
        return _rendu_dsfr() if rendu is DsfrDjangoTemplates else rendu

    def get_context(self) -> dict[str, Any]:
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = False
        return context
