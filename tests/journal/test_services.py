"""Writing the journals: every record is written in the caller's transaction, before any data leaves, then
chained by the sealer; when it cannot be written, or sealing has failed for too long, the caller gets 503
and no data (no trace, no data)."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from indemnites.core.errors import JournalIndisponible
from indemnites.core.logging import request_id_var
from indemnites.habilitations.models import Habilitation
from indemnites.journal.domain import ADMINISTRATIF, GENESE
from indemnites.journal.models import ActionAdministrative, Enregistrement, TeteChaine
from indemnites.journal.services import action_enregistrer, journal_sceller, journaux_sceller, scellement
from indemnites.oauth.models import Application
from tests.api.outils import assert_problem, corps, jours
from tests.journal.conftest import TETE, ecrire, habilitation_creer, sql


def panne(table: str, moment: str = "UPDATE") -> None:
    """The database refuses every write of this kind on `table` (rolled back with the test)."""
    if connection.vendor == "postgresql":
        sql(
            "CREATE FUNCTION journal_en_panne() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'journal en panne'; END $$"
        )
        sql(f"CREATE TRIGGER panne BEFORE {moment} ON {table} FOR EACH ROW EXECUTE FUNCTION journal_en_panne()")
    else:
        sql(f"CREATE TRIGGER panne BEFORE {moment} ON {table} BEGIN SELECT RAISE(ABORT, 'journal en panne'); END")


def test_records_are_written_at_once_and_chained_by_the_sealer(appeler, demandeur, verifier):
    demandeur(droits=(("ARE", "France Travail", jours(-10), None),))

    appeler(corps())
    appeler(corps(identifiant="personne.inconnue"))
    appeler(corps(), token="inconnu")
    assert list(Enregistrement.objects.values_list("rang", "empreinte")) == [(None, "")] * 3  # written, not sealed

    assert journaux_sceller() == 3

    premier, deuxieme, troisieme = Enregistrement.objects.order_by("rang")
    assert [premier.rang, deuxieme.rang, troisieme.rang] == [1, 2, 3]
    assert [premier.statut, deuxieme.statut, troisieme.statut] == [200, 404, 401]  # in the order written
    assert premier.empreinte_precedente == GENESE
    assert deuxieme.empreinte_precedente == premier.empreinte
    assert troisieme.empreinte_precedente == deuxieme.empreinte
    assert TeteChaine.objects.get(journal="acces").empreinte == troisieme.empreinte
    assert verifier()[0] is True


def test_sealing_in_rounds_continues_the_same_chain(verifier):
    ecrire(3)
    ecrire(2, sceller=False)
    assert journal_sceller(journal="acces", limite=1) == 1

    journaux_sceller()

    assert list(Enregistrement.objects.values_list("rang", flat=True)) == [1, 2, 3, 4, 5]
    assert verifier()[0] is True


def test_when_sealing_fails_too_long_the_data_routes_answer_503_without_data(appeler, demandeur):
    demandeur(droits=(("ARE", "France Travail", jours(-10), None),))
    panne(TETE)
    assert appeler(corps()).status_code == 200  # the record is written; only its seal waits
    scellement.fond_executer()
    assert appeler(corps()).status_code == 200  # late, but within JOURNAL_SEAL_MAX_DELAY_SECONDS

    with time_machine.travel(timezone.now() + timedelta(seconds=settings.JOURNAL_SEAL_MAX_DELAY_SECONDS + 1)):
        scellement.fond_executer()
        refus = appeler(corps())
        refus_jeton = appeler(corps(), token="inconnu")

    problem = assert_problem(refus, 503, "journal-indisponible")
    assert "beneficiaire" not in refus.content.decode()
    assert "beneficiaire" not in str(problem)
    assert_problem(refus_jeton, 503, "journal-indisponible")
    assert Enregistrement.objects.count() == 2  # nothing written while refused


def test_once_sealing_catches_up_the_data_routes_answer_again(appeler, demandeur, verifier):
    demandeur(droits=(("ARE", "France Travail", jours(-10), None),))
    appeler(corps())
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.JOURNAL_SEAL_MAX_DELAY_SECONDS + 1)):
        scellement.attente_constater()  # what a sealer stuck all this time would have seen
        assert appeler(corps()).status_code == 503

        scellement.fond_executer()

        assert appeler(corps()).status_code == 200
    assert verifier()[0] is True


def test_an_administrative_action_is_refused_while_sealing_is_late():
    action_enregistrer(acteur="x", action="avant")
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.JOURNAL_SEAL_MAX_DELAY_SECONDS + 1)):
        scellement.attente_constater()

        with pytest.raises(JournalIndisponible):
            action_enregistrer(acteur="x", action="pendant")


def test_a_missing_chain_head_is_rebuilt_after_the_last_record(verifier):
    ecrire(3)
    TeteChaine.objects.filter(journal="acces").delete()

    ecrire(2)

    assert list(Enregistrement.objects.values_list("rang", flat=True)) == [1, 2, 3, 4, 5]
    assert verifier()[0] is True


def test_the_record_names_the_habilitation_in_force_at_its_instant(appeler, partenaire, jeton, demandeur):
    demandeur(droits=(("ARE", "France Travail", jours(-10), None),))
    cree = partenaire()
    premiere = habilitation_creer(
        cree.application,
        intitule="Cantine",
        nom="Mairie",
        siret="21750001600019",
        email_agent="i@exemple.fr",
        validee_le=timezone.now() - timedelta(days=30),
    )
    token = jeton(cree)
    appeler(corps(), token=token)
    # A new version replaces it before the sealer passes: the record keeps the one in force when it was written.
    Habilitation.objects.filter(pk=premiere.pk).update(statut="obsolete", fin_le=timezone.now())
    seconde = Habilitation.objects.create(
        demande=premiere.demande,
        version=2,
        donnees={"intitule": "Cantine et centre de loisirs"},
        organisation_siret="21750001600019",
        organisation_nom="Mairie",
        validee_le=timezone.now(),
        validee_par=premiere.validee_par,
    )
    appeler(corps(), token=token)

    journaux_sceller()

    assert list(Enregistrement.objects.values_list("habilitation", flat=True)) == [str(premiere.pk), str(seconde.pk)]


def test_a_client_without_habilitation_is_recorded_without_one(appeler, demandeur):
    demandeur()

    appeler(corps())
    journaux_sceller()

    enregistrement = Enregistrement.objects.get()
    assert enregistrement.habilitation == ""
    assert enregistrement.client_id == Application.objects.get().client_id


def test_an_administrative_action_is_chained_with_its_identified_author(verifier):
    instructeur = get_user_model().objects.create_user(username="claire.instructrice", password="x" * 16)

    action_enregistrer(acteur=instructeur, action="revoquer", objet="D12", details={"motif": "fin", "a": 1})
    action_enregistrer(acteur="commande cleartokens", action="rotation", objet="client-1")
    journaux_sceller()

    premiere, seconde = ActionAdministrative.objects.order_by("rang")
    assert premiere.acteur == f"claire.instructrice (compte n° {instructeur.pk})"
    assert (premiere.action, premiere.objet, premiere.details) == ("revoquer", "D12", '{"a":1,"motif":"fin"}')
    assert seconde.empreinte_precedente == premiere.empreinte
    intact, sortie = verifier("--journal", ADMINISTRATIF)
    assert intact, sortie


def test_an_administrative_action_that_cannot_be_journaled_undoes_the_action():
    panne(ActionAdministrative._meta.db_table, moment="INSERT")
    utilisateur = get_user_model().objects.create_user(username="agent", password="x" * 16)

    def promouvoir() -> None:
        with transaction.atomic():
            get_user_model().objects.filter(pk=utilisateur.pk).update(is_staff=True)
            action_enregistrer(acteur=utilisateur, action="droits_admin", objet="agent")

    with pytest.raises(JournalIndisponible):
        promouvoir()

    utilisateur.refresh_from_db()
    assert utilisateur.is_staff is False


def test_the_request_id_of_the_current_request_is_kept_with_the_action():
    jeton = request_id_var.set("requete-admin-0001")
    try:
        action_enregistrer(acteur="x", action="test")
    finally:
        request_id_var.reset(jeton)

    assert ActionAdministrative.objects.get().request_id == "requete-admin-0001"


def test_a_sealer_overtaken_by_another_one_writes_nothing(monkeypatch, verifier):
    """Two sealers read the same head: the one that writes second finds it moved and gives up its round."""
    ecrire(1)
    ecrire(3, sceller=False)
    lire = scellement._a_sceller
    doublee = []

    def lire_puis_se_faire_doubler(journal: str, limite: int) -> list:
        lignes = lire(journal, limite)
        if not doublee:
            doublee.append(True)
            assert scellement.journal_sceller(journal=journal, limite=2) == 2  # the other sealer, meanwhile
        return lignes

    monkeypatch.setattr(scellement, "_a_sceller", lire_puis_se_faire_doubler)

    assert scellement.journal_sceller(journal="acces") == 0
    assert list(Enregistrement.objects.values_list("rang", flat=True)) == [1, 2, 3, None]
    assert scellement.journal_sceller(journal="acces") == 1
    assert verifier()[0] is True


def test_a_sealing_pass_does_not_chase_the_records_that_keep_arriving(monkeypatch, verifier):
    """Under steady traffic a record is committed during every round: the pass seals what waited and leaves
    the newcomers to the next one, instead of spinning on rounds of one record each (a round's fixed cost,
    several statements, then weighs on every data call: bench/README.md, « Charge de l'API »)."""
    ecrire(3, sceller=False)
    lire = scellement._a_sceller
    arrivees = []

    def lire_pendant_le_trafic(journal: str, limite: int) -> list:
        lignes = lire(journal, limite)
        if len(arrivees) < 20:  # bounded: without the rule above, the pass would chase these twenty
            arrivees.append(True)
            ecrire(1, sceller=False)
        return lignes

    monkeypatch.setattr(scellement, "_a_sceller", lire_pendant_le_trafic)

    assert journaux_sceller(journaux=("acces",)) == 3
    assert list(Enregistrement.objects.values_list("rang", flat=True)) == [1, 2, 3, None]
    monkeypatch.setattr(scellement, "_a_sceller", lire)
    assert journaux_sceller(journaux=("acces",)) == 1
    assert verifier()[0] is True
