"""The request workflow: drafts, submission, instruction decisions, reopening, messages.

Every write goes through one transition of `domain.TRANSITIONS` (or a draft save, a message) and leaves
one append-only event. Decisions are also written to the administrative journal.
"""

import hashlib
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from indemnites.habilitations import notifications
from indemnites.habilitations.domain import (
    PROLONGATION_OUVERTE_JOURS,
    QUESTIONS_PROLONGATION,
    Acteur,
    Action,
    Etat,
    Profil,
    RegleEnfreinte,
    Situation,
    demande_erreurs,
    difference,
    peut_agir,
    prolongation_confirmee,
    prolongation_ouverte,
    transition,
)
from indemnites.habilitations.models import Agent, Demande, Evenement, Habilitation, Message, Organisation
from indemnites.habilitations.selectors import derniere_habilitation, habilitation_active, qualite_calculer
from indemnites.habilitations.services import identifiants
from indemnites.habilitations.services.commun import (
    ActionNonPermise,
    action_tracer,
    evenement_ajouter,
    exiger,
    verrouiller,
)


class DemandeIncomplete(RegleEnfreinte):
    def __init__(self, erreurs: dict[str, str]):
        super().__init__("La demande est incomplète : corrigez les champs signalés avant de la soumettre.")
        self.erreurs = erreurs


def _appliquer(demande: Demande, agent: Agent, action: Action, motif: str = "") -> Situation:
    t = transition(demande.situation, action, motif=motif)
    exiger(agent, demande, t.acteur)
    demande.etat, demande.reouverture = t.arrivee.etat, t.arrivee.reouverture
    return t.depart


def demande_creer(*, agent: Agent, organisation: Organisation, profil: Profil) -> Demande:
    if not agent.organisations.filter(pk=organisation.pk).exists():
        raise ActionNonPermise("Vous n'êtes pas membre de cette organisation.")
    if profil not in (Profil.ADMINISTRATION, Profil.EDITEUR):
        raise ActionNonPermise("Seules les administrations et les éditeurs pour une administration sont éligibles.")
    with transaction.atomic():
        demande = Demande.objects.create(organisation=organisation, demandeur=agent, profil=profil)
        evenement_ajouter(demande=demande, auteur=agent, quoi=Evenement.Quoi.CREATION)
    return demande


def _document_enregistrer(demande: Demande, document: UploadedFile, donnees: dict[str, Any]) -> None:
    empreinte = hashlib.sha256()
    for morceau in document.chunks():
        empreinte.update(morceau)
    document.seek(0)
    demande.document.save(document.name or "cadre-juridique.pdf", document, save=False)
    donnees["cadre_juridique_document"] = (document.name or "cadre-juridique.pdf")[:150]
    donnees["cadre_juridique_empreinte"] = empreinte.hexdigest()


@transaction.atomic
def demande_enregistrer(
    *, demande: Demande, agent: Agent, donnees: dict[str, Any], document: UploadedFile | None = None
) -> Demande:
    """Saves a partial draft: only the format of each given field has been checked (by the form)."""
    demande = verrouiller(demande)
    exiger(agent, demande, Acteur.DEMANDEUR)
    if demande.etat not in (Etat.BROUILLON, Etat.MODIFICATIONS_DEMANDEES):
        raise RegleEnfreinte("Une demande soumise, validée, refusée ou révoquée ne se modifie plus.")
    nouvelles = {**demande.donnees, **donnees}
    if document is not None:
        _document_enregistrer(demande, document, nouvelles)
    diff = difference(demande.donnees, nouvelles)
    demande.donnees = nouvelles
    demande.save()
    if diff:
        evenement_ajouter(demande=demande, auteur=agent, quoi=Evenement.Quoi.ENREGISTREMENT, diff=diff)
    return demande


def _schemes() -> frozenset[str]:
    return frozenset(settings.OAUTH2_PROVIDER.get("ALLOWED_REDIRECT_URI_SCHEMES", ["https"]))


@transaction.atomic
def demande_soumettre(*, demande: Demande, agent: Agent) -> Demande:
    demande = verrouiller(demande)
    _appliquer(demande, agent, Action.SOUMETTRE)
    erreurs = demande_erreurs(demande.donnees, editeur=demande.profil == Profil.EDITEUR, schemes=_schemes())
    if erreurs:
        raise DemandeIncomplete(erreurs)
    # The instructor sees what changed since the previous submission, or since the validated version.
    derniere = derniere_habilitation(demande=demande)
    reference = demande.donnees_soumises or (derniere.donnees if derniere else {})
    demande.soumise_le = timezone.now()
    demande.donnees_soumises = dict(demande.donnees)
    demande.save()
    diff = difference(reference, demande.donnees) if reference else {}
    evenement_ajouter(demande=demande, auteur=agent, quoi=Evenement.Quoi.SOUMETTRE, diff=diff)
    notifications.soumission_envoyer(demande=demande)
    return demande


@transaction.atomic
def demande_modifications_demander(*, demande: Demande, instructeur: Agent, motif: str) -> Demande:
    demande = verrouiller(demande)
    _appliquer(demande, instructeur, Action.DEMANDER_MODIFICATIONS, motif)
    demande.save()
    action_tracer(demande=demande, auteur=instructeur, quoi=Evenement.Quoi.DEMANDER_MODIFICATIONS, motif=motif)
    notifications.decision_envoyer(
        demande=demande,
        sujet="Modifications demandées",
        texte=f"L'instruction demande des modifications sur la demande D{demande.pk} « {demande.intitule} ».",
        motif=motif,
    )
    return demande


@transaction.atomic
def demande_valider(*, demande: Demande, instructeur: Agent) -> Habilitation:
    """Freezes the request into a new habilitation and grants exactly that to the request's client."""
    demande = verrouiller(demande)
    _appliquer(demande, instructeur, Action.VALIDER)
    maintenant = timezone.now()
    precedente = habilitation_active(demande=demande)
    derniere = derniere_habilitation(demande=demande)
    if precedente:
        precedente.statut, precedente.fin_le = Habilitation.Statut.OBSOLETE, maintenant
        precedente.save(update_fields=["statut", "fin_le"])
    habilitation = Habilitation.objects.create(
        demande=demande,
        version=(derniere.version + 1) if derniere else 1,
        donnees=dict(demande.donnees),
        document=demande.document.name or "",
        organisation_siret=_beneficiaire(demande)[0],
        organisation_nom=_beneficiaire(demande)[1],
        validee_le=maintenant,
        validee_par=instructeur,
    )
    demande.application = identifiants.client_accorder(demande=demande, habilitation=habilitation)
    demande.validee_le = maintenant
    demande.save()
    diff = difference(derniere.donnees, habilitation.donnees) if derniere else {}
    action_tracer(demande=demande, auteur=instructeur, quoi=Evenement.Quoi.VALIDER, diff=diff)
    notifications.validation_envoyer(demande=demande, premiere=derniere is None)
    return habilitation


def _beneficiaire(demande: Demande) -> tuple[str, str]:
    """Who receives the data: the organisation, or the administration client an editor files for."""
    if demande.profil == Profil.EDITEUR:
        return demande.donnees.get("client_siret", ""), demande.donnees.get("client_nom", "")
    return demande.organisation.siret, demande.organisation.nom


def _restaurer(demande: Demande) -> None:
    """Back to the last validated version: its data and document, its client untouched."""
    active = habilitation_active(demande=demande)
    if active is not None:
        demande.donnees = dict(active.donnees)
        demande.document.name = active.document


@transaction.atomic
def demande_refuser(*, demande: Demande, instructeur: Agent, motif: str) -> Demande:
    demande = verrouiller(demande)
    depart = _appliquer(demande, instructeur, Action.REFUSER, motif)
    if depart.reouverture:
        _restaurer(demande)
    demande.save()
    action_tracer(demande=demande, auteur=instructeur, quoi=Evenement.Quoi.REFUSER, motif=motif)
    texte = (
        "La modification demandée est refusée ; l'habilitation en vigueur reste active, inchangée."
        if depart.reouverture
        else f"La demande D{demande.pk} « {demande.intitule} » est refusée."
    )
    notifications.decision_envoyer(demande=demande, sujet="Demande refusée", texte=texte, motif=motif)
    return demande


@transaction.atomic
def demande_revoquer(*, demande: Demande, instructeur: Agent, motif: str) -> Demande:
    """Takes effect at once: the client is disabled, so its live tokens get 401 on their next call."""
    demande = verrouiller(demande)
    depart = _appliquer(demande, instructeur, Action.REVOQUER, motif)
    if depart.reouverture:
        _restaurer(demande)
    maintenant = timezone.now()
    demande.habilitations.filter(statut=Habilitation.Statut.ACTIVE).update(
        statut=Habilitation.Statut.REVOQUEE, fin_le=maintenant
    )
    identifiants.client_revoquer(demande=demande)
    demande.save()
    action_tracer(demande=demande, auteur=instructeur, quoi=Evenement.Quoi.REVOQUER, motif=motif)
    notifications.decision_envoyer(
        demande=demande,
        sujet="Habilitation révoquée",
        texte=f"L'habilitation D{demande.pk} « {demande.intitule} » est révoquée : ses identifiants sont refusés.",
        motif=motif,
        copie=notifications.contacts(demande.donnees, "technique"),
    )
    return demande


DECISIONS = {
    Action.DEMANDER_MODIFICATIONS: demande_modifications_demander,
    Action.REFUSER: demande_refuser,
    Action.REVOQUER: demande_revoquer,
}


def demande_decider(*, demande: Demande, instructeur: Agent, action: Action, motif: str = "") -> Demande:
    """One entry point for the instructor's decision form."""
    if action == Action.VALIDER:
        demande_valider(demande=demande, instructeur=instructeur)
        return demande
    if action not in DECISIONS:
        raise RegleEnfreinte("Décision inconnue.")
    return DECISIONS[action](demande=demande, instructeur=instructeur, motif=motif)


@transaction.atomic
def demande_rouvrir(*, demande: Demande, agent: Agent, motif: str = "") -> Demande:
    """The habilitation stays active, unchanged, until the amended request is validated."""
    demande = verrouiller(demande)
    _appliquer(demande, agent, Action.ROUVRIR)
    demande.save()
    evenement_ajouter(demande=demande, auteur=agent, quoi=Evenement.Quoi.ROUVRIR, motif=motif)
    notifications.decision_envoyer(
        demande=demande,
        sujet="Habilitation en cours de modification",
        texte="La demande est rouverte pour modification ; l'habilitation validée reste active jusqu'à la "
        "validation de la nouvelle version.",
        motif=motif,
    )
    return demande


@transaction.atomic
def demande_reouverture_annuler(*, demande: Demande, agent: Agent) -> Demande:
    demande = verrouiller(demande)
    _appliquer(demande, agent, Action.ANNULER_REOUVERTURE)
    _restaurer(demande)
    demande.save()
    evenement_ajouter(demande=demande, auteur=agent, quoi=Evenement.Quoi.ANNULER_REOUVERTURE)
    notifications.decision_envoyer(
        demande=demande,
        sujet="Modification abandonnée",
        texte="La modification est abandonnée : l'habilitation validée reste en vigueur, inchangée.",
    )
    return demande


@transaction.atomic
def message_envoyer(*, demande: Demande, auteur: Agent, texte: str) -> Message:
    """The applicant or an instructor writes on the request; the other side is emailed."""
    qualite = qualite_calculer(auteur, demande)
    de_l_instruction = peut_agir(qualite, Acteur.INSTRUCTEUR)
    if not de_l_instruction and not peut_agir(qualite, Acteur.DEMANDEUR):
        raise ActionNonPermise("Seuls le demandeur et l'instruction échangent des messages sur une demande.")
    if not texte.strip():
        raise RegleEnfreinte("Le message est vide.")
    message = Message.objects.create(
        demande=demande,
        auteur=auteur,
        de_l_instruction=de_l_instruction,
        texte=texte.strip(),
        horodatage=timezone.now(),
    )
    evenement_ajouter(demande=demande, auteur=auteur, quoi=Evenement.Quoi.MESSAGE)
    notifications.message_notifier(demande=demande, de_l_instruction=de_l_instruction)
    return message


@transaction.atomic
def habilitation_prolonger(*, demande: Demande, agent: Agent, reponses: dict[str, bool]) -> bool:
    """All yes: 18 more months from today. Any no: the request is reopened for amendment instead."""
    demande = verrouiller(demande)
    exiger(agent, demande, Acteur.DEMANDEUR)
    application = demande.application
    if demande.situation != Situation(Etat.VALIDEE) or application is None or application.expire_le is None:
        raise RegleEnfreinte("Seule une habilitation validée, qui n'est pas en cours de modification, se prolonge.")
    if not prolongation_ouverte(timezone.localtime(application.expire_le).date(), timezone.localdate()):
        raise RegleEnfreinte(f"La prolongation s'ouvre {PROLONGATION_OUVERTE_JOURS} jours avant l'expiration.")
    if not prolongation_confirmee(reponses):
        negatives = [QUESTIONS_PROLONGATION[q] for q in QUESTIONS_PROLONGATION if reponses.get(q) is not True]
        demande_rouvrir(demande=demande, agent=agent, motif="Prolongation : " + " ".join(negatives))
        return False
    avant = application.expire_le
    identifiants.client_prolonger(application=application)
    diff = {"expire_le": {"avant": avant.isoformat(), "apres": application.expire_le.isoformat()}}
    evenement_ajouter(demande=demande, auteur=agent, quoi=Evenement.Quoi.PROLONGER, diff=diff)
    return True
