"""Emails of the habilitation workflow. Sent after the transaction commits: never for a rolled-back change."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from indemnites.habilitations.domain import CONTACTS
from indemnites.habilitations.models import Agent, Demande

logger = logging.getLogger(__name__)

SIGNATURE = "\n\n— L'équipe API indemnités (message automatique, merci de ne pas y répondre)"


def lien(nom: str, *args: object) -> str:
    """An absolute link built from the configured public address, never from the request's Host header."""
    return settings.URL_PUBLIQUE.rstrip("/") + reverse(nom, args=args)


def courriel_envoyer(*, destinataires: Iterable[str], sujet: str, corps: str) -> None:
    adresses = sorted({adresse.strip().lower() for adresse in destinataires if adresse and adresse.strip()})
    if not adresses:
        return

    def envoyer() -> None:
        try:
            send_mail(f"[API indemnités] {sujet}", corps + SIGNATURE, None, adresses)
        except OSError:
            # The decision stands even if the mail server is down; operators see the failure in the logs.
            logger.exception("courriel non envoyé", extra={"reason": sujet})

    transaction.on_commit(envoyer)


def _demandeur(demande: Demande) -> list[str]:
    return [demande.demandeur.user.email]


def contacts(donnees: dict, *cles: str) -> list[str]:
    return [donnees.get(f"{cle}_courriel", "") for cle in (cles or CONTACTS)]


def _suivi(demande: Demande) -> str:
    return f"Suivre la demande : {lien('habilitations:demande', demande.pk)}"


def instructeurs() -> list[str]:
    return list(Agent.objects.filter(instructeur=True).values_list("user__email", flat=True))


def verification_envoyer(*, agent: Agent, jeton: str) -> None:
    corps = (
        "Bonjour,\n\nPour activer votre compte d'agent sur API indemnités, confirmez votre adresse électronique "
        f"en ouvrant ce lien (valable 48 heures) :\n\n{lien('habilitations:verifier', jeton)}\n\n"
        "Si vous n'êtes pas à l'origine de cette inscription, ignorez ce message."
    )
    courriel_envoyer(destinataires=[agent.user.email], sujet="Confirmez votre adresse électronique", corps=corps)


def compte_existant_envoyer(*, courriel: str) -> None:
    corps = (
        "Bonjour,\n\nUne inscription a été tentée avec votre adresse, qui a déjà un compte d'agent. Connectez-vous : "
        f"{lien('habilitations:connexion')}\n\nSi vous n'êtes pas à l'origine de cette tentative, ignorez ce message."
    )
    courriel_envoyer(destinataires=[courriel], sujet="Vous avez déjà un compte", corps=corps)


def soumission_envoyer(*, demande: Demande) -> None:
    corps = f"Bonjour,\n\nLa demande D{demande.pk} « {demande.intitule} » a bien été soumise. {_suivi(demande)}"
    courriel_envoyer(destinataires=_demandeur(demande), sujet=f"Demande D{demande.pk} soumise", corps=corps)
    corps = (
        f"Bonjour,\n\nLa demande D{demande.pk} « {demande.intitule} » de {demande.organisation.nom} attend une "
        f"instruction : {lien('habilitations:instruction_demande', demande.pk)}"
    )
    courriel_envoyer(destinataires=instructeurs(), sujet=f"Nouvelle demande à instruire D{demande.pk}", corps=corps)


def decision_envoyer(*, demande: Demande, sujet: str, texte: str, motif: str = "", copie: Iterable[str] = ()) -> None:
    corps = f"Bonjour,\n\n{texte}"
    if motif:
        corps += f"\n\nMotif :\n{motif}"
    corps += f"\n\n{_suivi(demande)}"
    courriel_envoyer(destinataires=[*_demandeur(demande), *copie], sujet=f"{sujet} (D{demande.pk})", corps=corps)


def validation_envoyer(*, demande: Demande, premiere: bool) -> None:
    if premiere:
        texte = (
            f"La demande D{demande.pk} « {demande.intitule} » est validée. Le demandeur récupère l'identifiant et "
            f"le secret du client dans son espace : {lien('habilitations:identifiants', demande.pk)}"
        )
    else:
        texte = (
            f"La modification de l'habilitation D{demande.pk} « {demande.intitule} » est validée ; les droits du "
            "client existant sont mis à jour, ses identifiants restent les mêmes."
        )
    decision_envoyer(demande=demande, sujet="Habilitation validée", texte=texte, copie=contacts(demande.donnees))


def message_notifier(*, demande: Demande, de_l_instruction: bool) -> None:
    if de_l_instruction:
        destinataires, url = _demandeur(demande), lien("habilitations:demande", demande.pk)
    else:
        destinataires, url = instructeurs(), lien("habilitations:instruction_demande", demande.pk)
    corps = f"Bonjour,\n\nUn nouveau message a été déposé sur la demande D{demande.pk} : {url}"
    courriel_envoyer(destinataires=destinataires, sujet=f"Nouveau message (D{demande.pk})", corps=corps)


def secret_renouvele_envoyer(*, demande: Demande, fin_grace: str) -> None:
    texte = (
        f"Un nouveau secret a été généré pour le client de la demande D{demande.pk}. L'ancien secret reste accepté "
        f"jusqu'au {fin_grace}, puis il sera refusé."
    )
    decision_envoyer(
        demande=demande, sujet="Secret renouvelé", texte=texte, copie=contacts(demande.donnees, "technique")
    )


def expiration_envoyer(*, demande: Demande, jours: int, expire_le: str) -> None:
    if jours > 0:
        sujet, debut = f"Votre habilitation expire dans {jours} jours", f"expire le {expire_le}"
    else:
        sujet, debut = "Votre habilitation expire aujourd'hui", f"expire le {expire_le} ; le client est alors refusé"
    texte = (
        f"L'habilitation D{demande.pk} « {demande.intitule} » {debut}. Pour la prolonger de 18 mois, confirmez "
        f"que rien n'a changé : {lien('habilitations:prolonger', demande.pk)}"
    )
    decision_envoyer(demande=demande, sujet=sujet, texte=texte, copie=contacts(demande.donnees, "technique"))
