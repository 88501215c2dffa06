"""Reading the registry."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Exists, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from indemnites.droits.domain import Organisme, Periode, Source, fraicheur_raison, sources_evaluer
from indemnites.droits.models import DemandeurEmploi, Droit, Generation, IdentiteAnterieure, ImportDroits


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


# What a data call sees: the current generation's persons (`d`) and rights (`r`), never those an import is
# writing beside them (models.Generation). The number is read once per statement, in the statement's own
# snapshot; a registry without its row (a flushed test database) is generation 0.
GENERATION_SQL = f"COALESCE((SELECT numero FROM {Generation._meta.db_table} WHERE id = 1), 0)"
PERSONNE_VISIBLE_SQL = f"d.generation <= {GENERATION_SQL}"
DROIT_VISIBLE_SQL = (
    f"r.generation_debut <= {GENERATION_SQL} AND (r.generation_fin IS NULL OR r.generation_fin > {GENERATION_SQL})"
)
# A person's former keys (`a`), which calls find them by until the import that changed them switches.
ANTERIEURE_VISIBLE_SQL = f"a.generation_fin > {GENERATION_SQL}"


def _generation_courante() -> Coalesce:
    return Coalesce(Subquery(Generation.objects.filter(pk=1).values("numero")[:1]), 0)


def demandeurs_visibles() -> QuerySet[DemandeurEmploi]:
    """The persons a data call sees (the current generation), for reads other than the data call's:
    never one an unfinished import is writing, which that import erases if it fails."""
    return DemandeurEmploi.objects.filter(generation__lte=_generation_courante())


def _identites_anterieures_visibles() -> QuerySet[IdentiteAnterieure]:
    """The keys calls still find persons by, which an unfinished import has changed (models.IdentiteAnterieure)."""
    return IdentiteAnterieure.objects.filter(generation_fin__gt=_generation_courante())


def demandeurs_nes_le(jour: date) -> QuerySet[DemandeurEmploi]:
    """The persons a data call sees born on `jour`, by the birth date it sees them with: while an import
    corrects a birth date, the former one until its switch, then the new one."""
    anterieures = _identites_anterieures_visibles()
    actuels = (
        demandeurs_visibles().filter(date_naissance=jour).filter(~Exists(anterieures.filter(demandeur=OuterRef("pk"))))
    )
    corriges = demandeurs_visibles().filter(pk__in=anterieures.filter(date_naissance=jour).values("demandeur"))
    return actuels.union(corriges, all=True)


DEMANDEURS = DemandeurEmploi._meta.db_table
ANTERIEURES = IdentiteAnterieure._meta.db_table
# Hand-written for the same reason as oauth.selectors: this runs on every API call.
_DOSSIER_SQL = f"""
SELECT d.pseudonyme, r.prestation, r.date_debut, r.date_fin
FROM {DEMANDEURS} d
LEFT JOIN {Droit._meta.db_table} r ON r.demandeur_id = d.id AND {DROIT_VISIBLE_SQL}
WHERE {{condition}} AND {PERSONNE_VISIBLE_SQL}
"""
# Whom a call finds by keys: while an unfinished import changes a person's keys, by the former ones (`a`);
# else by their keys. Each key is unique in its generation: one of the two finds someone at most. Two
# index searches, the first in a table empty outside imports; as scalar subqueries, PostgreSQL plans this
# in about 0.1 ms less than a UNION of the two.
_TROUVEE_PAR_CLES_SQL = f"""d.id = COALESCE(
    (SELECT a.demandeur_id FROM {ANTERIEURES} a WHERE {{cles_a}} AND {ANTERIEURE_VISIBLE_SQL}),
    (SELECT p.id FROM {DEMANDEURS} p WHERE {{cles_p}} AND NOT EXISTS (
        SELECT 1 FROM {ANTERIEURES} a WHERE a.demandeur_id = p.id AND {ANTERIEURE_VISIBLE_SQL})))"""


def _cles_condition(identite: Identite, table: str) -> tuple[str, list[Any]]:
    if identite.identifiant is not None:
        return f"{table}.identifiant = %s", [identite.identifiant]
    return f"{table}.nir_hash = %s AND {table}.date_naissance = %s", [identite.nir_hash, identite.date_naissance]


def identite_condition(identite: Identite) -> tuple[str, list[Any]]:
    """The SQL condition on the persons' table (as `d`) that finds this identity for a data call, and its
    parameters. The login account is no key an import changes."""
    if identite.utilisateur_id is not None:
        return "d.utilisateur_id = %s", [identite.utilisateur_id]
    cles_a, params = _cles_condition(identite, "a")
    cles_p, _ = _cles_condition(identite, "p")
    return _TROUVEE_PAR_CLES_SQL.format(cles_a=cles_a, cles_p=cles_p), params + params


def dossier_lire(*, identite: Identite) -> Dossier | None:
    """The person's rights, or None when no one matches (a wrong birth date matches no one)."""
    condition, params = identite_condition(identite)
    with connection.cursor() as cursor:
        cursor.execute(_DOSSIER_SQL.format(condition=condition), params)
        return dossier_construire(cursor.fetchall())


def dossier_construire(rows: list[tuple[Any, ...]]) -> Dossier | None:
    """The dossier from (pseudonyme, prestation, début, fin) rows of one person; None without rows."""
    if not rows or rows[0][0] is None:
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


# Freshness: the end of each organisme's last successful import ---------------------------------------------


def sources_mises_a_jour() -> dict[str, datetime]:
    """Organisme → end instant of its last successful import (organismes never imported are absent)."""
    lignes = (
        ImportDroits.objects.filter(resultat=ImportDroits.Resultat.REUSSI)
        .exclude(organisme="")
        .values("organisme")
        .annotate(fin=Max("fin"))
        .values_list("organisme", "fin")
    )
    return dict(lignes)


def donnees_date_mise_a_jour() -> datetime | None:
    """The oldest of the sources' last updates: every answer's data is at least that fresh. None while one
    organisme was never imported (its rights' age is unknown, and a date would overstate their freshness)."""
    sources = sources_mises_a_jour()
    if set(sources) != {organisme.value for organisme in Organisme}:
        return None
    return min(sources.values())


@dataclass(frozen=True)
class Fraicheur:
    sources: tuple[Source, ...]
    raison: str  # empty when no source is stale

    @property
    def ok(self) -> bool:
        return not self.raison


def fraicheur_lire() -> Fraicheur:
    """Each organisme's last update and whether it is older than DROITS_FRAICHEUR_MAX_HEURES."""
    max_heures = settings.DROITS_FRAICHEUR_MAX_HEURES
    sources = sources_evaluer(sources_mises_a_jour(), maintenant=timezone.now(), max_heures=max_heures)
    return Fraicheur(sources=sources, raison=fraicheur_raison(sources, max_heures=max_heures))
