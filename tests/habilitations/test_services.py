"""The workflow through its services: each transition, its event, its email, its effect on the client."""

import pytest
from django.core import mail

from indemnites.habilitations import services
from indemnites.habilitations.domain import CHAMP_CHOMAGE, CHAMP_SOLIDARITE, Action, Etat, RegleEnfreinte
from indemnites.habilitations.models import Evenement, Habilitation
from indemnites.journal.models import ActionAdministrative
from indemnites.oauth.domain import SCOPE_PARTENAIRE
from indemnites.oauth.models import Application
from tests.habilitations.conftest import DEUX_DONNEES, SIRET_AUTRE, SIRET_MAIRIE, agent_creer


def quois(demande) -> list[str]:
    return list(demande.evenements.values_list("quoi", flat=True))


def test_a_draft_saves_partially_and_records_the_changed_fields(demandeur_agent):
    demande = services.demande_creer(
        agent=demandeur_agent, organisation=demandeur_agent.organisations.get(), profil="administration"
    )
    services.demande_enregistrer(demande=demande, agent=demandeur_agent, donnees={"intitule": "Cantine"})

    demande.refresh_from_db()
    assert demande.etat == Etat.BROUILLON
    assert demande.donnees == {"intitule": "Cantine"}
    evenement = demande.evenements.get(quoi="enregistrement")
    assert evenement.diff == {"intitule": {"avant": None, "apres": "Cantine"}}
    assert evenement.auteur == demandeur_agent


def test_submission_validates_everything(demande_faire, demandeur_agent):
    demande = demande_faire(intitule=None, dpo_informe=False)

    with pytest.raises(services.DemandeIncomplete) as erreur:
        services.demande_soumettre(demande=demande, agent=demandeur_agent)

    assert set(erreur.value.erreurs) == {"intitule", "dpo_informe"}
    demande.refresh_from_db()
    assert demande.etat == Etat.BROUILLON
    assert "soumettre" not in quois(demande)


def test_submit_emails_the_applicant_and_the_instructors(
    demande_faire, demandeur_agent, instructeur, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        demande = services.demande_soumettre(demande=demande_faire(), agent=demandeur_agent)

    assert demande.etat == Etat.SOUMISE
    assert quois(demande)[-1] == "soumettre"
    destinataires = {adresse for message in mail.outbox for adresse in message.to}
    assert {demandeur_agent.user.email, instructeur.user.email} <= destinataires


def test_request_changes_then_resubmit_shows_what_changed(soumise, demandeur_agent, instructeur, mailoutbox):
    with pytest.raises(RegleEnfreinte):
        services.demande_modifications_demander(demande=soumise, instructeur=instructeur, motif=" ")
    services.demande_modifications_demander(
        demande=soumise, instructeur=instructeur, motif="Précisez la délibération."
    )
    soumise.refresh_from_db()
    assert soumise.etat == Etat.MODIFICATIONS_DEMANDEES
    assert soumise.evenements.get(quoi="demander_modifications").motif == "Précisez la délibération."

    services.demande_enregistrer(
        demande=soumise, agent=demandeur_agent, donnees={"cadre_juridique_nature": "Délib. 12"}
    )
    services.demande_soumettre(demande=soumise, agent=demandeur_agent)

    soumise.refresh_from_db()
    assert soumise.etat == Etat.SOUMISE
    derniere = soumise.evenements.filter(quoi="soumettre").last()
    assert set(derniere.diff) == {"cadre_juridique_nature"}


def test_validation_freezes_a_snapshot_and_creates_the_client(
    soumise, instructeur, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        habilitation = services.demande_valider(demande=soumise, instructeur=instructeur)

    soumise.refresh_from_db()
    assert soumise.etat == Etat.VALIDEE
    assert habilitation.version == 1
    assert habilitation.statut == Habilitation.Statut.ACTIVE
    assert habilitation.donnees == soumise.donnees
    assert habilitation.validee_par == instructeur
    assert habilitation.organisation_siret == SIRET_MAIRIE
    client = soumise.application
    assert client.champs == [CHAMP_CHOMAGE]
    assert client.scopes == SCOPE_PARTENAIRE
    assert client.grant_types == [Application.GRANT_CLIENT_CREDENTIALS]
    assert client.destinataires == [SIRET_MAIRIE]
    assert client.volume_journalier == 2000
    assert client.quota_par_seconde == 2
    assert client.actif
    assert (client.expire_le - habilitation.validee_le).days in range(545, 553)  # 18 months
    # The applicant and the three contacts are emailed.
    destinataires = {adresse for message in mail.outbox for adresse in message.to}
    assert {"maire@paris.fr", "dpo@paris.fr", "technique@paris.fr", soumise.demandeur.user.email} <= destinataires


def test_the_snapshot_does_not_follow_later_edits(validee, demandeur_agent):
    services.demande_rouvrir(demande=validee, agent=demandeur_agent)
    services.demande_enregistrer(demande=validee, agent=demandeur_agent, donnees={"intitule": "Autre chose"})

    assert Habilitation.objects.get().donnees["intitule"] == "Tarification sociale de la cantine"


def test_connected_mode_gets_the_pe_connect_contract(demande_faire, demandeur_agent, valider):
    demande = demande_faire(
        mode_serveur=False, mode_connecte=True, redirect_uris=["https://demarche.fr/retour"], destinataires_siret=[]
    )
    services.demande_soumettre(demande=demande, agent=demandeur_agent)
    valider(demande)

    client = Application.objects.get()
    assert client.authorization_grant_type == Application.GRANT_AUTHORIZATION_CODE
    assert client.allows_grant_type(Application.GRANT_AUTHORIZATION_CODE)
    assert not client.allows_grant_type(Application.GRANT_CLIENT_CREDENTIALS)
    assert client.redirect_uris == "https://demarche.fr/retour"
    assert set(client.scopes.split()) >= {"openid", "api_peconnect-indemnisationsv1", "indemnisation"}
    assert client.destinataires == [SIRET_MAIRIE]  # the beneficiary receives the data
    # The consent page shows the job seeker the démarche, its legal basis and the retention.
    assert client.demarche == "Tarification sociale de la cantine"
    assert client.base_legale.startswith("Article L114-8 du CRPA")
    assert client.duree_conservation == "12 mois"


def test_refusal(soumise, instructeur, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.demande_refuser(demande=soumise, instructeur=instructeur, motif="Hors du champ de L114-8.")

    soumise.refresh_from_db()
    assert soumise.etat == Etat.REFUSEE
    assert soumise.application is None
    assert "Hors du champ de L114-8." in mail.outbox[-1].body


def test_reopening_keeps_the_habilitation_active_and_revalidation_updates_the_same_client(
    demande_faire, demandeur_agent, valider
):
    demande = demande_faire(**DEUX_DONNEES)
    services.demande_soumettre(demande=demande, agent=demandeur_agent)
    premiere = valider(demande)
    client_id = Application.objects.get().client_id

    services.demande_rouvrir(demande=demande, agent=demandeur_agent)
    demande.refresh_from_db()
    assert (demande.etat, demande.reouverture) == (Etat.BROUILLON, True)
    assert Application.objects.get().champs == [CHAMP_SOLIDARITE, CHAMP_CHOMAGE]  # unchanged meanwhile
    premiere.refresh_from_db()
    assert premiere.statut == Habilitation.Statut.ACTIVE

    services.demande_enregistrer(demande=demande, agent=demandeur_agent, donnees={"donnees": [CHAMP_CHOMAGE]})
    services.demande_soumettre(demande=demande, agent=demandeur_agent)
    seconde = valider(demande)

    premiere.refresh_from_db()
    assert premiere.statut == Habilitation.Statut.OBSOLETE
    assert seconde.version == 2
    client = Application.objects.get()
    assert client.client_id == client_id
    assert client.champs == [CHAMP_CHOMAGE]
    assert set(demande.evenements.filter(quoi="valider").last().diff) == {"donnees"}


def test_a_refused_reopening_restores_the_validated_request(validee, demandeur_agent, instructeur):
    services.demande_rouvrir(demande=validee, agent=demandeur_agent)
    services.demande_enregistrer(
        demande=validee, agent=demandeur_agent, donnees={"intitule": "Élargi", "duree_conservation": 24}
    )
    services.demande_soumettre(demande=validee, agent=demandeur_agent)

    services.demande_refuser(demande=validee, instructeur=instructeur, motif="Non justifié.")

    validee.refresh_from_db()
    assert (validee.etat, validee.reouverture) == (Etat.VALIDEE, False)
    assert validee.donnees == Habilitation.objects.get().donnees
    assert Habilitation.objects.get().statut == Habilitation.Statut.ACTIVE
    assert validee.application.actif


def test_cancelling_a_reopening_restores_the_validated_request(validee, demandeur_agent):
    services.demande_rouvrir(demande=validee, agent=demandeur_agent)
    services.demande_enregistrer(demande=validee, agent=demandeur_agent, donnees={"intitule": "Brouillon"})

    services.demande_reouverture_annuler(demande=validee, agent=demandeur_agent)

    validee.refresh_from_db()
    assert (validee.etat, validee.reouverture) == (Etat.VALIDEE, False)
    assert validee.intitule == "Tarification sociale de la cantine"


def test_revocation_needs_a_reason_and_disables_the_client(validee, instructeur):
    with pytest.raises(RegleEnfreinte):
        services.demande_revoquer(demande=validee, instructeur=instructeur, motif="")
    assert Application.objects.get().actif

    services.demande_revoquer(demande=validee, instructeur=instructeur, motif="Usage non conforme.")

    validee.refresh_from_db()
    assert validee.etat == Etat.REVOQUEE
    assert not Application.objects.get().actif
    assert Habilitation.objects.get().statut == Habilitation.Statut.REVOQUEE


def test_revoking_during_a_reopening_revokes_the_active_habilitation(validee, demandeur_agent, instructeur):
    services.demande_rouvrir(demande=validee, agent=demandeur_agent)

    services.demande_revoquer(demande=validee, instructeur=instructeur, motif="Fraude.")

    validee.refresh_from_db()
    assert (validee.etat, validee.reouverture) == (Etat.REVOQUEE, False)
    assert not Application.objects.get().actif


@pytest.mark.parametrize(
    ("etat_fixture", "action"),
    [
        ("soumise", Action.ROUVRIR),
        ("soumise", Action.REVOQUER),
        ("validee", Action.VALIDER),
        ("validee", Action.REFUSER),
        ("validee", Action.DEMANDER_MODIFICATIONS),
    ],
)
def test_forbidden_transitions_are_refused_and_change_nothing(request, etat_fixture, action, instructeur):
    demande = request.getfixturevalue(etat_fixture)
    avant = (demande.etat, quois(demande))

    if action == Action.ROUVRIR:
        with pytest.raises(RegleEnfreinte):
            services.demande_rouvrir(demande=demande, agent=demande.demandeur)
    else:
        with pytest.raises(RegleEnfreinte):
            services.demande_decider(demande=demande, instructeur=instructeur, action=action, motif="Motif")

    demande.refresh_from_db()
    assert (demande.etat, quois(demande)) == avant


def test_a_draft_cannot_be_validated(demande_faire, instructeur):
    with pytest.raises(RegleEnfreinte):
        services.demande_valider(demande=demande_faire(), instructeur=instructeur)


def test_a_submitted_request_is_no_longer_editable(soumise, demandeur_agent):
    with pytest.raises(RegleEnfreinte):
        services.demande_enregistrer(demande=soumise, agent=demandeur_agent, donnees={"intitule": "Changé"})


def test_only_instructors_decide(soumise):
    collegue = agent_creer()  # same organisation, not an instructor
    with pytest.raises(services.ActionNonPermise):
        services.demande_valider(demande=soumise, instructeur=collegue)
    with pytest.raises(services.ActionNonPermise):
        services.demande_valider(demande=soumise, instructeur=soumise.demandeur)


def test_no_one_instructs_a_request_of_their_own_organisation(demande_faire):
    instructeur_mairie = agent_creer(instructeur=True)  # member of the applicant's organisation
    demande = demande_faire(agent=instructeur_mairie)
    services.demande_soumettre(demande=demande, agent=instructeur_mairie)

    with pytest.raises(services.ActionNonPermise):
        services.demande_valider(demande=demande, instructeur=instructeur_mairie)
    collegue_instructeur = agent_creer(instructeur=True)
    with pytest.raises(services.ActionNonPermise):
        services.demande_modifications_demander(demande=demande, instructeur=collegue_instructeur, motif="x")


def test_an_agent_of_another_organisation_cannot_act(soumise, validee):
    etranger = agent_creer(siret=SIRET_AUTRE, nom="Autre administration")
    with pytest.raises(services.ActionNonPermise):
        services.demande_rouvrir(demande=validee, agent=etranger)
    with pytest.raises(services.ActionNonPermise):
        services.message_envoyer(demande=soumise, auteur=etranger, texte="Bonjour")
    with pytest.raises(services.ActionNonPermise):
        services.secret_remettre(demande=validee, agent=etranger)


def test_only_the_applicant_acts_on_the_request_colleagues_only_read(validee):
    collegue = agent_creer()
    with pytest.raises(services.ActionNonPermise):
        services.demande_rouvrir(demande=validee, agent=collegue)
    with pytest.raises(services.ActionNonPermise):
        services.secret_remettre(demande=validee, agent=collegue)


def test_a_request_is_filed_only_for_an_organisation_of_the_agent(demandeur_agent):
    autre = agent_creer(siret=SIRET_AUTRE, nom="Autre").organisations.get()
    with pytest.raises(services.ActionNonPermise):
        services.demande_creer(agent=demandeur_agent, organisation=autre, profil="administration")


def test_messages_between_applicant_and_instruction(
    soumise, demandeur_agent, instructeur, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.message_envoyer(demande=soumise, auteur=instructeur, texte="Quel service ?")
    assert mail.outbox[-1].to == [demandeur_agent.user.email]
    with django_capture_on_commit_callbacks(execute=True):
        services.message_envoyer(demande=soumise, auteur=demandeur_agent, texte="La restauration scolaire.")
    assert mail.outbox[-1].to == [instructeur.user.email]

    assert [(m.de_l_instruction, m.texte) for m in soumise.messages.all()] == [
        (True, "Quel service ?"),
        (False, "La restauration scolaire."),
    ]
    assert quois(soumise)[-2:] == ["message", "message"]


def test_events_are_append_only(soumise):
    evenement = soumise.evenements.first()
    evenement.motif = "réécrit"
    with pytest.raises(ValueError, match="ajout seul"):
        evenement.save()
    with pytest.raises(ValueError, match="ajout seul"):
        evenement.delete()
    assert Evenement.objects.filter(motif="réécrit").count() == 0


def test_an_editor_files_for_its_administration_client(demande_faire, demandeur_agent, valider):
    client = {"client_siret": SIRET_AUTRE, "client_nom": "Mairie cliente", "justification_l114_8": "Commune."}
    demande = demande_faire(profil="editeur")
    with pytest.raises(services.DemandeIncomplete) as erreur:
        services.demande_soumettre(demande=demande, agent=demandeur_agent)
    assert set(erreur.value.erreurs) == {"client_siret", "client_nom", "justification_l114_8"}

    services.demande_enregistrer(demande=demande, agent=demandeur_agent, donnees=client)
    services.demande_soumettre(demande=demande, agent=demandeur_agent)
    habilitation = valider(demande)

    assert (habilitation.organisation_siret, habilitation.organisation_nom) == (SIRET_AUTRE, "Mairie cliente")


@pytest.mark.parametrize(
    ("faire", "sujet"),
    [
        (lambda d, a, i: services.demande_rouvrir(demande=d, agent=a), "en cours de modification"),
        (
            lambda d, a, i: (
                services.demande_rouvrir(demande=d, agent=a),
                services.demande_reouverture_annuler(demande=d, agent=a),
            ),
            "Modification abandonnée",
        ),
        (lambda d, a, i: services.demande_revoquer(demande=d, instructeur=i, motif="Fin."), "révoquée"),
    ],
)
def test_the_applicant_is_emailed_at_each_transition(
    validee, demandeur_agent, instructeur, django_capture_on_commit_callbacks, faire, sujet
):
    with django_capture_on_commit_callbacks(execute=True):
        faire(validee, demandeur_agent, instructeur)

    assert sujet in mail.outbox[-1].subject
    assert demandeur_agent.user.email in mail.outbox[-1].to


def test_decisions_and_rotations_go_to_the_administrative_journal(validee, demandeur_agent, instructeur):
    services.secret_remettre(demande=validee, agent=demandeur_agent)  # the first hand-over is no rotation
    services.secret_remettre(demande=validee, agent=demandeur_agent)
    services.demande_revoquer(demande=validee, instructeur=instructeur, motif="Usage non conforme.")

    lignes = list(ActionAdministrative.objects.values_list("action", "objet", "acteur", "details"))
    assert [(action, objet) for action, objet, *_ in lignes] == [
        ("habilitation.valider", f"D{validee.pk}"),
        ("habilitation.secret_renouvele", f"D{validee.pk}"),
        ("habilitation.revoquer", f"D{validee.pk}"),
    ]
    assert instructeur.user.email in lignes[-1][2]
    assert "Usage non conforme." in lignes[-1][3]
