"""Property test of the workflow on the real database: whatever the applicant and the instructor do, the
request stays in the table, and the client always grants exactly the active habilitation."""

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from indemnites.habilitations import services
from indemnites.habilitations.domain import CHAMP_CHOMAGE, CHAMP_SOLIDARITE, SITUATIONS, Action, Etat, RegleEnfreinte
from indemnites.habilitations.models import Habilitation
from tests.habilitations.conftest import DEUX_DONNEES

ETAPES = st.lists(
    st.sampled_from([*Action, "editer_un", "editer_deux"]),
    min_size=1,
    max_size=25,
)


def _jouer(demande, etape, demandeur, instructeur) -> None:
    if etape == "editer_un":
        services.demande_enregistrer(demande=demande, agent=demandeur, donnees={"donnees": [CHAMP_CHOMAGE]})
    elif etape == "editer_deux":
        services.demande_enregistrer(demande=demande, agent=demandeur, donnees=DEUX_DONNEES)
    elif etape == Action.SOUMETTRE:
        services.demande_soumettre(demande=demande, agent=demandeur)
    elif etape == Action.ROUVRIR:
        services.demande_rouvrir(demande=demande, agent=demandeur)
    elif etape == Action.ANNULER_REOUVERTURE:
        services.demande_reouverture_annuler(demande=demande, agent=demandeur)
    else:
        services.demande_decider(demande=demande, instructeur=instructeur, action=etape, motif="Motif écrit")


def _verifier(demande) -> None:
    demande.refresh_from_db()
    assert demande.situation in SITUATIONS
    actives = list(demande.habilitations.filter(statut=Habilitation.Statut.ACTIVE))
    assert len(actives) <= 1
    application = demande.application
    if actives:
        (active,) = actives
        assert application.actif
        assert application.champs == [c for c in (CHAMP_SOLIDARITE, CHAMP_CHOMAGE) if c in active.donnees["donnees"]]
        if demande.situation.etat == Etat.VALIDEE:
            # Validated, refused reopening or cancelled reopening: the request is its active habilitation.
            assert demande.donnees == active.donnees
        else:
            assert demande.reouverture
    elif application is not None:
        assert demande.etat == Etat.REVOQUEE
        assert not application.actif


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(depuis_validee=st.booleans(), etapes=ETAPES)
def test_any_sequence_keeps_the_request_in_the_table_and_the_client_in_step(
    depuis_validee, etapes, demande_faire, demandeur_agent, instructeur
):
    demande = demande_faire()
    if depuis_validee:  # half the runs explore reopenings of a validated habilitation
        services.demande_soumettre(demande=demande, agent=demandeur_agent)
        services.demande_valider(demande=demande, instructeur=instructeur)
    for etape in etapes:
        try:
            _jouer(demande, etape, demandeur_agent, instructeur)
        except RegleEnfreinte:
            pass
        _verifier(demande)
        event(f"{demande.etat}{'+reouverture' if demande.reouverture else ''}")
