"""The administrator's export form and the job seeker's period filter."""

from typing import Any

from django import forms

from indemnites.core.forms import FormulaireDsfr
from indemnites.journal.selectors import Filtres, Periode, clients_lister
from indemnites.journal.services.export import FORMATS


class _AvecPeriode(FormulaireDsfr):
    """A form with a `depuis`–`jusqu_au` period (fields declared by each form, with its own labels)."""

    def clean(self) -> dict[str, Any]:
        donnees = super().clean()
        depuis, jusqu_au = donnees.get("depuis"), donnees.get("jusqu_au")
        if depuis and jusqu_au and depuis > jusqu_au:
            self.add_error("jusqu_au", "La fin de la période doit suivre son début.")
        return donnees


class ExportForm(_AvecPeriode):
    client = forms.ChoiceField(label="Client", required=False)
    habilitation = forms.RegexField(
        label="Numéro d'habilitation",
        regex=r"^\d{1,20}$",
        required=False,
        error_messages={"invalid": "Le numéro d'habilitation ne contient que des chiffres."},
    )
    depuis = forms.DateField(label="Du (inclus)", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    jusqu_au = forms.DateField(label="Au (inclus)", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    format = forms.ChoiceField(
        label="Format",
        choices=[("csv", "CSV (tableur)"), ("jsonl", "JSON Lines (une ligne JSON par enregistrement)")],
        initial="csv",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clients = [(client_id, f"{nom} ({client_id})") for client_id, nom in clients_lister()]
        self.fields["client"].choices = [("", "Tous les clients"), *clients]

    def clean(self) -> dict[str, Any]:
        donnees = super().clean()
        if donnees.get("format") not in FORMATS:
            self.add_error("format", "Choisissez CSV ou JSON Lines.")
        return donnees

    def filtres(self) -> Filtres:
        donnees = self.cleaned_data
        return Filtres(
            client_id=donnees["client"],
            habilitation=donnees["habilitation"],
            depuis=donnees["depuis"],
            jusqu_au=donnees["jusqu_au"],
        )


class PeriodeForm(_AvecPeriode):
    """The job seeker's period filter on « Qui a consulté mes données ? » (GET: the URL can be kept)."""

    depuis = forms.DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    jusqu_au = forms.DateField(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def periode(self) -> Periode:
        if not self.is_valid():
            return Periode()
        return Periode(self.cleaned_data["depuis"], self.cleaned_data["jusqu_au"])
