"""The habilitation behind a client at an instant, and how the citizen's page names who consulted. Reads the
habilitations app's models through `apps`, and tolerates clients without habilitation (sandbox clients,
clients created before habilitations existed)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldError

from indemnites.journal import domain


def habilitations_des_clients(client_ids: Iterable[str]) -> dict[str, list[tuple[str, str, str]]]:
    """For each client, its habilitations as (validated at, ended at or "", number), instants canonical, latest
    first: the sealer names, for each record, the habilitation in force at its instant. Empty when the
    habilitations app is absent (clients without habilitation are the sandbox's, or older ones)."""
    client_ids = {client_id for client_id in client_ids if client_id}
    try:
        habilitation = apps.get_model("habilitations", "Habilitation")
        lignes = habilitation.objects.filter(demande__application__client_id__in=client_ids).values_list(
            "demande__application__client_id", "validee_le", "fin_le", "pk"
        )
        lignes = list(lignes.order_by("-validee_le"))
    except (LookupError, FieldError):
        return {}
    resultat: dict[str, list[tuple[str, str, str]]] = {}
    for client_id, debut, fin, numero in lignes:
        fin_texte = domain.horodatage_canonique(fin) if fin else ""
        resultat.setdefault(client_id, []).append((domain.horodatage_canonique(debut), fin_texte, str(numero)))
    return resultat


def habilitation_en_vigueur(periodes: list[tuple[str, str, str]], horodatage: str) -> str:
    """The habilitation in force at this canonical instant among a client's, or ""."""
    for debut, fin, numero in periodes:
        if debut <= horodatage and (not fin or horodatage < fin):
            return numero
    return ""


@dataclass(frozen=True)
class Presentation:
    """How the citizen's page names who consulted: from the habilitation when there is one, else from the
    client (its name, and the recipient SIRET the call named)."""

    administration: str
    siret: str
    demarche: str


def presentations_lire(cles: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str, str], Presentation]:
    """`cles`: (client_id, habilitation, destinataire) of records."""
    cles = set(cles)
    clients = _clients({client_id for client_id, _, _ in cles})
    habilitations = _habilitations({habilitation for _, habilitation, _ in cles if habilitation.isdigit()})
    presentations = {}
    for cle in cles:
        client_id, habilitation, destinataire = cle
        snapshot = habilitations.get(habilitation)
        nom, demarche = clients.get(client_id, ("", ""))
        if snapshot is not None:
            presentations[cle] = Presentation(
                administration=snapshot[0] or nom, siret=snapshot[1] or destinataire, demarche=snapshot[2] or demarche
            )
        else:
            presentations[cle] = Presentation(
                administration=nom or "Administration non renseignée", siret=destinataire, demarche=demarche
            )
    return presentations


def _clients(client_ids: set[str]) -> dict[str, tuple[str, str]]:
    application = apps.get_model(settings.OAUTH2_PROVIDER_APPLICATION_MODEL)
    champs = {f.name for f in application._meta.get_fields()}
    colonnes = ["client_id", "name", "demarche"] if "demarche" in champs else ["client_id", "name"]
    lignes = application.objects.filter(client_id__in=client_ids).values_list(*colonnes)
    return {ligne[0]: (ligne[1], ligne[2] if len(ligne) > 2 else "") for ligne in lignes}


def _habilitations(numeros: set[str]) -> dict[str, tuple[str, str, str]]:
    try:
        habilitation = apps.get_model("habilitations", "Habilitation")
    except LookupError:
        return {}
    resultat = {}
    for snapshot in habilitation.objects.filter(pk__in=[int(n) for n in numeros]):
        nom = getattr(snapshot, "organisation_nom", "")
        siret = getattr(snapshot, "organisation_siret", "")
        resultat[str(snapshot.pk)] = (nom, siret, getattr(snapshot, "intitule", ""))
    return resultat
