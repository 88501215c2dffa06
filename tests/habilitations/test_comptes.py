"""Eligibility gate, agent signup with a verified work email, throttled login."""

import re
import secrets

import pytest
from django.core import mail
from django.test import Client

from indemnites.habilitations.models import Agent, Organisation
from indemnites.habilitations.services import agent_identite_externe_rattacher
from indemnites.trafic import storage
from tests.habilitations.conftest import MOT_DE_PASSE, SIRET_MAIRIE, agent_creer

INSCRIPTION = "/habilitations/compte/inscription/"
CONNEXION = "/habilitations/compte/connexion/"


def inscription(http, **champs):
    data = {
        "prenom": "Camille",
        "nom": "Martin",
        "courriel": "camille.martin@paris.fr",
        "mot_de_passe": MOT_DE_PASSE,
        "mot_de_passe_confirmation": MOT_DE_PASSE,
        "siret": SIRET_MAIRIE,
        "organisation_nom": "Ville de Paris",
        **champs,
    }
    return http.post(INSCRIPTION, data)


def lien_de_verification(message) -> str:
    return re.search(r"https?://\S+(/habilitations/compte/verifier/\S+/)", message.body).group(1)


@pytest.mark.parametrize("profil", ["particulier", "entreprise"])
def test_individuals_and_companies_are_not_eligible_and_sent_back_to_the_catalogue(http, profil):
    response = http.post("/acces/", {"profil": profil})

    assert response.status_code == 200
    page = response.content.decode()
    assert "pas éligible" in page
    assert "L114-8" in page
    assert 'href="/"' in page
    assert "profil" not in http.session


def test_an_administration_is_eligible_and_goes_on_to_the_request(http):
    response = http.post("/acces/", {"profil": "administration"})

    page = response.content.decode()
    assert "Vous pouvez déposer une demande" in page
    assert INSCRIPTION in page
    assert http.session["profil"] == "administration"


def test_an_editor_files_only_for_a_named_administration_client(http):
    page = http.post("/acces/", {"profil": "editeur"}).content.decode()

    assert "administration cliente" in page
    assert "SIRET" in page
    assert "L114-8" in page
    assert http.session["profil"] == "editeur"


def test_the_gate_page_asks_who_you_are(http):
    page = http.get("/acces/").content.decode()
    for libelle in ("Un particulier", "Une entreprise", "Une entité administrative", "Un éditeur de logiciel"):
        assert libelle in page


def test_signup_sends_a_verification_link_and_login_waits_for_it(http, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = inscription(http)

    assert response.status_code == 200
    assert "Vérifiez votre messagerie" in response.content.decode()
    agent = Agent.objects.get(user__email="camille.martin@paris.fr")
    assert not agent.verifie
    assert agent.organisations.get().siret == SIRET_MAIRIE
    (message,) = mail.outbox
    assert message.to == ["camille.martin@paris.fr"]

    refusee = http.post(CONNEXION, {"courriel": "camille.martin@paris.fr", "mot_de_passe": MOT_DE_PASSE})
    assert "pas encore vérifiée" in refusee.content.decode()
    assert "_auth_user_id" not in http.session

    assert http.get(lien_de_verification(message)).status_code == 302
    agent.refresh_from_db()
    assert agent.verifie
    connectee = http.post(CONNEXION, {"courriel": "camille.martin@paris.fr", "mot_de_passe": MOT_DE_PASSE})
    assert connectee.status_code == 302
    assert http.get("/habilitations/").status_code == 200


def test_a_forged_verification_link_is_refused(http):
    assert http.get("/habilitations/compte/verifier/faux:jeton/").status_code == 400


@pytest.mark.parametrize(
    ("champs", "erreur"),
    [
        ({"courriel": "camille@gmail.com"}, "adresse électronique professionnelle"),
        ({"mot_de_passe": "court", "mot_de_passe_confirmation": "court"}, "trop court"),
        ({"mot_de_passe": "123456789012345", "mot_de_passe_confirmation": "123456789012345"}, "entièrement numérique"),
        ({"mot_de_passe_confirmation": "autre chose"}, "pas identiques"),
        ({"siret": "21750001600018"}, "clé valide"),
    ],
)
def test_signup_rules(http, champs, erreur):
    response = inscription(http, **champs)

    assert response.status_code == 200
    assert erreur in response.content.decode()
    assert not Agent.objects.exists()


def test_signing_up_twice_creates_no_second_account_and_does_not_tell(http, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        inscription(http)
        response = inscription(http, organisation_nom="Autre nom")

    assert "Vérifiez votre messagerie" in response.content.decode()
    assert Agent.objects.count() == 1
    assert "déjà un compte" in mail.outbox[-1].subject
    assert Organisation.objects.get().nom == "Ville de Paris"


def test_login_is_throttled(settings):
    """Attempts are counted per address and per email by `indemnites.trafic` (its own tests cover the rest)."""
    settings.TRAFIC_LIMITES_ACTIVES = True
    settings.TRAFIC_PREFIXE_CLES = f"test-habilitations-{secrets.token_hex(6)}"
    settings.TRAFIC_LIMITE_CONNEXION = "3/minute"
    agent = agent_creer()
    http = Client()
    try:
        for _ in range(3):
            response = http.post(CONNEXION, {"courriel": agent.user.email, "mot_de_passe": "mauvais mot de passe"})
            assert response.status_code == 200

        response = http.post(CONNEXION, {"courriel": agent.user.email, "mot_de_passe": MOT_DE_PASSE})
    finally:
        storage.reinitialiser()

    assert response.status_code == 429
    assert "Patientez avant de réessayer" in response.content.decode()
    assert "_auth_user_id" not in http.session


@pytest.mark.parametrize(
    ("suite", "attendu"),
    [
        ("//evil.example/", "/habilitations/espace/"),
        ("/\\evil.example/", "/habilitations/espace/"),
        ("https://evil.example/", "/habilitations/espace/"),
        ("/habilitations/demandes/nouvelle/", "/habilitations/demandes/nouvelle/"),
    ],
)
def test_login_redirects_only_to_a_local_page(suite, attendu):
    agent = agent_creer()
    response = Client().post(CONNEXION, {"courriel": agent.user.email, "mot_de_passe": MOT_DE_PASSE, "next": suite})
    assert response["Location"] == attendu


def test_pages_need_a_logged_in_agent(http):
    response = http.get("/habilitations/")
    assert response.status_code == 302
    assert response["Location"].startswith(CONNEXION)


def test_an_agent_joins_another_organisation():
    agent = agent_creer()
    http = Client()
    http.force_login(agent.user)

    http.post("/habilitations/", {"siret": "13002526500013", "nom": "DINUM"})

    assert sorted(agent.organisations.values_list("siret", flat=True)) == ["13002526500013", SIRET_MAIRIE]


def test_the_administrations_space_sends_instructors_to_the_queue_and_applicants_to_their_requests():
    demandeur, instructeur = Client(), Client()
    demandeur.force_login(agent_creer().user)
    instructeur.force_login(agent_creer(instructeur=True).user)

    assert demandeur.get("/habilitations/espace/")["Location"] == "/habilitations/"
    assert instructeur.get("/habilitations/espace/")["Location"] == "/instruction/"


def test_an_address_signed_up_but_never_verified_is_taken_back_by_its_proconnect_owner(
    http, django_capture_on_commit_callbacks
):
    # Someone signs up with another person's address, a password of their own and an organisation of their
    # choice, and never verifies it; then the address's owner signs in through ProConnect.
    with django_capture_on_commit_callbacks(execute=True):
        inscription(http, courriel="camille.martin@paris.fr", siret="13002526500013", organisation_nom="Autre")

    agent = agent_identite_externe_rattacher(
        courriel="camille.martin@paris.fr", prenom="Camille", nom="Martin", siret=SIRET_MAIRIE, organisation_nom=""
    )

    assert agent.verifie
    assert not agent.user.has_usable_password()  # the password the address's owner never chose is gone
    assert [organisation.siret for organisation in agent.organisations.all()] == [SIRET_MAIRIE]
    refusee = http.post(CONNEXION, {"courriel": "camille.martin@paris.fr", "mot_de_passe": MOT_DE_PASSE})
    assert "_auth_user_id" not in http.session, refusee.status_code


def test_a_verified_agent_keeps_password_and_organisations_when_signing_in_through_proconnect():
    agent = agent_creer()
    avant = set(agent.organisations.values_list("siret", flat=True))

    agent = agent_identite_externe_rattacher(
        courriel=agent.user.email, prenom="Camille", nom="Agent", siret="13002526500013", organisation_nom=""
    )

    assert agent.user.has_usable_password()
    assert set(agent.organisations.values_list("siret", flat=True)) == avant | {"13002526500013"}
