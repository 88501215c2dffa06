"""The job seeker's login form (the consent form is django-oauth-toolkit's AllowForm)."""

from typing import Any

from django import forms
from dsfr.forms import DsfrBaseForm


class ConnexionForm(DsfrBaseForm):
    identifiant = forms.CharField(
        label="Identifiant France Travail",
        help_text="L'identifiant de votre espace personnel France Travail (par exemple : jean.are).",
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"}),
    )
    mot_de_passe = forms.CharField(
        label="Mot de passe",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def get_context(self) -> dict[str, Any]:
        # DsfrBaseForm's context without its transitional warning: both fields are required anyway.
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = False
        return context
