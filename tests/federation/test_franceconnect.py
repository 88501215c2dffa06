"""Job seekers sign in through FranceConnect: our client against a real OpenID Provider over HTTP
(tests/fournisseur_oidc/serveur.mjs), from the login page's button to the registry's person and back
out through the provider's end-session endpoint."""

import json
import socket
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from indemnites.droits.models import DemandeurEmploi
from indemnites.droits.services.demo import PERSONAS, personas_charger
from indemnites.federation import client as client_oidc
from indemnites.federation.models import IdentiteFederee
from indemnites.journal.models import ActionAdministrative

pytestmark = pytest.mark.django_db

CONNEXION = "/compte/connexion"
BOUTON = "/compte/connexion/franceconnect"
PIVOT = {
    "given_name": "Jean-Pierre Paul",
    "family_name": "LE HÉNAFF",
    "birthdate": "1985-05-12",
    "gender": "male",
    "birthplace": "29019",
    "birthcountry": "99100",
}


def demandeur(**valeurs: object) -> DemandeurEmploi:
    champs = {
        "identifiant": "jp.lehenaff",
        "nom_naissance": "Le Henaff",
        "prenom": "Jean-Pierre",
        "date_naissance": date(1985, 5, 12),
        "sexe": "M",
        **valeurs,
    }
    return DemandeurEmploi.objects.create(**champs)


def demarrer(http, suivant: str = "/compte/autorisations") -> str:
    reponse = http.get(BOUTON, {"next": suivant})
    assert reponse.status_code == 302, reponse.content
    return reponse["Location"]


def connecter(http, navigateur, login: str = "jp", **options: str):
    return http.get(navigateur.se_connecter(demarrer(http), login=login, **options))


def connecte(http):
    return get_user_model().objects.filter(pk=http.session.get("_auth_user_id")).first()


def refus_detail(caplog) -> str:
    """The check that failed, as our client logs it."""
    (detail,) = [r.detail for r in caplog.records if r.getMessage() == "connexion fédérée refusée"]
    return detail


def journal(action: str) -> list[ActionAdministrative]:
    return list(ActionAdministrative.objects.filter(action=action))


@pytest.fixture
def jp(fournisseur) -> DemandeurEmploi:
    fournisseur.comptes_ajouter(jp=PIVOT)
    return demandeur()


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p.identifiant or p.prenom)
def test_each_demo_persona_signs_in_as_their_registry_person(client, navigateur, persona):
    personas_charger(aujourdhui=timezone.localdate())
    login = persona.identifiant or f"{persona.prenom}.{persona.nom}".lower()

    reponse = connecter(client, navigateur, login)

    assert reponse.status_code == 302
    assert reponse["Location"] == "/compte/autorisations"
    personne = DemandeurEmploi.objects.get(nom_naissance=persona.nom.upper(), date_naissance=persona.naissance)
    assert connecte(client) == personne.utilisateur
    assert IdentiteFederee.objects.get(fournisseur="franceconnect", sub=login).demandeur == personne
    assert client.get("/compte/autorisations").status_code == 200


def test_authorization_request_carries_state_nonce_pkce_and_acr(client, fournisseur, jp):
    url = demarrer(client)

    assert url.startswith(f"{fournisseur.issuer}/auth?")
    parametres = {cle: valeurs[0] for cle, valeurs in parse_qs(urlsplit(url).query).items()}
    assert parametres["client_id"] == "franceconnect"
    assert parametres["redirect_uri"] == "http://testserver/compte/connexion/retour"
    assert parametres["response_type"] == "code"
    assert set(parametres["scope"].split()) >= {"openid", "family_name", "given_name", "birthdate", "gender"}
    assert parametres["acr_values"] == "eidas1"
    assert parametres["code_challenge_method"] == "S256"
    assert len(parametres["code_challenge"]) == 43
    assert len(parametres["state"]) >= 20
    assert len(parametres["nonce"]) >= 20


def test_login_page_shows_the_franceconnect_button(client, fournisseur, settings):
    page = client.get(CONNEXION, {"next": "/compte/autorisations"}).content.decode()

    assert 'class="fr-connect"' in page
    assert "FranceConnect" in page
    assert "Qu’est-ce que FranceConnect ?" in page
    assert 'name="mot_de_passe"' in page  # local passwords allowed here (test settings: sandbox)


def test_without_local_passwords_the_page_offers_franceconnect_only(client, fournisseur, settings):
    settings.DEMANDEUR_MOTS_DE_PASSE_LOCAUX = False

    page = client.get(CONNEXION).content.decode()

    assert 'class="fr-connect"' in page
    assert 'name="mot_de_passe"' not in page
    assert client.post(CONNEXION, {"identifiant": "x", "mot_de_passe": "y"}).status_code == 404


def test_names_are_compared_after_normalisation_on_the_first_given_name(client, navigateur, jp):
    assert connecter(client, navigateur).status_code == 302
    assert connecte(client) == DemandeurEmploi.objects.get(pk=jp.pk).utilisateur


def test_a_match_is_remembered_by_the_providers_subject(client, navigateur, jp):
    connecter(client, navigateur)
    premier = connecte(client)
    DemandeurEmploi.objects.filter(pk=jp.pk).update(nom_naissance="LE HENAFF-MARTIN")  # a registry correction
    client.logout()

    assert connecter(client, navigateur).status_code == 302
    assert connecte(client) == premier
    assert len(journal("federation.rattachement")) == 1


def test_the_first_match_is_journaled_with_the_pseudonym_only(client, navigateur, jp):
    connecter(client, navigateur)

    (trace,) = journal("federation.rattachement")
    assert trace.objet == f"demandeur {jp.pseudonyme}"
    assert "HENAFF" not in str(trace.details).upper()


@pytest.mark.parametrize(
    ("registre", "attendu"),
    [
        ({"lieu_naissance": "75056"}, "Aucun dossier à votre nom"),  # another birthplace
        ({"sexe": "F"}, "Aucun dossier à votre nom"),
        ({"date_naissance": date(1985, 5, 13)}, "Aucun dossier à votre nom"),
        ({"prenom": "Paul"}, "Aucun dossier à votre nom"),  # a later given name is not the first one
    ],
)
def test_no_match_is_a_clear_refusal_journaled_without_the_identity(
    client, navigateur, fournisseur, registre, attendu
):
    fournisseur.comptes_ajouter(jp=PIVOT)
    demandeur(**registre)

    reponse = connecter(client, navigateur)

    assert reponse.status_code == 403
    assert attendu in reponse.content.decode()
    assert "3949" in reponse.content.decode()
    assert connecte(client) is None
    assert not IdentiteFederee.objects.exists()
    (trace,) = journal("federation.sans_correspondance")
    assert json.loads(trace.details) == {"motif": "aucune"}


def test_the_registry_birthplace_when_known_must_agree(client, navigateur, fournisseur):
    fournisseur.comptes_ajouter(jp=PIVOT)
    demandeur(lieu_naissance="29019")

    assert connecter(client, navigateur).status_code == 302


def test_several_matching_persons_are_never_chosen_between(client, navigateur, jp):
    demandeur(identifiant="jp.homonyme", prenom="JEAN-PIERRE")

    reponse = connecter(client, navigateur)

    assert reponse.status_code == 403
    assert "Plusieurs dossiers possibles" in reponse.content.decode()
    assert connecte(client) is None
    assert not IdentiteFederee.objects.exists()
    assert len(journal("federation.sans_correspondance")) == 1


def test_a_missing_claim_is_refused(client, navigateur, fournisseur):
    demandeur()
    fournisseur.comptes_ajouter(incomplet={k: v for k, v in PIVOT.items() if k != "birthdate"})

    reponse = connecter(client, navigateur, "incomplet")

    assert reponse.status_code == 403
    assert "Identité incomplète" in reponse.content.decode()
    assert connecte(client) is None


def test_the_person_cancels_at_the_provider(client, navigateur, jp):
    reponse = client.get(navigateur.annuler(demarrer(client)))

    assert reponse.status_code == 200
    assert "Connexion annulée" in reponse.content.decode()
    assert connecte(client) is None


def retour_modifie(http, navigateur, **modifications: str | None) -> str:
    retour = urlsplit(navigateur.se_connecter(demarrer(http), login="jp"))
    parametres = {cle: valeurs[0] for cle, valeurs in parse_qs(retour.query).items()}
    for cle, valeur in modifications.items():
        if valeur is None:
            parametres.pop(cle)
        else:
            parametres[cle] = valeur
    return retour.path + "?" + "&".join(f"{cle}={valeur}" for cle, valeur in parametres.items())


@pytest.mark.parametrize("state", ["un-autre-etat", None])
def test_a_wrong_or_missing_state_signs_no_one_in(client, navigateur, jp, state):
    reponse = client.get(retour_modifie(client, navigateur, state=state))

    assert reponse.status_code == 400
    assert "expiré ou a déjà servi" in reponse.content.decode()
    assert connecte(client) is None


def test_a_provider_answer_is_used_once(client, navigateur, jp):
    retour = navigateur.se_connecter(demarrer(client), login="jp")
    assert client.get(retour).status_code == 302
    client.logout()

    assert client.get(retour).status_code == 400


def test_a_wrong_nonce_is_refused(client, navigateur, jp, caplog):
    retour = navigateur.se_connecter(demarrer(client), login="jp")
    session = client.session
    (cle,) = [cle for cle in session.keys() if cle.startswith("_state_franceconnect_")]
    session[cle] = {**session[cle], "data": {**session[cle]["data"], "nonce": "un-autre-nonce"}}
    session.save()

    reponse = client.get(retour)

    assert reponse.status_code == 400
    assert "de façon sûre" in reponse.content.decode()
    assert connecte(client) is None
    assert refus_detail(caplog) == "InvalidClaimError nonce"


def test_an_expired_id_token_is_refused(client, navigateur, fournisseur, jp, caplog):
    retour = navigateur.se_connecter(demarrer(client), login="jp")
    fournisseur.controler("horloge", secondes=-3600)  # the provider's next token response is an hour old

    reponse = client.get(retour)

    assert reponse.status_code == 400
    assert connecte(client) is None
    assert refus_detail(caplog) == "ExpiredTokenError exp"


def test_a_signature_by_a_key_the_provider_does_not_publish_is_refused(client, navigateur, fournisseur, jp, caplog):
    fournisseur.controler("imposteur")  # signs with a new key under the published key's kid

    reponse = connecter(client, navigateur)

    assert reponse.status_code == 400
    assert "de façon sûre" in reponse.content.decode()
    assert connecte(client) is None
    assert refus_detail(caplog) == "BadSignatureError"


def test_a_rotated_signing_key_is_fetched_from_the_jwks(client, navigateur, fournisseur, jp):
    assert connecter(client, navigateur).status_code == 302  # our client has cached the first JWKS
    client.logout()
    fournisseur.controler("rotation")  # a new key with a new kid

    assert connecter(client, navigateur).status_code == 302
    assert connecte(client) is not None


def test_a_level_of_assurance_below_the_operators_is_refused(client, navigateur, jp, settings, caplog):
    settings.FRANCECONNECT_ACR_VALUES = "eidas2"

    reponse = connecter(client, navigateur, acr="eidas1")

    assert reponse.status_code == 400
    assert connecte(client) is None
    assert refus_detail(caplog) == "InvalidClaimError acr"


def test_an_unreachable_provider_gives_a_clear_page(client, fournisseur, settings):
    with socket.socket() as libre:
        libre.bind(("127.0.0.1", 0))
        port = libre.getsockname()[1]
    settings.FRANCECONNECT_DISCOVERY_URL = f"http://127.0.0.1:{port}/.well-known/openid-configuration"

    reponse = client.get(BOUTON)

    assert reponse.status_code == 503
    assert "FranceConnect ne répond pas" in reponse.content.decode()


def test_logout_chains_to_the_providers_end_session(client, navigateur, fournisseur, jp):
    connecter(client, navigateur)
    id_token = client.session["federation"]["id_token"]

    sortie = client.post("/compte/deconnexion", {"allow": "on"})

    assert sortie.status_code == 302
    assert connecte(client) is None
    url = sortie["Location"]
    assert url.startswith(f"{fournisseur.issuer}/session/end?")
    parametres = {cle: valeurs[0] for cle, valeurs in parse_qs(urlsplit(url).query).items()}
    assert parametres["id_token_hint"] == id_token
    assert parametres["post_logout_redirect_uri"] == "http://testserver/compte/deconnexion/retour"
    retour = navigateur.se_deconnecter(url)
    assert retour.startswith(f"/compte/deconnexion/retour?state={parametres['state']}")
    fin = client.get(retour)
    assert fin.status_code == 302
    assert fin["Location"] == CONNEXION


def test_a_provider_that_stops_answering_before_the_return_gives_a_clear_page(client, navigateur, jp, settings):
    retour = navigateur.se_connecter(demarrer(client), login="jp")
    client_oidc._application.cache_clear()  # a new worker process: nothing cached
    settings.FRANCECONNECT_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"

    reponse = client.get(retour)

    assert reponse.status_code == 503
    assert connecte(client) is None


def test_remembered_identities_are_read_only_in_the_admin(admin_client, client, navigateur, jp):
    connecter(client, navigateur)
    identite = IdentiteFederee.objects.get()

    assert admin_client.get("/admin/federation/identitefederee/").status_code == 200
    assert admin_client.get("/admin/federation/identitefederee/add/").status_code == 403
    assert admin_client.get(f"/admin/federation/identitefederee/{identite.pk}/change/").status_code == 200
