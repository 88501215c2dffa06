"""Reading the registry."""

import uuid
from dataclasses import dataclass
from datetime import date

from django.db import connection

from indemnites.droits.domain import Periode
from indemnites.droits.models import DemandeurEmploi, Droit


@dataclass(frozen=True)
class Identite:
    """Exactly one key: the France Travail identifiant, the NIR hash with the birth date, or the login
    account of the connected job seeker (connected mode)."""

    identifiant: str | None = None
    nir_hash: str | None = None
    date_naissance: date | None = None
    utilisateur_id: int | None = None


@dataclass(frozen=True)
class Dossier:
    pseudonyme: str
    periodes: tuple[Periode, ...]


# Hand-written for the same reason as oauth.selectors: this runs on every API call.
_DOSSIER_SQL = f"""
SELECT d.pseudonyme, r.prestation, r.date_debut, r.date_fin
FROM {DemandeurEmploi._meta.db_table} d
LEFT JOIN {Droit._meta.db_table} r ON r.demandeur_id = d.id
WHERE {{condition}}
"""
_PAR_IDENTIFIANT = _DOSSIER_SQL.format(condition="d.identifiant = %s")
_PAR_NIR = _DOSSIER_SQL.format(condition="d.nir_hash = %s AND d.date_naissance = %s")
_PAR_UTILISATEUR = _DOSSIER_SQL.format(condition="d.utilisateur_id = %s")


def dossier_lire(*, identite: Identite) -> Dossier | None:
    """The person's rights, or None when no one matches (a wrong birth date matches no one)."""
    if identite.identifiant is not None:
        sql, params = _PAR_IDENTIFIANT, [identite.identifiant]
    elif identite.utilisateur_id is not None:
        sql, params = _PAR_UTILISATEUR, [identite.utilisateur_id]
    else:
        sql, params = _PAR_NIR, [identite.nir_hash, identite.date_naissance]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return None
    periodes = tuple(Periode(prestation, debut, fin) for _, prestation, debut, fin in rows if prestation)
    return Dossier(pseudonyme=str(uuid.UUID(str(rows[0][0]))), periodes=periodes)


@dataclass(frozen=True)
class Profil:
    """What the connected job seeker's identity claims are made of (OpenID Connect)."""

    pseudonyme: str
    prenom: str
    nom: str
    email: str
    sexe: str  # M, F, or empty when the registry does not know it


def profil_lire(*, utilisateur_id: int) -> Profil | None:
    """The registry's person behind a login account, or None when the account is no job seeker's."""
    ligne = (
        DemandeurEmploi.objects.filter(utilisateur_id=utilisateur_id)
        .values_list("pseudonyme", "prenom", "nom_naissance", "email", "sexe")
        .first()
    )
    if ligne is None:
        return None
    pseudonyme, prenom, nom, email, sexe = ligne
    return Profil(pseudonyme=str(pseudonyme), prenom=prenom, nom=nom, email=email, sexe=sexe)
