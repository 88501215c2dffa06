"""Pure rules: the state machine table, who may act, eligibility, completeness and proportionality."""

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indemnites.habilitations.domain import (
    SITUATIONS,
    TRANSITIONS,
    Acteur,
    Action,
    Etat,
    MotifObligatoire,
    Profil,
    Qualite,
    Situation,
    TransitionInterdite,
    courriel_professionnel,
    date_expiration,
    demande_erreurs,
    difference,
    eligibilite,
    peut_agir,
    peut_voir,
    prolongation_confirmee,
    prolongation_ouverte,
    quota_par_seconde,
    seuil_avis,
    transition,
    transition_trouver,
)
from tests.habilitations.conftest import DEUX_DONNEES, donnees_completes

INTERDITES = [(s, a) for s in sorted(SITUATIONS, key=str) for a in Action if transition_trouver(s, a) is None]


@pytest.mark.parametrize(
    "t", TRANSITIONS, ids=lambda t: f"{t.depart.etat}{'+R' if t.depart.reouverture else ''}-{t.action}"
)
def test_each_transition_of_the_table_leads_where_the_table_says(t):
    assert transition(t.depart, t.action, motif="Motif écrit").arrivee == t.arrivee


@pytest.mark.parametrize(("situation", "action"), INTERDITES, ids=lambda v: str(getattr(v, "value", v)))
def test_every_action_outside_the_table_is_refused(situation, action):
    with pytest.raises(TransitionInterdite):
        transition(situation, action, motif="Motif écrit")


@pytest.mark.parametrize("t", [t for t in TRANSITIONS if t.motif_requis], ids=lambda t: f"{t.depart}-{t.action}")
@pytest.mark.parametrize("motif", ["", "   \n"])
def test_refuse_revoke_and_request_changes_need_a_written_reason(t, motif):
    with pytest.raises(MotifObligatoire):
        transition(t.depart, t.action, motif=motif)


def test_the_workflow_is_the_datapass_one():
    brouillon = Situation(Etat.BROUILLON)
    soumise = transition(brouillon, Action.SOUMETTRE).arrivee
    modifs = transition(soumise, Action.DEMANDER_MODIFICATIONS, motif="x").arrivee
    assert modifs == Situation(Etat.MODIFICATIONS_DEMANDEES)
    assert transition(modifs, Action.SOUMETTRE).arrivee == soumise
    validee = transition(soumise, Action.VALIDER).arrivee
    assert transition(soumise, Action.REFUSER, motif="x").arrivee == Situation(Etat.REFUSEE)
    assert transition(validee, Action.REVOQUER, motif="x").arrivee == Situation(Etat.REVOQUEE)
    assert transition(validee, Action.ROUVRIR).arrivee == Situation(Etat.BROUILLON, reouverture=True)


def test_only_instructors_decide_and_only_applicants_submit():
    acteurs = {t.action: t.acteur for t in TRANSITIONS}
    assert {a for a, acteur in acteurs.items() if acteur == Acteur.INSTRUCTEUR} == {
        Action.DEMANDER_MODIFICATIONS,
        Action.VALIDER,
        Action.REFUSER,
        Action.REVOQUER,
    }


@given(st.lists(st.sampled_from(list(Action)), max_size=40), st.booleans())
def test_no_sequence_of_actions_leaves_the_table(actions, avec_motif):
    situation = Situation(Etat.BROUILLON)
    for action in actions:
        try:
            t = transition(situation, action, motif="Motif" if avec_motif else "")
        except (TransitionInterdite, MotifObligatoire):
            continue
        assert t in TRANSITIONS
        situation = t.arrivee
        assert situation in SITUATIONS


@given(st.lists(st.sampled_from(list(Action)), max_size=40))
def test_a_refused_reopening_always_restores_the_validated_request(actions):
    situation = Situation(Etat.VALIDEE)
    for action in [Action.ROUVRIR, *actions]:
        trouvee = transition_trouver(situation, action)
        if trouvee is None:
            continue
        if action == Action.REFUSER and situation.reouverture:
            assert trouvee.arrivee == Situation(Etat.VALIDEE)
        situation = trouvee.arrivee
        # Once a habilitation was validated, the request never falls back to "refusée".
        assert situation.etat != Etat.REFUSEE


@pytest.mark.parametrize(
    ("qualite", "demandeur", "instructeur", "voit"),
    [
        (Qualite(membre=True, auteur=True, instructeur=False), True, False, True),
        (Qualite(membre=True, auteur=False, instructeur=False), False, False, True),
        (Qualite(membre=False, auteur=False, instructeur=False), False, False, False),
        (Qualite(membre=False, auteur=False, instructeur=True), False, True, True),
        # No one instructs their own request, nor one of their own organisation.
        (Qualite(membre=True, auteur=True, instructeur=True), True, False, True),
        (Qualite(membre=True, auteur=False, instructeur=True), False, False, True),
        # An applicant who left the organisation no longer acts on its requests.
        (Qualite(membre=False, auteur=True, instructeur=False), False, False, False),
    ],
)
def test_who_may_see_and_act(qualite, demandeur, instructeur, voit):
    assert peut_agir(qualite, Acteur.DEMANDEUR) is demandeur
    assert peut_agir(qualite, Acteur.INSTRUCTEUR) is instructeur
    assert peut_voir(qualite) is voit


@pytest.mark.parametrize(
    ("profil", "eligible"),
    [(Profil.PARTICULIER, False), (Profil.ENTREPRISE, False), (Profil.ADMINISTRATION, True), (Profil.EDITEUR, True)],
)
def test_eligibility_answers(profil, eligible):
    reponse = eligibilite(profil)
    assert reponse.eligible is eligible
    assert "L114-8" in reponse.explication


def test_an_editor_is_told_it_files_for_a_named_administration():
    assert "SIRET" in eligibilite(Profil.EDITEUR).explication


def test_a_complete_request_has_no_error():
    assert demande_erreurs(donnees_completes(), editeur=False) == {}


@pytest.mark.parametrize(
    "champ",
    ["intitule", "description", "simplification", "cadre_juridique_nature", "volume_journalier",
     "date_mise_en_production", "destinataires_donnees", "duree_conservation", "dpo_courriel", "technique_telephone",
     "responsable_traitement_nom"],
)  # fmt: skip
def test_each_required_field_is_named_when_missing(champ):
    erreurs = demande_erreurs(donnees_completes(**{champ: None}), editeur=False)
    assert champ in erreurs
    assert "obligatoire" in erreurs[champ]


def test_the_legal_basis_needs_a_url_or_a_pdf():
    sans = donnees_completes(cadre_juridique_url=None)
    assert "cadre_juridique_url" in demande_erreurs(sans, editeur=False)
    assert demande_erreurs({**sans, "cadre_juridique_document": "deliberation.pdf"}, editeur=False) == {}


def test_at_least_one_datum_is_asked_for():
    assert "donnees" in demande_erreurs(donnees_completes(donnees=[]), editeur=False)
    assert "donnees" in demande_erreurs(donnees_completes(donnees=["autre"]), editeur=False)


def test_asking_for_both_data_requires_a_justification_for_each():
    erreurs = demande_erreurs(donnees_completes(donnees=DEUX_DONNEES["donnees"]), editeur=False)
    assert set(erreurs) == {"justification_solidarite", "justification_chomage"}
    assert demande_erreurs(donnees_completes(**DEUX_DONNEES), editeur=False) == {}


def test_retention_above_36_months_must_be_justified():
    assert demande_erreurs(donnees_completes(duree_conservation=36), editeur=False) == {}
    erreurs = demande_erreurs(donnees_completes(duree_conservation=37), editeur=False)
    assert set(erreurs) == {"justification_conservation"}
    justifiee = donnees_completes(duree_conservation=37, justification_conservation="Contentieux.")
    assert demande_erreurs(justifiee, editeur=False) == {}


def test_access_modes():
    assert "mode_serveur" in demande_erreurs(donnees_completes(mode_serveur=False), editeur=False)
    assert "destinataires_siret" in demande_erreurs(donnees_completes(destinataires_siret=[]), editeur=False)
    erreurs = demande_erreurs(donnees_completes(destinataires_siret=["12345678901234"]), editeur=False)
    assert "12345678901234" in erreurs["destinataires_siret"]
    connecte = donnees_completes(mode_serveur=False, mode_connecte=True, redirect_uris=["https://demarche.fr/retour"])
    assert demande_erreurs(connecte, editeur=False) == {}
    assert "redirect_uris" in demande_erreurs({**connecte, "redirect_uris": []}, editeur=False)
    assert "redirect_uris" in demande_erreurs({**connecte, "redirect_uris": ["http://demarche.fr/r"]}, editeur=False)
    assert "redirect_uris" in demande_erreurs({**connecte, "redirect_uris": ["https://d.fr/r#x"]}, editeur=False)


def test_terms_and_dpo_must_be_confirmed():
    erreurs = demande_erreurs(donnees_completes(cgu_acceptees=False, dpo_informe=None), editeur=False)
    assert set(erreurs) == {"cgu_acceptees", "dpo_informe"}


def test_an_editor_names_its_administration_client_and_justifies_l114_8():
    erreurs = demande_erreurs(donnees_completes(), editeur=True)
    assert set(erreurs) == {"client_siret", "client_nom", "justification_l114_8"}
    client = {"client_siret": "21750001600019", "client_nom": "Ville de Paris", "justification_l114_8": "Commune."}
    assert demande_erreurs(donnees_completes(**client), editeur=True) == {}
    assert "client_siret" in demande_erreurs(
        donnees_completes(**{**client, "client_siret": "21750001600018"}), editeur=True
    )


@pytest.mark.parametrize(
    ("courriel", "professionnel"),
    [("agent@paris.fr", True), ("a.b@france-travail.fr", True), ("moi@gmail.com", False), ("x@Orange.FR", False),
     ("pas-une-adresse", False)],
)  # fmt: skip
def test_professional_email(courriel, professionnel):
    assert courriel_professionnel(courriel) is professionnel


def test_difference_lists_changed_fields_only():
    avant = {"intitule": "A", "donnees": ["x"], "vide": ""}
    apres = {"intitule": "B", "donnees": ["x"], "nouveau": "n"}
    assert difference(avant, apres) == {
        "intitule": {"avant": "A", "apres": "B"},
        "nouveau": {"avant": None, "apres": "n"},
    }


@pytest.mark.parametrize(("volume", "quota"), [(1, 2), (2000, 2), (100_000, 12), (10_000_000, 100)])
def test_quota_derives_from_the_expected_volume(volume, quota):
    assert quota_par_seconde(volume) == quota


def test_expiry_is_18_months_out_even_at_the_end_of_a_month():
    assert date_expiration(datetime(2026, 3, 15, 10, 0)) == datetime(2027, 9, 15, 10, 0)
    assert date_expiration(datetime(2026, 8, 31)) == datetime(2028, 2, 29)


@pytest.mark.parametrize(
    ("jours", "seuil"),
    [(200, None), (91, None), (90, 90), (61, 90), (60, 60), (30, 30), (15, 30), (14, 14), (7, 7), (1, 7), (0, 0),
     (-3, 0)],
)  # fmt: skip
def test_notice_thresholds(jours, seuil):
    expire_le = date(2027, 6, 1)
    assert seuil_avis(expire_le, date.fromordinal(expire_le.toordinal() - jours)) == seuil


def test_prolongation_needs_three_yes_within_90_days():
    oui = {"responsable_inchange": True, "finalite_inchangee": True, "contacts_inchanges": True}
    assert prolongation_confirmee(oui)
    assert not prolongation_confirmee({**oui, "contacts_inchanges": False})
    assert not prolongation_confirmee({})
    assert prolongation_ouverte(date(2027, 6, 1), date(2027, 3, 10))
    assert not prolongation_ouverte(date(2027, 6, 1), date(2027, 2, 1))
    assert not prolongation_ouverte(date(2027, 6, 1), date(2027, 6, 2))
