"""The public verification form: a pasted proof, optionally its salt and the identity to check it against."""

from typing import Any

from django import forms

from indemnites.core.forms import FormulaireDsfr
from indemnites.preuves.domain import identite_canonique

PREUVE_MAX = 8000


class VerificationForm(FormulaireDsfr):
    preuve = forms.CharField(
        label="Preuve (JWS compact, trois parties séparées par des points)",
        max_length=PREUVE_MAX,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "autocomplete": "off"}),
    )
    sel = forms.RegexField(
        label="Sel (en-tête X-Preuve-Sel reçu avec la preuve)",
        regex=r"^[0-9a-fA-F]{32}$",
        required=False,
        error_messages={"invalid": "Le sel compte 32 caractères hexadécimaux."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    identifiant = forms.CharField(label="Identifiant France Travail", max_length=64, required=False)
    nir = forms.CharField(label="NIR (15 caractères)", max_length=21, required=False)
    date_naissance = forms.DateField(
        label="Date de naissance (avec le NIR)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sub = forms.CharField(label="Ou : sub OpenID Connect (mode connecté)", max_length=64, required=False)

    def clean(self) -> dict[str, Any]:
        donnees = super().clean() or {}
        cles = [nom for nom in ("identifiant", "nir", "sub") if donnees.get(nom)]
        if len(cles) > 1:
            raise forms.ValidationError(
                "Une seule identité : l'identifiant, le NIR avec la date de naissance, ou le sub."
            )
        if donnees.get("nir") and not donnees.get("date_naissance"):
            self.add_error("date_naissance", "La date de naissance accompagne le NIR.")
        if cles and not donnees.get("sel"):
            self.add_error("sel", "Le sel est nécessaire pour comparer l'identité.")
        return donnees

    def identite(self) -> str:
        """The canonical identity to compare, or "" when none was given."""
        d = self.cleaned_data
        if not (d.get("identifiant") or d.get("sub") or (d.get("nir") and d.get("date_naissance"))):
            return ""
        return identite_canonique(
            identifiant=d.get("identifiant", ""), nir=d.get("nir", ""), date_naissance=d.get("date_naissance"),
            sub=d.get("sub", ""),
        )  # fmt: skip
