"""Agents sign in through ProConnect: the same client machinery against the real OpenID Provider; the
SIRET claim ties the agent to the organisation, the email is trusted as verified, roles stay ours."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model

from indemnites.habilitations.models import Agent, Appartenance
from indemnites.habilitations.services.demo import AGENTS_DEMO

pytestmark = pytest.mark.django_db

CONNEXION = "/habilitations/compte/connexion/"
BOUTON = "/habilitations/compte/proconnect/"
AGENTE = {
    "email": "Camille.Durand@ville-exemple.fr",
    "given_name": "Camille",
    "usual_name": "Durand",
    "siret": "21750001600019",
    "uid": "camille-42",
    "idp_id": "fia1v2",
}


def demarrer(http, suite: str = "") -> str:
    reponse = http.get(BOUTON, {"next": suite} if suite else {})
    assert reponse.status_code == 302, reponse.content
    return reponse["Location"]


def connecter(http, navigateur, login: str = "camille"):
    return http.get(navigateur.se_connecter(demarrer(http), login=login))


def connecte(http):
    return get_user_model().objects.filter(pk=http.session.get("_auth_user_id")).first()


@pytest.mark.parametrize("demo", AGENTS_DEMO, ids=lambda a: a.courriel)
def test_each_demo_agent_signs_in_verified_and_member_of_the_siret_organisation(client, navigateur, demo):
    reponse = connecter(client, navigateur, demo.courriel)

    assert reponse.status_code == 302
    assert reponse["Location"] == "/habilitations/espace/"
    agent = Agent.objects.get(user=connecte(client))
    assert agent.user.email == demo.courriel
    assert agent.verifie
    assert Appartenance.objects.filter(agent=agent, organisation__siret=demo.siret).exists()
    assert not agent.instructeur  # an operator's designation, never a claim
    assert not agent.user.has_usable_password()
    assert client.get("/habilitations/").status_code == 200


def test_authorization_request_asks_for_proconnects_scopes(client, fournisseur):
    url = demarrer(client)

    parametres = {cle: valeurs[0] for cle, valeurs in parse_qs(urlsplit(url).query).items()}
    assert url.startswith(f"{fournisseur.issuer}/auth?")
    assert parametres["client_id"] == "proconnect"
    assert set(parametres["scope"].split()) == {
        "openid",
        "email",
        "given_name",
        "usual_name",
        "siret",
        "uid",
        "idp_id",
    }
    assert parametres["redirect_uri"] == "http://testserver/habilitations/compte/proconnect/retour/"
    assert parametres["code_challenge_method"] == "S256"
    assert parametres["nonce"]
    assert parametres["state"]


def test_an_agent_with_a_local_account_is_the_same_agent(client, navigateur, fournisseur):
    from indemnites.habilitations.services import agent_inscrire

    fournisseur.comptes_ajouter(camille=AGENTE)
    agent_inscrire(
        courriel="camille.durand@ville-exemple.fr", mot_de_passe="Un-mot-de-passe-2026!", prenom="Camille",
        nom="Durand", siret=AGENTE["siret"], organisation_nom="Ville exemple",
    )  # fmt: skip

    assert connecter(client, navigateur).status_code == 302
    agent = Agent.objects.get()
    assert agent.verifie  # ProConnect has verified the address
    assert agent.user == connecte(client)


def test_login_page_offers_proconnect_and_local_accounts(client, fournisseur):
    page = client.get(CONNEXION).content.decode()

    assert "ProConnect" in page
    assert "Qu’est-ce que ProConnect ?" in page
    assert 'name="mot_de_passe"' in page


def test_local_accounts_can_be_closed(client, fournisseur, settings):
    settings.HABILITATIONS_MOTS_DE_PASSE_LOCAUX = False

    assert 'name="mot_de_passe"' not in client.get(CONNEXION).content.decode()
    assert client.post(CONNEXION, {"courriel": "a@b.fr", "mot_de_passe": "x"}).status_code == 404
    assert client.get("/habilitations/compte/inscription/").status_code == 404


@pytest.mark.parametrize(
    ("claims", "attendu"),
    [
        ({k: v for k, v in AGENTE.items() if k != "siret"}, "Identité incomplète"),
        ({**AGENTE, "siret": "12345678901234"}, "SIRET"),
    ],
)
def test_an_agent_without_a_valid_siret_is_refused(client, navigateur, fournisseur, claims, attendu):
    fournisseur.comptes_ajouter(camille=claims)

    reponse = connecter(client, navigateur)

    assert reponse.status_code == 403
    assert attendu in reponse.content.decode()
    assert connecte(client) is None
    assert not Agent.objects.exists()


def test_the_agent_cancels_at_proconnect(client, navigateur, fournisseur):
    reponse = client.get(navigateur.annuler(demarrer(client)))

    assert reponse.status_code == 200
    assert "Connexion annulée" in reponse.content.decode()
    assert connecte(client) is None


def test_logout_chains_to_proconnects_end_session(client, navigateur, fournisseur):
    fournisseur.comptes_ajouter(camille=AGENTE)
    connecter(client, navigateur)
    id_token = client.session["federation"]["id_token"]

    sortie = client.post("/habilitations/compte/deconnexion/")

    assert connecte(client) is None
    parametres = {cle: valeurs[0] for cle, valeurs in parse_qs(urlsplit(sortie["Location"]).query).items()}
    assert sortie["Location"].startswith(f"{fournisseur.issuer}/session/end?")
    assert parametres["id_token_hint"] == id_token
    retour = navigateur.se_deconnecter(sortie["Location"])
    assert retour.startswith("/habilitations/compte/proconnect/deconnexion/")
    assert client.get(retour)["Location"] == CONNEXION


def test_an_unreachable_proconnect_gives_a_clear_page(client, fournisseur, settings):
    settings.PROCONNECT_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"

    reponse = client.get(BOUTON)

    assert reponse.status_code == 503
    assert "ProConnect ne répond pas" in reponse.content.decode()


def test_a_proconnect_answer_is_used_once(client, navigateur, fournisseur):
    fournisseur.comptes_ajouter(camille=AGENTE)
    retour = navigateur.se_connecter(demarrer(client), login="camille")
    assert client.get(retour).status_code == 302
    client.logout()

    reponse = client.get(retour)

    assert reponse.status_code == 400
    assert "expiré ou a déjà servi" in reponse.content.decode()
