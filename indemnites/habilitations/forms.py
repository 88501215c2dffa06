"""DSFR forms. They check the format of each field; completeness is checked on submission (domain)."""

from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.html import format_html

from indemnites.core.domain import siret_valide
from indemnites.core.forms import FormulaireDsfr
from indemnites.habilitations.domain import (
    CHAMPS_DONNEES,
    CHAMPS_DONNEES_LIBELLES,
    CONSERVATION_MAX_MOIS,
    CONTACTS,
    ETAT_LIBELLES,
    LIBELLES,
    PROFIL_LIBELLES,
    QUESTIONS_PROLONGATION,
    VOLUME_MAX,
    Action,
    Etat,
    Profil,
    courriel_professionnel,
    courriel_valide,
    telephone_valide,
    uri_retour_erreur,
)
from indemnites.habilitations.models import Organisation

PDF_SIGNATURE = b"%PDF-"


def _siret(valeur: str) -> str:
    valeur = "".join(valeur.split())
    if not siret_valide(valeur):
        raise ValidationError("Le SIRET doit compter 14 chiffres avec une clé valide (exemple : 13002526500013).")
    return valeur


def _lignes(valeur: str) -> list[str]:
    return [ligne.strip() for ligne in valeur.replace(",", "\n").splitlines() if ligne.strip()]


class EligibiliteForm(FormulaireDsfr):
    profil = forms.ChoiceField(
        label="Vous êtes…", choices=[(p.value, PROFIL_LIBELLES[p]) for p in Profil], widget=forms.RadioSelect
    )


class InscriptionForm(FormulaireDsfr):
    prenom = forms.CharField(
        label="Prénom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    nom = forms.CharField(label="Nom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    courriel = forms.EmailField(
        label="Adresse électronique professionnelle",
        help_text="Les messageries personnelles (gmail.com, orange.fr…) ne sont pas acceptées.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    mot_de_passe = forms.CharField(
        label="Mot de passe",
        help_text="12 caractères au moins ; ni trop courant, ni uniquement des chiffres, ni proche de votre nom.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    mot_de_passe_confirmation = forms.CharField(
        label="Confirmation du mot de passe", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    siret = forms.CharField(label="SIRET de votre organisation", max_length=20, help_text="14 chiffres.")
    organisation_nom = forms.CharField(label="Nom de votre organisation", max_length=200)

    def clean_courriel(self) -> str:
        courriel = self.cleaned_data["courriel"].strip().lower()
        if not courriel_professionnel(courriel):
            raise ValidationError("Utilisez votre adresse électronique professionnelle.")
        return courriel

    def clean_siret(self) -> str:
        return _siret(self.cleaned_data["siret"])

    def clean(self) -> dict[str, Any]:
        donnees = super().clean()
        mot_de_passe = donnees.get("mot_de_passe")
        if mot_de_passe and mot_de_passe != donnees.get("mot_de_passe_confirmation"):
            self.add_error("mot_de_passe_confirmation", "Les deux mots de passe ne sont pas identiques.")
        elif mot_de_passe:
            from django.contrib.auth.models import User

            candidat = User(
                username=donnees.get("courriel", ""),
                email=donnees.get("courriel", ""),
                first_name=donnees.get("prenom", ""),
                last_name=donnees.get("nom", ""),
            )
            try:
                validate_password(mot_de_passe, candidat)
            except ValidationError as erreur:
                self.add_error("mot_de_passe", erreur)
        return donnees


class ConnexionForm(FormulaireDsfr):
    courriel = forms.EmailField(label="Adresse électronique", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    mot_de_passe = forms.CharField(
        label="Mot de passe", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class OrganisationForm(FormulaireDsfr):
    siret = forms.CharField(label="SIRET", max_length=20)
    nom = forms.CharField(label="Nom de l'organisation", max_length=200)

    def clean_siret(self) -> str:
        return _siret(self.cleaned_data["siret"])


class NouvelleDemandeForm(FormulaireDsfr):
    organisation: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label="Organisation demandeuse", queryset=None, empty_label=None
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


def _texte(cle: str, *, long: bool = False, max_length: int = 2000, **kwargs: Any) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": 4}) if long else forms.TextInput()
    return forms.CharField(label=LIBELLES[cle], required=False, max_length=max_length, widget=widget, **kwargs)


def _case(cle: str, **kwargs: Any) -> forms.BooleanField:
    return forms.BooleanField(label=LIBELLES[cle], required=False, **kwargs)


def _valider_courriel(valeur: str) -> None:
    if not courriel_valide(valeur.strip()):
        raise ValidationError("Adresse électronique invalide (exemple : nom@administration.fr).")


def _valider_telephone(valeur: str) -> None:
    if not telephone_valide(valeur):
        raise ValidationError("Numéro de téléphone invalide (exemple : 01 23 45 67 89).")


def _courriel(cle: str) -> forms.CharField:
    return forms.CharField(
        label=LIBELLES[cle], required=False, max_length=254, widget=forms.EmailInput(), validators=[_valider_courriel]
    )


def _telephone(cle: str) -> forms.CharField:
    return forms.CharField(
        label=LIBELLES[cle],
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel"}),
        validators=[_valider_telephone],
    )


class DemandeForm(FormulaireDsfr):
    """Every field is optional so drafts save partially; `demande_soumettre` requires the rest."""

    intitule = _texte("intitule", max_length=200, help_text="Il sera rendu public avec l'habilitation.")
    description = _texte("description", long=True, help_text="La démarche administrative concernée.")
    simplification = _texte(
        "simplification", long=True, help_text="Ce que l'usager n'a plus à fournir ou à faire grâce à ces données."
    )
    client_siret = _texte("client_siret", max_length=20)
    client_nom = _texte("client_nom", max_length=200)
    justification_l114_8 = _texte(
        "justification_l114_8", long=True, help_text="En quoi l'administration cliente relève de l'article L114-8."
    )
    cadre_juridique_nature = _texte(
        "cadre_juridique_nature", long=True, help_text="Loi, décret, arrêté ou délibération, avec ses articles."
    )
    cadre_juridique_url = forms.URLField(
        label=LIBELLES["cadre_juridique_url"],
        required=False,
        assume_scheme="https",
        help_text="Par exemple sur Légifrance.",
    )
    cadre_juridique_pdf = forms.FileField(
        label="Ou le texte en PDF",
        required=False,
        help_text="Format PDF, 10 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
    donnees = forms.MultipleChoiceField(
        label=LIBELLES["donnees"],
        required=False,
        choices=[(c, CHAMPS_DONNEES_LIBELLES[c]) for c in CHAMPS_DONNEES],
        widget=forms.CheckboxSelectMultiple,
        help_text="Seulement ce qui est strictement nécessaire ; demander les deux exige de justifier chacune.",
    )
    justification_solidarite = _texte("justification_solidarite", long=True)
    justification_chomage = _texte("justification_chomage", long=True)
    mode_connecte = _case("mode_connecte", help_text="Le demandeur d'emploi se connecte et consent (PE Connect).")
    redirect_uris = _texte(
        "redirect_uris",
        long=True,
        help_text="Une adresse par ligne, exacte, en https (exemple : https://demarche.fr/retour).",
    )
    mode_serveur = _case(
        "mode_serveur", help_text="Votre serveur interroge l'API pour une personne (API Particulier)."
    )
    destinataires_siret = _texte(
        "destinataires_siret",
        long=True,
        help_text="SIRET des administrations qui reçoivent les données, un par ligne.",
    )
    volume_journalier = forms.IntegerField(
        label=LIBELLES["volume_journalier"], required=False, min_value=1, max_value=VOLUME_MAX
    )
    date_mise_en_production = forms.DateField(
        label=LIBELLES["date_mise_en_production"], required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    destinataires_donnees = _texte(
        "destinataires_donnees", long=True, help_text="Services et agents qui voient les données."
    )
    duree_conservation = forms.IntegerField(
        label=LIBELLES["duree_conservation"], required=False, min_value=1, max_value=CONSERVATION_MAX_MOIS
    )
    justification_conservation = _texte(
        "justification_conservation", long=True, help_text="Obligatoire au-delà de 36 mois."
    )
    responsable_traitement_nom = _texte("responsable_traitement_nom", max_length=200)
    responsable_traitement_courriel = _courriel("responsable_traitement_courriel")
    responsable_traitement_telephone = _telephone("responsable_traitement_telephone")
    dpo_nom = _texte("dpo_nom", max_length=200)
    dpo_courriel = _courriel("dpo_courriel")
    dpo_telephone = _telephone("dpo_telephone")
    technique_nom = _texte("technique_nom", max_length=200)
    technique_courriel = _courriel("technique_courriel")
    technique_telephone = _telephone("technique_telephone")
    cgu_acceptees = _case("cgu_acceptees")
    dpo_informe = _case("dpo_informe")

    CHAMPS_LISTES = ("redirect_uris", "destinataires_siret")
    OBLIGATOIRES_POUR_SOUMETTRE = frozenset(
        {
            "intitule", "description", "simplification", "client_siret", "client_nom", "justification_l114_8",
            "cadre_juridique_nature", "donnees", "volume_journalier", "date_mise_en_production",
            "destinataires_donnees", "duree_conservation", "cgu_acceptees", "dpo_informe",
            *(f"{contact}_{champ}" for contact in CONTACTS for champ in ("nom", "courriel", "telephone")),
        }
    )  # fmt: skip
    CHAMPS_EDITEUR = ("client_siret", "client_nom", "justification_l114_8")

    def __init__(self, *args: Any, editeur: bool, donnees: dict[str, Any] | None = None, **kwargs: Any):
        if donnees is not None and "data" not in kwargs and not args:
            kwargs["initial"] = self._initial(donnees)
        super().__init__(*args, **kwargs)
        if not editeur:
            for cle in self.CHAMPS_EDITEUR:
                del self.fields[cle]
        for cle in self.OBLIGATOIRES_POUR_SOUMETTRE & set(self.fields):
            # Not `required` (a draft may be incomplete), but marked as the DSFR marks required fields.
            champ = self.fields[cle]
            champ.label = format_html('{}<span class="fr-required-marker" aria-hidden="true"> *</span>', champ.label)
            champ.widget.attrs["aria-required"] = "true"
        self._bound_fields_cache.clear()  # DsfrBaseForm bound them already: the labels above must show

    @classmethod
    def _initial(cls, donnees: dict[str, Any]) -> dict[str, Any]:
        initial = dict(donnees)
        for cle in cls.CHAMPS_LISTES:
            initial[cle] = "\n".join(donnees.get(cle) or [])
        return initial

    def clean_client_siret(self) -> str:
        valeur = self.cleaned_data.get("client_siret", "")
        return _siret(valeur) if valeur else ""

    def clean_cadre_juridique_pdf(self) -> UploadedFile | None:
        fichier = self.cleaned_data.get("cadre_juridique_pdf")
        if not fichier:
            return None
        if fichier.size > settings.HABILITATIONS_PDF_TAILLE_MAX:
            raise ValidationError("Le fichier dépasse 10 Mo.")
        debut = fichier.read(len(PDF_SIGNATURE))
        fichier.seek(0)
        if debut != PDF_SIGNATURE:
            raise ValidationError("Le fichier n'est pas un PDF.")
        return fichier

    def clean_redirect_uris(self) -> list[str]:
        uris = _lignes(self.cleaned_data.get("redirect_uris", ""))
        schemes = frozenset(settings.OAUTH2_PROVIDER.get("ALLOWED_REDIRECT_URI_SCHEMES", ["https"]))
        erreurs = [erreur for erreur in (uri_retour_erreur(uri, schemes) for uri in uris) if erreur]
        if erreurs:
            raise ValidationError(erreurs)
        return uris

    def clean_destinataires_siret(self) -> list[str]:
        sirets = [s.replace(" ", "") for s in _lignes(self.cleaned_data.get("destinataires_siret", ""))]
        invalides = [s for s in sirets if not siret_valide(s)]
        if invalides:
            raise ValidationError(f"SIRET invalides (14 chiffres, clé de contrôle) : {', '.join(invalides)}.")
        return sirets

    def contenu(self) -> dict[str, Any]:
        """The request's content as stored: JSON values, no file."""
        valeurs = {cle: v for cle, v in self.cleaned_data.items() if cle != "cadre_juridique_pdf"}
        for cle, valeur in valeurs.items():
            if isinstance(valeur, date):
                valeurs[cle] = valeur.isoformat()
            elif isinstance(valeur, str):
                valeurs[cle] = valeur.strip()
        return valeurs

    def erreurs_ajouter(self, erreurs: dict[str, str]) -> None:
        """Shows the submission's completeness errors on their fields."""
        for cle, message in erreurs.items():
            self.add_error(cle if cle in self.fields else None, message)


class DecisionForm(FormulaireDsfr):
    decision = forms.ChoiceField(
        label="Décision",
        widget=forms.RadioSelect,
        choices=[
            (Action.VALIDER.value, "Valider"),
            (Action.DEMANDER_MODIFICATIONS.value, "Demander des modifications"),
            (Action.REFUSER.value, "Refuser"),
            (Action.REVOQUER.value, "Révoquer l'habilitation"),
        ],
    )
    motif = forms.CharField(
        label="Motif",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Obligatoire pour demander des modifications, refuser ou révoquer ; il est envoyé au demandeur.",
    )

    confirmer_revocation = forms.BooleanField(
        label="Je confirme la révocation",
        required=False,
        help_text=(
            "Une révocation prend effet immédiatement : le client_id et tous ses secrets (y compris un ancien "
            "secret en période de grâce) sont refusés, les jetons en cours cessent de fonctionner, et "
            "l'administration devra déposer une nouvelle demande."
        ),
    )

    def __init__(self, *args: Any, actions: list[Action], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["decision"]
        field.choices = [(valeur, libelle) for valeur, libelle in field.choices if valeur in actions]
        if Action.REVOQUER not in actions:
            del self.fields["confirmer_revocation"]

    def clean(self) -> dict[str, Any]:
        donnees = super().clean()
        if donnees.get("decision") == Action.REVOQUER.value and not donnees.get("confirmer_revocation"):
            self.add_error("confirmer_revocation", "Cochez la case pour confirmer la révocation et ses conséquences.")
        return donnees


class RenouvellementForm(FormulaireDsfr):
    confirmer = forms.BooleanField(
        label="Je confirme le renouvellement du secret",
        error_messages={"required": "Cochez la case pour confirmer le renouvellement."},
    )


class MessageForm(FormulaireDsfr):
    texte = forms.CharField(label="Votre message", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class ProlongationForm(FormulaireDsfr):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for cle, question in QUESTIONS_PROLONGATION.items():
            self.fields[cle] = forms.ChoiceField(
                label=question, choices=[("oui", "Oui"), ("non", "Non")], widget=forms.RadioSelect
            )

    def reponses(self) -> dict[str, bool]:
        return {cle: self.cleaned_data[cle] == "oui" for cle in QUESTIONS_PROLONGATION}


class FiltresForm(FormulaireDsfr):
    etat = forms.ChoiceField(
        label="État", required=False, choices=[("", "Tous"), *((e.value, ETAT_LIBELLES[e]) for e in Etat)]
    )
    organisation = forms.CharField(label="Organisation (nom ou SIRET)", required=False, max_length=200)
    depuis = forms.DateField(label="Depuis le", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    jusqu_au = forms.DateField(label="Jusqu'au", required=False, widget=forms.DateInput(attrs={"type": "date"}))
