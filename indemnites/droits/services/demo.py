"""Fictitious personas for the sandbox and `make run`. Loading twice changes nothing."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction

from indemnites.droits.domain import Organisme, Prestation, nir_cle, nir_hacher, sexe_du_nir
from indemnites.droits.models import DemandeurEmploi, Droit

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class DroitDemo:
    prestation: Prestation
    organisme: Organisme
    debut: int  # days from today (negative: in the past)
    fin: int | None = None


@dataclass(frozen=True)
class Persona:
    identifiant: str | None
    nir13: str
    prenom: str
    nom: str
    naissance: date
    attendu: str  # what the API answers, for the README and the sandbox page
    droits: tuple[DroitDemo, ...] = ()

    @property
    def nir(self) -> str:
        return f"{self.nir13}{nir_cle(self.nir13):02d}"


FT = Organisme.FRANCE_TRAVAIL
PERSONAS = (
    Persona(
        "jean.are",
        "1850578006084",
        "Jean",
        "Martin",
        date(1985, 5, 12),
        "assurance chômage",
        (DroitDemo(Prestation.ARE, FT, -200),),
    ),
    Persona(
        "claire.asp",
        "2900675056123",
        "Claire",
        "Bernard",
        date(1990, 6, 3),
        "assurance chômage",
        (DroitDemo(Prestation.ASP, FT, -90, 120),),
    ),
    Persona(
        "marc.ass",
        "1720313055047",
        "Marc",
        "Petit",
        date(1972, 3, 21),
        "solidarité",
        (DroitDemo(Prestation.ASS, FT, -400),),
    ),
    Persona(
        "sophie.aah",
        "2881069123456",
        "Sophie",
        "Durand",
        date(1988, 10, 9),
        "solidarité",
        (DroitDemo(Prestation.AAH, Organisme.CAF, -1000),),
    ),
    Persona(
        "paul.rsa",
        "1950933063111",
        "Paul",
        "Leroy",
        date(1995, 9, 30),
        "solidarité",
        (DroitDemo(Prestation.RSA, Organisme.CAF, -60),),
    ),
    Persona(
        "anne.aer",
        "2620144109222",
        "Anne",
        "Moreau",
        date(1962, 1, 15),
        "solidarité",
        (DroitDemo(Prestation.AER, FT, -300),),
    ),
    Persona(
        "luc.are.rsa",
        "1800759350333",
        "Luc",
        "Simon",
        date(1980, 7, 7),
        "solidarité et assurance chômage",
        (DroitDemo(Prestation.ARE, FT, -30), DroitDemo(Prestation.RSA, Organisme.MSA, -30)),
    ),
    Persona("lea.sansdroit", "2990831555444", "Léa", "Laurent", date(1999, 8, 2), "aucun droit ouvert"),
    Persona(
        "hugo.termine",
        "1870267482555",
        "Hugo",
        "Michel",
        date(1987, 2, 26),
        "aucun droit ouvert (fin le mois dernier)",
        (DroitDemo(Prestation.ARE, FT, -400, -30),),
    ),
    Persona(
        "ines.futur",
        "2010413201666",
        "Inès",
        "Garcia",
        date(2001, 4, 18),
        "aucun droit ouvert (début le mois prochain)",
        (DroitDemo(Prestation.ARE, FT, 30),),
    ),
    Persona(
        None,
        "1780576451777",
        "Karim",
        "Roux",
        date(1978, 5, 5),
        "solidarité (connu par son NIR seulement)",
        (DroitDemo(Prestation.RSA, Organisme.CAF, -500),),
    ),
)


def _upsert(model: type[M], lookup: dict[str, Any], valeurs: dict[str, Any]) -> M:
    """Create, or update only what differs: a second load writes nothing at all."""
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        return model._default_manager.create(**{**valeurs, **lookup})
    changes = {name: value for name, value in valeurs.items() if getattr(instance, name) != value}
    if changes:
        for name, value in changes.items():
            setattr(instance, name, value)
        instance.save()
    return instance


def _demandeur_enregistrer(persona: Persona) -> DemandeurEmploi:
    nir_hash = nir_hacher(persona.nir, settings.NIR_PEPPER)
    lookup = {"identifiant": persona.identifiant} if persona.identifiant else {"nir_hash": nir_hash}
    valeurs = {
        "nir_hash": nir_hash,
        "nom_naissance": persona.nom.upper(),
        "prenom": persona.prenom,
        "date_naissance": persona.naissance,
        "email": f"{(persona.identifiant or persona.prenom).lower()}@demo.invalid",
        "sexe": sexe_du_nir(persona.nir).value,
    }
    return _upsert(DemandeurEmploi, lookup, valeurs)


def _droit_enregistrer(demandeur: DemandeurEmploi, reference: str, droit: DroitDemo, aujourdhui: date) -> None:
    _upsert(
        Droit,
        {"reference": reference},
        {
            "demandeur": demandeur,
            "prestation": droit.prestation,
            "organisme": droit.organisme,
            "date_debut": aujourdhui + timedelta(days=droit.debut),
            "date_fin": None if droit.fin is None else aujourdhui + timedelta(days=droit.fin),
        },
    )


@transaction.atomic
def personas_charger(*, aujourdhui: date) -> tuple[Persona, ...]:
    for persona in PERSONAS:
        demandeur = _demandeur_enregistrer(persona)
        for rang, droit in enumerate(persona.droits, start=1):
            _droit_enregistrer(demandeur, f"DEMO-{persona.nir13}-{rang}", droit, aujourdhui)
    return PERSONAS


# Connected mode: each persona with an identifiant logs in with it and this documented, fictitious password.
DEMO_MOT_DE_PASSE = "demo-indemnites-2026"


@transaction.atomic
def comptes_demo_charger() -> tuple[str, ...]:
    """The personas' login accounts (username = identifiant), created and linked once; an account that
    already exists is left as it is."""
    modele = get_user_model()
    identifiants = tuple(persona.identifiant for persona in PERSONAS if persona.identifiant)
    for demandeur in DemandeurEmploi.objects.filter(identifiant__in=identifiants, utilisateur__isnull=True):
        compte = modele.objects.filter(username=demandeur.identifiant).first()
        demandeur.utilisateur = compte or modele.objects.create_user(
            username=demandeur.identifiant,  # type: ignore[arg-type]  # never None: filtered on it above
            password=DEMO_MOT_DE_PASSE,
        )
        demandeur.save(update_fields=["utilisateur", "updated_at"])
    return identifiants
