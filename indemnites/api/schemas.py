"""The public contract of the server-to-server route (v1): separate from the tables."""

import re
from datetime import date
from typing import Annotated, Any

from django.conf import settings
from django.utils import timezone
from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from indemnites.core.domain import siret_valide
from indemnites.droits.domain import date_reference_erreur, nir_normaliser, nir_valide

PRINTABLE = re.compile(r"^[\x20-\x7E\u00A0-\u00FF]*$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date_text(value: Any) -> Any:
    """Dates travel as "AAAA-MM-JJ" strings only (pydantic would take a number as a timestamp)."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not ISO_DATE.match(value):
        raise PydanticCustomError("date-invalide", "Date attendue au format AAAA-MM-JJ.")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date_text)]


# What JSON Schema cannot say (the NIR's and the SIRET's keys, the bounds of `dateReference`, the NIR's
# spaces, dots and dashes) is said in the descriptions and checked by the validators below (422).
IDENTITE_UNE_SEULE: dict[str, Any] = {
    "oneOf": [
        {"required": ["identifiant"], "not": {"anyOf": [{"required": ["nir"]}, {"required": ["dateNaissance"]}]}},
        {"required": ["nir", "dateNaissance"], "not": {"required": ["identifiant"]}},
    ]
}


class IndemnisationIn(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra=IDENTITE_UNE_SEULE)

    # No `null`: an absent key is left out, never sent as null (hence `str = None`, which mypy refuses).
    identifiant: str = Field(  # type: ignore[assignment]  # absent, never null: no `null` in the schema
        None,
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9._@-]+$",
        description="Identifiant France Travail du demandeur d'emploi.",
    )
    nir: str = Field(  # type: ignore[assignment]  # absent, never null: no `null` in the schema
        None,
        description="NIR (15 caractères, clé de contrôle exacte), avec `dateNaissance`. Espaces, points et "
        "tirets sont ignorés.",
        json_schema_extra={"pattern": r"^[1-478][0-9]{4}(?:[0-9]{2}|2A|2B)[0-9]{8}$", "example": "185057800608491"},
    )
    dateNaissance: IsoDate = Field(  # type: ignore[assignment]  # absent, never null: no `null` in the schema
        None, description="Date de naissance (AAAA-MM-JJ), avec `nir`."
    )
    recipient: str = Field(
        description="SIRET de l'administration destinataire des données (14 chiffres, clé de Luhn exacte), "
        "autorisé pour ce client.",
        json_schema_extra={"pattern": r"^[0-9]{14}$", "example": "13002526500013"},
    )
    referenceDossier: str = Field(  # type: ignore[assignment]  # absent, never null: no `null` in the schema
        None,
        max_length=64,
        description="Référence du dossier à l'origine de l'appel (caractères imprimables).",
        json_schema_extra={"pattern": r"^[\x20-\x7E\u00A0-\u00FF]*$"},
    )
    dateReference: IsoDate = Field(  # type: ignore[assignment]  # absent, never null: no `null` in the schema
        None,
        description="Date à laquelle évaluer les droits (AAAA-MM-JJ ; ni future, ni plus ancienne que 24 mois ; "
        "défaut : aujourd'hui).",
    )

    @field_validator("nir", mode="before")
    @classmethod
    def _nir_normalise(cls, value: Any) -> Any:
        return nir_normaliser(value) if isinstance(value, str) else value

    @field_validator("nir")
    @classmethod
    def _nir(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not nir_valide(value):
            raise PydanticCustomError("nir-invalide", "NIR invalide : 15 caractères dont une clé de contrôle exacte.")
        return value

    @field_validator("recipient")
    @classmethod
    def _recipient(cls, value: str) -> str:
        if not siret_valide(value):
            raise PydanticCustomError("siret-invalide", "SIRET invalide : 14 chiffres avec une clé de Luhn exacte.")
        return value

    @field_validator("referenceDossier")
    @classmethod
    def _reference(cls, value: str | None) -> str | None:
        if value is not None and not PRINTABLE.match(value):
            raise PydanticCustomError("caracteres-non-imprimables", "Seuls des caractères imprimables sont acceptés.")
        return value

    @field_validator("dateReference")
    @classmethod
    def _date_reference(cls, value: date | None) -> date | None:
        if value is None:
            return None
        erreur = date_reference_erreur(value, timezone.localdate(), settings.API_DATE_REFERENCE_MAX_MONTHS)
        if erreur:
            raise PydanticCustomError("date-reference-hors-bornes", erreur)
        return value

    @model_validator(mode="after")
    def _une_seule_identite(self) -> "IndemnisationIn":
        par_nir = self.nir is not None or self.dateNaissance is not None
        if self.identifiant is not None and par_nir:
            raise PydanticCustomError(
                "identite-ambigue",
                "Une seule clé d'identité : `identifiant`, ou `nir` avec `dateNaissance`.",
                {"champ": "identifiant"},
            )
        if self.identifiant is None and not (self.nir and self.dateNaissance):
            champ = "dateNaissance" if self.nir else "nir" if self.dateNaissance else "identifiant"
            raise PydanticCustomError(
                "identite-absente", "Indiquez `identifiant`, ou `nir` avec `dateNaissance`.", {"champ": champ}
            )
        return self


class IndemnisationOut(Schema):
    """Only the fields the client's habilitation grants are present."""

    beneficiairePrestationSolidarite: bool | None = Field(
        None, description="Vrai si un droit ASS, AAH, RSA ou AER est ouvert à la date de référence."
    )
    beneficiaireAssuranceChomage: bool | None = Field(
        None, description="Vrai si un droit ARE ou ASP est ouvert à la date de référence."
    )


class ErreurChamp(Schema):
    champ: str
    regle: str
    message: str


class Probleme(Schema):
    """RFC 9457 problem details, with a stable `code` and the request id."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    instance: str
    requestId: str
    errors: list[ErreurChamp] | None = None
