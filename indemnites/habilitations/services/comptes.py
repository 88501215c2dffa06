"""Agents' accounts and their organisations."""

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.utils import timezone

from indemnites.core.domain import siret_valide
from indemnites.habilitations import notifications
from indemnites.habilitations.domain import RegleEnfreinte, courriel_professionnel
from indemnites.habilitations.models import Agent, Appartenance, Organisation

VERIFICATION_SALT = "habilitations.verification"
VERIFICATION_DUREE_SECONDES = 48 * 3600


class CourrielNonProfessionnel(RegleEnfreinte):
    pass


class SiretInvalide(RegleEnfreinte):
    pass


def organisation_obtenir(*, siret: str, nom: str) -> Organisation:
    """The organisation with this SIRET; created with `nom` if it is new (an existing name is kept)."""
    if not siret_valide(siret):
        raise SiretInvalide("Le SIRET doit compter 14 chiffres avec une clé valide.")
    organisation, _ = Organisation.objects.get_or_create(siret=siret, defaults={"nom": nom.strip() or siret})
    return organisation


def organisation_rejoindre(*, agent: Agent, siret: str, nom: str) -> Organisation:
    organisation = organisation_obtenir(siret=siret, nom=nom)
    Appartenance.objects.get_or_create(agent=agent, organisation=organisation)
    return organisation


def _verification_jeton(agent: Agent) -> str:
    return signing.dumps({"agent": agent.pk, "courriel": agent.user.email}, salt=VERIFICATION_SALT)


@transaction.atomic
def agent_inscrire(
    *, courriel: str, mot_de_passe: str, prenom: str, nom: str, siret: str, organisation_nom: str
) -> Agent | None:
    """A new agent, not verified until the emailed link is opened. An address already known gets no
    second account, and the page does not tell (no account enumeration): the owner is told by email."""
    courriel = courriel.strip().lower()
    if not courriel_professionnel(courriel):
        raise CourrielNonProfessionnel("Utilisez votre adresse électronique professionnelle.")
    User = get_user_model()
    if User.objects.filter(username=courriel).exists():
        notifications.compte_existant_envoyer(courriel=courriel)
        return None
    user = User.objects.create_user(
        username=courriel, email=courriel, password=mot_de_passe, first_name=prenom.strip(), last_name=nom.strip()
    )
    agent = Agent.objects.create(user=user)
    organisation_rejoindre(agent=agent, siret=siret, nom=organisation_nom)
    notifications.verification_envoyer(agent=agent, jeton=_verification_jeton(agent))
    return agent


def agent_verifier(*, jeton: str) -> Agent | None:
    """Marks the address verified when the link is genuine, recent and still matches the account."""
    try:
        contenu = signing.loads(jeton, salt=VERIFICATION_SALT, max_age=VERIFICATION_DUREE_SECONDES)
    except signing.BadSignature:
        return None
    agent = Agent.objects.select_related("user").filter(pk=contenu.get("agent")).first()
    if agent is None or agent.user.email != contenu.get("courriel"):
        return None
    if agent.courriel_verifie_le is None:
        agent.courriel_verifie_le = timezone.now()
        agent.save(update_fields=["courriel_verifie_le"])
    return agent


@transaction.atomic
def agent_identite_externe_rattacher(
    *, courriel: str, prenom: str, nom: str, siret: str, organisation_nom: str
) -> Agent:
    """The ProConnect seam: claims already verified by the identity provider (email, SIRET) become a
    verified agent, member of that organisation. No password is set."""
    courriel = courriel.strip().lower()
    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username=courriel, defaults={"email": courriel, "first_name": prenom, "last_name": nom}
    )
    agent, _ = Agent.objects.get_or_create(user=user)
    if agent.courriel_verifie_le is None:
        _compte_non_verifie_reprendre(agent)
    organisation_rejoindre(agent=agent, siret=siret, nom=organisation_nom)
    return agent


def _compte_non_verifie_reprendre(agent: Agent) -> None:
    """An account whose address nobody ever proved (a new one, or a local signup never verified) passes to
    the address's owner as ProConnect vouches for it: whoever signed up with that address keeps neither the
    password they chose nor the organisations they named."""
    agent.user.set_unusable_password()
    agent.user.save(update_fields=["password"])
    Appartenance.objects.filter(agent=agent).delete()
    agent.courriel_verifie_le = timezone.now()
    agent.save(update_fields=["courriel_verifie_le"])


def agent_roles_definir(*, agent: Agent, instructeur: bool, administrateur: bool) -> Agent:
    """Administrators run Django's admin (staff and superuser); roles change only here or in the admin."""
    agent.instructeur, agent.administrateur = instructeur, administrateur
    agent.save(update_fields=["instructeur", "administrateur"])
    agent.user.is_staff = agent.user.is_superuser = administrateur
    agent.user.save(update_fields=["is_staff", "is_superuser"])
    return agent
