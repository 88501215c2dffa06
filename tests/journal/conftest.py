"""Building blocks of the journal tests: records written through the service, tampering through SQL
(as someone with write access to the database would), the verify command's output."""

from collections.abc import Callable, Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from indemnites.journal.domain import ACCES, GENESE
from indemnites.journal.models import Enregistrement, Mode, PointDeControle, TeteChaine
from indemnites.journal.services import Trace, acces_enregistrer, etat, journaux_sceller

TABLE = Enregistrement._meta.db_table
TETE = TeteChaine._meta.db_table


def trace(numero: int = 0, **valeurs: Any) -> Trace:
    champs = {
        "request_id": f"requete-{numero:06d}",
        "mode": Mode.PARTENAIRE,
        "resultat": "donnees-transmises",
        "statut": 200,
        "client_id": "client-test",
        "destinataire": "13002526500013",
        "sujet": "8d9c1f52-6f39-4c55-9c1a-4d1f3e0e8a11",
        "champs": ("beneficiaireAssuranceChomage",),
        "reference_dossier": f"DOSSIER-{numero}",
        "empreinte_requete": "ab" * 32,
    }
    return Trace(**{**champs, **valeurs})


def ecrire(nombre: int, *, sceller: bool = True, **valeurs: Any) -> None:
    """`nombre` access records written through the service, then sealed as the background sealer would."""
    for numero in range(nombre):
        acces_enregistrer(trace=trace(numero, **valeurs))
    if sceller:
        journaux_sceller()


def sql(requete: str, parametres: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(requete, parametres or [])


def vider() -> None:
    """An empty journal, head back to its origin (between hypothesis examples)."""
    sql(f"DELETE FROM {TABLE}")
    PointDeControle.objects.all().delete()
    sql(f"UPDATE {TETE} SET rang = 0, empreinte = %s WHERE journal = %s", [GENESE, ACCES])


@pytest.fixture(autouse=True)
def _etat_du_scellement_oublie() -> Iterator[None]:
    """What the sealer last saw is process-wide: no test leaves a "sealing late" finding to the next one."""
    etat.oublier()
    yield
    etat.oublier()


@pytest.fixture
def verifier() -> Callable[..., tuple[bool, str]]:
    """Runs `manage.py journal_verify`: (intact, output)."""

    def run(*args: str) -> tuple[bool, str]:
        sortie = StringIO()
        try:
            call_command("journal_verify", "--journal", ACCES, *args, stdout=sortie)
        except CommandError as erreur:
            return False, sortie.getvalue() + str(erreur)
        return True, sortie.getvalue()

    return run


def habilitation_creer(
    application: Any, *, intitule: str, nom: str, siret: str, email_agent: str, validee_le: Any = None
) -> Any:
    """An active habilitation bound to `application`, validated by an instructor (built with the models:
    only its snapshot matters to the journal)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from indemnites.habilitations.models import Agent, Demande, Habilitation, Organisation

    utilisateur = get_user_model().objects.create_user(username=email_agent, email=email_agent, password="x" * 16)
    agent = Agent.objects.create(user=utilisateur, instructeur=True, courriel_verifie_le=timezone.now())
    organisation = Organisation.objects.create(siret=siret, nom=nom)
    demande = Demande.objects.create(
        organisation=organisation, demandeur=agent, donnees={"intitule": intitule}, application=application
    )
    return Habilitation.objects.create(
        demande=demande,
        version=1,
        donnees={"intitule": intitule},
        organisation_siret=siret,
        organisation_nom=nom,
        validee_le=validee_le or timezone.now(),
        validee_par=agent,
    )


def client_caf_habilite() -> Any:
    """A connected-mode client of the CAF, with its habilitation (validated 1 January 2026): the citizen page
    names the organisation and the démarche from it."""
    from datetime import UTC, datetime

    from tests.oauth import outils

    client = outils.client_individu(nom="Logiciel de la CAF")
    habilitation_creer(
        client.application,
        intitule="Prime d'activité",
        nom="Caisse d'allocations familiales de Paris",
        siret="53482498700015",
        email_agent="agent.instructeur@exemple.fr",
        validee_le=datetime(2026, 1, 1, tzinfo=UTC),
    )
    return client
