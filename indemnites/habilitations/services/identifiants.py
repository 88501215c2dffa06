"""The OAuth client a habilitation grants: created or updated on validation, secret, expiry, revocation."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from indemnites.droits.domain import CHAMPS
from indemnites.habilitations import notifications
from indemnites.habilitations.domain import (
    Acteur,
    RegleEnfreinte,
    date_expiration,
    quota_par_seconde,
    seuil_avis,
)
from indemnites.habilitations.models import Agent, AvisExpiration, Demande, Evenement, Habilitation
from indemnites.habilitations.services.commun import action_tracer, evenement_ajouter, exiger, verrouiller
from indemnites.oauth.domain import SCOPE_PARTENAIRE, SCOPES_INDIVIDU
from indemnites.oauth.models import AccessToken, Application, RefreshToken
from indemnites.oauth.services import client_secret_renouveler


def _configurer(application: Application, habilitation: Habilitation) -> None:
    """Exactly what was validated: data, modes, scopes, recipients, redirect URIs, quota."""
    donnees = habilitation.donnees
    grants, scopes = [], []
    if donnees.get("mode_serveur"):
        grants.append(Application.GRANT_CLIENT_CREDENTIALS)
        scopes.append(SCOPE_PARTENAIRE)
    if donnees.get("mode_connecte"):
        grants.append(Application.GRANT_AUTHORIZATION_CODE)
        scopes += SCOPES_INDIVIDU
        application.algorithm = Application.RS256_ALGORITHM
    application.authorization_grant_type = grants[0]
    application.grant_types = grants
    application.scopes = " ".join(scopes)
    application.champs = [champ for champ in CHAMPS if champ in donnees.get("donnees", [])]
    # Server to server: the validated recipients. Connected mode: the beneficiary receives the data.
    destinataires = list(donnees.get("destinataires_siret") or []) if donnees.get("mode_serveur") else []
    if donnees.get("mode_connecte"):
        destinataires.insert(0, habilitation.organisation_siret)
    application.destinataires = list(dict.fromkeys(destinataires))
    application.redirect_uris = " ".join(donnees.get("redirect_uris") or []) if donnees.get("mode_connecte") else ""
    application.volume_journalier = donnees["volume_journalier"]
    application.quota_par_seconde = quota_par_seconde(donnees["volume_journalier"])
    application.name = f"{habilitation.organisation_nom} — {habilitation.intitule}"[:255]
    # What the consent page tells the job seeker (connected mode).
    application.demarche = habilitation.intitule[:200]
    application.base_legale = donnees.get("cadre_juridique_nature", "")[:300]
    application.duree_conservation = f"{donnees['duree_conservation']} mois"


def client_accorder(*, demande: Demande, habilitation: Habilitation) -> Application:
    """The request's client, created on first validation (its secret is handed over later, once, to the
    applicant) and updated in place on each re-validation: same client id, grants replaced, 18 months more."""
    application = demande.application or Application(
        client_type=Application.CLIENT_CONFIDENTIAL, client_secret=secrets.token_urlsafe(32)
    )
    _configurer(application, habilitation)
    application.expire_le = date_expiration(habilitation.validee_le)
    application.actif = True
    application.full_clean()
    application.save()
    return application


def client_revoquer(*, demande: Demande) -> None:
    """Disables the client (every data call re-reads it) and ends its outstanding tokens."""
    application = demande.application
    if application is None:
        return
    maintenant = timezone.now()
    application.actif = False
    application.save(update_fields=["actif"])
    AccessToken.objects.filter(application=application, expires__gt=maintenant).update(expires=maintenant)
    RefreshToken.objects.filter(application=application, revoked__isnull=True).update(revoked=maintenant)


def client_prolonger(*, application: Application) -> None:
    application.expire_le = date_expiration(timezone.now())
    application.save(update_fields=["expire_le"])


@dataclass(frozen=True)
class SecretRemis:
    client_id: str
    secret: str
    premier: bool
    ancien_valide_jusqu_au: datetime | None
    # After several renewals within one grace period: the secret before the previous one was still accepted
    # until then, and is refused from now on (only one previous secret is ever kept).
    plus_ancien_refuse: datetime | None = None


def grace_secret() -> timedelta:
    return timedelta(days=settings.HABILITATIONS_GRACE_SECRET_JOURS)


@transaction.atomic
def secret_remettre(*, demande: Demande, agent: Agent) -> SecretRemis:
    """The first secret, or a rotation: shown to the applicant once; the old one keeps working for the
    grace period. Nobody ever saw the secret made at validation, so the first hand-over has no grace."""
    demande = verrouiller(demande)
    exiger(agent, demande, Acteur.DEMANDEUR)
    application = demande.application
    if (
        application is None
        or not application.actif
        or not demande.habilitations.filter(statut=Habilitation.Statut.ACTIVE).exists()
    ):
        raise RegleEnfreinte("Cette demande n'a pas d'habilitation active : aucun secret à remettre.")
    premier = demande.secret_remis_le is None
    grace_en_cours = application.secret_precedent_expire_le if application.secret_precedent else None
    plus_ancien_refuse = grace_en_cours if grace_en_cours and grace_en_cours > timezone.now() else None
    secret = client_secret_renouveler(application=application, grace=None if premier else grace_secret())
    if premier:
        demande.secret_remis_le = timezone.now()
        demande.save(update_fields=["secret_remis_le"])
        evenement_ajouter(demande=demande, auteur=agent, quoi=Evenement.Quoi.SECRET_REMIS)
    else:
        action_tracer(demande=demande, auteur=agent, quoi=Evenement.Quoi.SECRET_RENOUVELE)
        fin = timezone.localtime(application.secret_precedent_expire_le)
        notifications.secret_renouvele_envoyer(demande=demande, fin_grace=f"{fin:%d/%m/%Y à %H:%M}")
    return SecretRemis(
        application.client_id, secret, premier, application.secret_precedent_expire_le, plus_ancien_refuse
    )


def avis_expiration_envoyer(*, maintenant: datetime | None = None) -> int:
    """Sends the notices due (90, 60, 30, 14, 7 and 0 days before expiry); each one once only."""
    maintenant = maintenant or timezone.now()
    envoyes = 0
    actives = Habilitation.objects.filter(statut=Habilitation.Statut.ACTIVE, demande__application__actif=True)
    for demande in Demande.objects.filter(pk__in=actives.values("demande")).select_related("application"):
        envoyes += _avis_envoyer(demande, maintenant)
    return envoyes


@transaction.atomic
def _avis_envoyer(demande: Demande, maintenant: datetime) -> int:
    application = demande.application
    if application is None or application.expire_le is None:
        return 0
    expire_le, aujourdhui = timezone.localtime(application.expire_le), timezone.localtime(maintenant).date()
    seuil = seuil_avis(expire_le.date(), aujourdhui)
    if seuil is None:
        return 0
    _, cree = AvisExpiration.objects.get_or_create(
        application=application, expire_le=application.expire_le, seuil=seuil, defaults={"envoye_le": maintenant}
    )
    if cree:
        jours = max(0, (expire_le.date() - aujourdhui).days)
        notifications.expiration_envoyer(demande=demande, jours=jours, expire_le=f"{expire_le:%d/%m/%Y}")
    return int(cree)
