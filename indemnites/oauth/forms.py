"""The job seeker's login form (the consent form is django-oauth-toolkit's AllowForm)."""

from django import forms

from indemnites.core.forms import FormulaireDsfr


class ConnexionForm(FormulaireDsfr):
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
