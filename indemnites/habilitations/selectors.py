"""Reads of requests, habilitations and their history, always through the reader's rights."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.utils import timezone

from indemnites.habilitations.domain import (
    CHAMPS_DONNEES,
    CHAMPS_DONNEES_LIBELLES,
    LIBELLES,
    Etat,
    Qualite,
    Situation,
    difference,
    peut_voir,
    prolongation_ouverte,
)
from indemnites.habilitations.models import Agent, Demande, Evenement, Habilitation, Message


def agent_de(user: User | AnonymousUser) -> Agent | None:
    if not user.is_authenticated:
        return None
    return Agent.objects.filter(user=user).first()


def qualite_calculer(agent: Agent, demande: Demande) -> Qualite:
    return Qualite(
        membre=agent.organisations.filter(pk=demande.organisation_id).exists(),
        auteur=demande.demandeur_id == agent.pk,
        instructeur=agent.instructeur,
    )


def demande_visible(*, agent: Agent, pk: int) -> tuple[Demande, Qualite] | None:
    """The request and the reader's standing, or None when it does not exist *or* is not theirs to see:
    both answer the same, so nobody learns that another organisation's request exists."""
    demande = Demande.objects.select_related("organisation", "demandeur__user", "application").filter(pk=pk).first()
    if demande is None:
        return None
    qualite = qualite_calculer(agent, demande)
    return (demande, qualite) if peut_voir(qualite) else None


def demandes_de_l_agent(*, agent: Agent) -> QuerySet[Demande]:
    return Demande.objects.filter(organisation__in=agent.organisations.all()).select_related("organisation")


@dataclass(frozen=True)
class Filtres:
    etat: str = ""
    organisation: str = ""
    depuis: date | None = None
    jusqu_au: date | None = None


def demandes_a_instruire(*, filtres: Filtres) -> QuerySet[Demande]:
    """Every request but drafts never submitted, newest activity first."""
    demandes = Demande.objects.exclude(etat="brouillon", soumise_le__isnull=True).select_related("organisation")
    if filtres.etat:
        demandes = demandes.filter(etat=filtres.etat)
    if filtres.organisation:
        texte = filtres.organisation.strip()
        demandes = demandes.filter(Q(organisation__siret=texte) | Q(organisation__nom__icontains=texte))
    if filtres.depuis:
        demandes = demandes.filter(modifie_le__date__gte=filtres.depuis)
    if filtres.jusqu_au:
        demandes = demandes.filter(modifie_le__date__lte=filtres.jusqu_au)
    return demandes.order_by("-modifie_le")


def habilitation_active(*, demande: Demande) -> Habilitation | None:
    return demande.habilitations.filter(statut=Habilitation.Statut.ACTIVE).first()


def grace_en_cours(*, application: Any) -> datetime | None:
    """Until when the previous secret is still accepted: never once the client is revoked."""
    if application is None or not application.actif or not application.secret_precedent:
        return None
    expire_le = application.secret_precedent_expire_le
    return expire_le if expire_le and expire_le > timezone.now() else None


def derniere_habilitation(*, demande: Demande) -> Habilitation | None:
    return demande.habilitations.order_by("-version").first()


def prolongation_proposee(*, demande: Demande) -> bool:
    application = demande.application
    if demande.situation != Situation(Etat.VALIDEE) or application is None or application.expire_le is None:
        return False
    return prolongation_ouverte(timezone.localtime(application.expire_le).date(), timezone.localdate())


@dataclass(frozen=True)
class Changement:
    champ: str
    libelle: str
    avant: str
    apres: str


def valeur_affichee(cle: str, valeur: Any) -> str:
    if valeur in (None, "", []):
        return "—"
    if isinstance(valeur, bool):
        return "Oui" if valeur else "Non"
    if cle == "donnees":
        return " ; ".join(CHAMPS_DONNEES_LIBELLES.get(champ, champ) for champ in valeur)
    if isinstance(valeur, list):
        return ", ".join(str(element) for element in valeur)
    return str(valeur)


def changements(diff: dict[str, dict[str, Any]]) -> list[Changement]:
    return [
        Changement(
            cle, LIBELLES.get(cle, cle), valeur_affichee(cle, v.get("avant")), valeur_affichee(cle, v.get("apres"))
        )
        for cle, v in diff.items()
    ]


def resume(donnees: dict[str, Any]) -> list[tuple[str, str]]:
    """The request's content as label/value lines, in the form's order."""
    return [(libelle, valeur_affichee(cle, donnees.get(cle))) for cle, libelle in LIBELLES.items() if cle in donnees]


def diff_depuis_validation(*, demande: Demande) -> list[Changement] | None:
    """What the current request changes compared with its last validated version (None if never validated)."""
    derniere = derniere_habilitation(demande=demande)
    if derniere is None:
        return None
    return changements(difference(derniere.donnees, demande.donnees))


@dataclass(frozen=True)
class Entree:
    horodatage: datetime
    titre: str
    auteur: str
    motif: str = ""
    changements: tuple[Changement, ...] = ()
    message: str = ""


def _nom(agent: Agent | None, instruction: bool = False) -> str:
    if agent is None:
        return "Système"
    nom = agent.user.get_full_name() or agent.user.email
    return f"{nom} (instruction)" if instruction else nom


def chronologie(*, demande: Demande) -> list[Entree]:
    """Events and messages of the request, oldest first."""
    entrees = [
        Entree(e.horodatage, e.get_quoi_display(), _nom(e.auteur), e.motif, tuple(changements(e.diff)))
        for e in Evenement.objects.filter(demande=demande).exclude(quoi="message").select_related("auteur__user")
    ]
    entrees += [
        Entree(m.horodatage, "Message", _nom(m.auteur, m.de_l_instruction), message=m.texte)
        for m in Message.objects.filter(demande=demande).select_related("auteur__user")
    ]
    return sorted(entrees, key=lambda entree: entree.horodatage)


@dataclass(frozen=True)
class Motif:
    """The instructor's last word that the applicant must act on, shown beside the status."""

    titre: str
    motif: str
    horodatage: datetime
    grave: bool  # refusal or revocation (error banner) rather than changes requested (warning)


DECISIONS = ("soumettre", "valider", "demander_modifications", "refuser", "revoquer")
TITRES_MOTIF = {
    "demander_modifications": "Modifications demandées par l'instruction",
    "refuser": "Demande refusée",
    "revoquer": "Habilitation révoquée",
}


def dernier_motif(*, demande: Demande) -> Motif | None:
    """The reason of the last decision, unless a later submission or validation has answered it."""
    derniere = Evenement.objects.filter(demande=demande, quoi__in=DECISIONS).order_by("-horodatage", "-id").first()
    if derniere is None or derniere.quoi not in TITRES_MOTIF:
        return None
    return Motif(
        TITRES_MOTIF[derniere.quoi], derniere.motif, derniere.horodatage, derniere.quoi != "demander_modifications"
    )


@dataclass(frozen=True)
class HabilitationPublique:
    organisation: str
    siret: str
    intitule: str
    donnees: tuple[str, ...]
    cadre_juridique: str
    cadre_juridique_url: str
    validee_le: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation,
            "siret": self.siret,
            "intitule": self.intitule,
            "donnees": list(self.donnees),
            "cadre_juridique": self.cadre_juridique,
            "cadre_juridique_url": self.cadre_juridique_url,
            "validee_le": timezone.localtime(self.validee_le).date().isoformat(),
        }


def habilitations_publiques() -> list[HabilitationPublique]:
    """Active, unexpired habilitations, as open data (the same list as DataPass publishes)."""
    maintenant = timezone.now()
    actives = (
        Habilitation.objects.filter(statut=Habilitation.Statut.ACTIVE, demande__application__actif=True)
        .filter(Q(demande__application__expire_le__isnull=True) | Q(demande__application__expire_le__gt=maintenant))
        .order_by("organisation_nom", "validee_le")
    )
    return [
        HabilitationPublique(
            organisation=h.organisation_nom,
            siret=h.organisation_siret,
            intitule=h.intitule,
            donnees=tuple(c for c in CHAMPS_DONNEES if c in h.donnees.get("donnees", [])),
            cadre_juridique=h.donnees.get("cadre_juridique_nature", ""),
            cadre_juridique_url=h.donnees.get("cadre_juridique_url", ""),
            validee_le=h.validee_le,
        )
        for h in actives
    ]
