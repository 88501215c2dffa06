"""The credentials lifecycle through the real API: issue, narrow, rotate with grace, expire, revoke."""

import json
import re
from datetime import timedelta
from importlib import import_module

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.utils import timezone

from indemnites.habilitations import services
from indemnites.habilitations.domain import CHAMP_CHOMAGE, CHAMP_SOLIDARITE
from indemnites.oauth.domain import SCOPES_INDIVIDU
from indemnites.oauth.models import AccessToken, Application
from tests.api.outils import corps, jours
from tests.conftest import DATA_URL, TOKEN_URL
from tests.habilitations.conftest import DEUX_DONNEES, SIRET_MAIRIE, agent_creer, connecte

FT = "France Travail"
CONNECTE_URL = "/partenaire/peconnect-indemnisations/v1/indemnisation"


@pytest.fixture
def personne(demandeur):
    return demandeur(droits=(("ARE", FT, jours(-100), None), ("RSA", "CAF", jours(-100), None)))


@pytest.fixture
def habilitee(demande_faire, demandeur_agent, valider):
    """A validated request granting both data, server to server, for the Ville de Paris."""
    demande = demande_faire(**DEUX_DONNEES)
    services.demande_soumettre(demande=demande, agent=demandeur_agent)
    valider(demande)
    demande.refresh_from_db()
    return demande


def secret_demander(http: Client, demande) -> str:
    """The first secret is asked for on demand, later ones by a confirmed renewal; each POST redirects to the
    page that shows it once (returned)."""
    demande.refresh_from_db()
    url = f"/habilitations/demandes/{demande.pk}/identifiants/"
    if demande.secret_remis_le is None:
        post = http.post(url)
    else:
        post = http.post(url + "renouveler/", {"confirmer": "on"})
    assert (post.status_code, post["Location"]) == (302, url)
    return url


def secret_page(http: Client, demande) -> str:
    response = http.get(secret_demander(http, demande))
    assert response["Cache-Control"] == "no-store"
    return response.content.decode()


def secret_afficher(http: Client, demande) -> tuple[str, str]:
    page = secret_page(http, demande)
    client_id = re.search(r'id="client-id">([^<]+)<', page).group(1)
    return client_id, re.search(r'id="client-secret">([^<]+)<', page).group(1)


def jeton_demander(client_id: str, secret: str):
    return Client().post(
        TOKEN_URL,
        {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
            "scope": "api_indemnisationsv1",
        },
    )


def jeton(client_id: str, secret: str) -> str:
    response = jeton_demander(client_id, secret)
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def appeler(token: str):
    return Client().post(
        DATA_URL, corps(recipient=SIRET_MAIRIE), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def test_validation_issues_a_client_whose_secret_is_shown_once_to_the_applicant(habilitee, demandeur_agent, personne):
    http = connecte(demandeur_agent)
    avant = http.get(f"/habilitations/demandes/{habilitee.pk}/identifiants/").content.decode()
    assert "Afficher le secret" in avant

    client_id, secret = secret_afficher(http, habilitee)

    assert client_id == habilitee.application.client_id
    assert secret not in Application.objects.get().client_secret  # stored hashed only
    assert Application.objects.get().client_secret.startswith("client_secret_sha256$")
    apres = http.get(f"/habilitations/demandes/{habilitee.pk}/identifiants/").content.decode()
    assert secret not in apres
    assert "Renouveler le secret" in apres
    response = appeler(jeton(client_id, secret))
    assert response.status_code == 200
    assert response.json() == {CHAMP_SOLIDARITE: True, CHAMP_CHOMAGE: True}


def test_the_granted_recipients_are_enforced(habilitee, demandeur_agent, personne):
    client_id, secret = secret_afficher(connecte(demandeur_agent), habilitee)
    token = jeton(client_id, secret)

    response = Client().post(
        DATA_URL,
        corps(recipient="13002526500013"),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )

    assert response.status_code == 403


def test_narrowing_the_fields_narrows_the_response_at_once(habilitee, demandeur_agent, valider, personne):
    client_id, secret = secret_afficher(connecte(demandeur_agent), habilitee)
    token = jeton(client_id, secret)
    assert set(appeler(token).json()) == {CHAMP_SOLIDARITE, CHAMP_CHOMAGE}

    services.demande_rouvrir(demande=habilitee, agent=demandeur_agent)
    # While the amendment waits, the current grants still apply.
    assert set(appeler(token).json()) == {CHAMP_SOLIDARITE, CHAMP_CHOMAGE}
    services.demande_enregistrer(demande=habilitee, agent=demandeur_agent, donnees={"donnees": [CHAMP_CHOMAGE]})
    services.demande_soumettre(demande=habilitee, agent=demandeur_agent)
    valider(habilitee)

    # The very same token, the same client id: the response lost the field at once.
    assert appeler(token).json() == {CHAMP_CHOMAGE: True}
    assert Application.objects.get().client_id == client_id


def test_rotation_keeps_the_old_secret_for_the_grace_period_then_refuses_it(
    habilitee, demandeur_agent, personne, django_capture_on_commit_callbacks
):
    http = connecte(demandeur_agent)
    client_id, ancien = secret_afficher(http, habilitee)

    with django_capture_on_commit_callbacks(execute=True):
        meme_id, nouveau = secret_afficher(http, habilitee)

    assert (meme_id, nouveau != ancien) == (client_id, True)
    assert "Secret renouvelé" in mail.outbox[-1].subject
    assert "technique@paris.fr" in mail.outbox[-1].to
    assert appeler(jeton(client_id, ancien)).status_code == 200
    assert appeler(jeton(client_id, nouveau)).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23), tick=False):
        assert jeton_demander(client_id, ancien).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1), tick=False):
        refus = jeton_demander(client_id, ancien)
        assert refus.status_code == 401
        assert refus.json()["error"] == "invalid_client"
        assert appeler(jeton(client_id, nouveau)).status_code == 200


def test_the_grace_period_is_a_setting(habilitee, demandeur_agent, settings):
    settings.HABILITATIONS_GRACE_SECRET_JOURS = 1
    http = connecte(demandeur_agent)
    client_id, ancien = secret_afficher(http, habilitee)
    secret_afficher(http, habilitee)

    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1), tick=False):
        assert jeton_demander(client_id, ancien).status_code == 401


def test_the_previous_secret_also_works_with_basic_authentication_during_the_grace(habilitee, demandeur_agent):
    import base64

    http = connecte(demandeur_agent)
    client_id, ancien = secret_afficher(http, habilitee)
    secret_afficher(http, habilitee)

    basic = base64.b64encode(f"{client_id}:{ancien}".encode()).decode()
    response = Client().post(
        TOKEN_URL,
        {"grant_type": "client_credentials", "scope": "api_indemnisationsv1"},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert response.status_code == 200, response.content
    assert jeton_demander(client_id, "pas-le-bon").status_code == 401


def test_credentials_expire_18_months_after_validation(habilitee, demandeur_agent, personne):
    client_id, secret = secret_afficher(connecte(demandeur_agent), habilitee)
    expire_le = Application.objects.get().expire_le

    with time_machine.travel(expire_le - timedelta(minutes=1), tick=False):
        assert appeler(jeton(client_id, secret)).status_code == 200
    with time_machine.travel(expire_le + timedelta(seconds=1), tick=False):
        refus = jeton_demander(client_id, secret)
        assert refus.status_code == 401
        assert refus.json()["error"] == "invalid_client"


def test_revocation_takes_effect_at_once(habilitee, demandeur_agent, instructeur, personne):
    client_id, secret = secret_afficher(connecte(demandeur_agent), habilitee)
    token = jeton(client_id, secret)
    assert appeler(token).status_code == 200

    connecte(instructeur).post(
        f"/instruction/demandes/{habilitee.pk}/",
        {"decision": "revoquer", "motif": "Usage non conforme.", "confirmer_revocation": "on"},
    )

    response = appeler(token)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert jeton_demander(client_id, secret).status_code == 401
    # Nor can the applicant get a new secret for a revoked habilitation.
    assert connecte(demandeur_agent).post(f"/habilitations/demandes/{habilitee.pk}/identifiants/").status_code == 302


def test_revocation_also_cuts_a_connected_mode_token(demande_faire, demandeur_agent, valider, instructeur, demandeur):
    """A job seeker's consented token (mode A) that worked gets 401 right after the revocation."""
    demande = demande_faire(
        mode_serveur=False, mode_connecte=True, redirect_uris=["https://demarche.fr/retour"], destinataires_siret=[]
    )
    services.demande_soumettre(demande=demande, agent=demandeur_agent)
    valider(demande)
    personne = demandeur(droits=(("ARE", FT, jours(-100), None),))
    personne.utilisateur = get_user_model().objects.create_user(username="usager-jean-are")
    personne.save()
    AccessToken.objects.create(
        user=personne.utilisateur,
        application=Application.objects.get(),
        token="jeton-usager-de-test",
        expires=timezone.now() + timedelta(minutes=10),
        scope=" ".join(SCOPES_INDIVIDU),
    )

    def consulter():
        return Client().get(CONNECTE_URL, HTTP_AUTHORIZATION="Bearer jeton-usager-de-test")

    assert consulter().json() == {CHAMP_CHOMAGE: True}

    services.demande_revoquer(demande=demande, instructeur=instructeur, motif="Fin de la démarche.")

    assert consulter().status_code == 401


def test_only_the_applicant_gets_the_secret(habilitee):
    collegue = agent_creer()
    assert connecte(collegue).post(f"/habilitations/demandes/{habilitee.pk}/identifiants/").status_code == 403
    habilitee.refresh_from_db()
    assert habilitee.secret_remis_le is None


def test_a_reload_never_shows_nor_changes_the_secret(habilitee, demandeur_agent):
    http = connecte(demandeur_agent)
    url = f"/habilitations/demandes/{habilitee.pk}/identifiants/"
    client_id, secret = secret_afficher(http, habilitee)
    empreinte = Application.objects.get().client_secret

    rechargee = http.get(url).content.decode()
    reposte = http.post(url)  # the browser's "resend the form?": refused, nothing renewed

    assert secret not in rechargee
    assert reposte["Location"] == url
    assert Application.objects.get().client_secret == empreinte
    assert jeton_demander(client_id, secret).status_code == 200


def test_renewal_asks_for_confirmation_and_states_the_consequences(habilitee, demandeur_agent):
    http = connecte(demandeur_agent)
    secret_afficher(http, habilitee)
    empreinte = Application.objects.get().client_secret
    url = f"/habilitations/demandes/{habilitee.pk}/identifiants/renouveler/"

    confirmation = http.get(url).content.decode()
    sans_case = http.post(url, {})

    assert "reste accepté pendant 7 jours" in confirmation
    assert sans_case.status_code == 400
    html = sans_case.content.decode()
    assert "<title>Erreur : Renouveler le secret" in html
    assert 'id="erreurs-formulaire"' in html
    assert 'href="#id_confirmer"' in html
    assert Application.objects.get().client_secret == empreinte


def test_grace_messages_are_exact_after_several_renewals(habilitee, demandeur_agent):
    http = connecte(demandeur_agent)
    debut = timezone.now()
    with time_machine.travel(debut, tick=False):
        client_id, premier = secret_afficher(http, habilitee)
        premiere_page = secret_page(http, habilitee)  # first renewal: the first secret gets 7 days
    second = re.search(r'id="client-secret">([^<]+)<', premiere_page).group(1)
    fin_premier = timezone.localtime(debut + timedelta(days=7))
    assert f"reste accepté jusqu'au {fin_premier:%d/%m/%Y à %H:%M}" in premiere_page
    assert 'id="plus-ancien"' not in premiere_page

    with time_machine.travel(debut + timedelta(days=2), tick=False):
        page = secret_page(http, habilitee)  # second renewal, within the first one's grace
        confirmation = http.get(f"/habilitations/demandes/{habilitee.pk}/identifiants/").content.decode()
        assert jeton_demander(client_id, premier).status_code == 401  # cut short, as the page says
        assert jeton_demander(client_id, second).status_code == 200

    fin_second = timezone.localtime(debut + timedelta(days=9))
    assert f"reste accepté jusqu'au {fin_second:%d/%m/%Y à %H:%M}" in page
    assert f"devait rester accepté jusqu'au {fin_premier:%d/%m/%Y à %H:%M}, est refusé dès maintenant" in page.replace(
        "&#x27;", "'"
    )
    assert f"{fin_second:%d/%m/%Y à %H:%M}" in confirmation


def test_after_a_revocation_no_grace_period_is_announced(habilitee, demandeur_agent, instructeur):
    http = connecte(demandeur_agent)
    secret_afficher(http, habilitee)
    secret_afficher(http, habilitee)  # a renewal: the previous secret is in its grace period

    sans_confirmation = connecte(instructeur).post(
        f"/instruction/demandes/{habilitee.pk}/", {"decision": "revoquer", "motif": "Usage non conforme."}
    )
    assert sans_confirmation.status_code == 400
    assert Application.objects.get().actif
    connecte(instructeur).post(
        f"/instruction/demandes/{habilitee.pk}/",
        {"decision": "revoquer", "motif": "Usage non conforme.", "confirmer_revocation": "on"},
    )

    html = http.get(f"/habilitations/demandes/{habilitee.pk}/identifiants/").content.decode()
    assert "Client révoqué" in html
    assert "Ancien secret accepté jusqu" not in html
    assert "Renouveler le secret" not in html


def session_stockee(http: Client) -> str:
    """What the database holds for this browser's session: the raw row, then its decoded content."""
    cle = http.cookies[django_settings.SESSION_COOKIE_NAME].value
    decodee = import_module(django_settings.SESSION_ENGINE).SessionStore(session_key=cle).load()
    return Session.objects.get(session_key=cle).session_data + json.dumps(decodee)


@pytest.mark.parametrize("renouvellement", [False, True], ids=["premier", "renouvellement"])
def test_the_secret_waiting_to_be_shown_is_never_stored_in_clear_in_the_session(
    habilitee, demandeur_agent, renouvellement
):
    http = connecte(demandeur_agent)
    if renouvellement:
        secret_afficher(http, habilitee)

    url = secret_demander(http, habilitee)
    stockee = session_stockee(http)  # between the POST and the GET that shows the secret
    secret = re.search(r'id="client-secret">([^<]+)<', http.get(url).content.decode()).group(1)

    assert secret not in stockee
    assert secret not in session_stockee(http)


def test_the_secret_is_shown_within_five_minutes_of_the_request(habilitee, demandeur_agent):
    http = connecte(demandeur_agent)
    debut = timezone.now()
    with time_machine.travel(debut, tick=False):
        url = secret_demander(http, habilitee)
    with time_machine.travel(debut + timedelta(minutes=4, seconds=59), tick=False):
        page = http.get(url).content.decode()
    assert 'id="client-secret"' in page


def test_a_secret_not_shown_within_five_minutes_can_no_longer_be_shown(habilitee, demandeur_agent):
    http = connecte(demandeur_agent)
    debut = timezone.now()
    with time_machine.travel(debut, tick=False):
        url = secret_demander(http, habilitee)
    with time_machine.travel(debut + timedelta(minutes=5, seconds=1), tick=False):
        page = http.get(url).content.decode().replace("&#x27;", "'")
        rechargee = http.get(url).content.decode().replace("&#x27;", "'")

    assert 'id="client-secret"' not in page
    assert "Le secret n'a pas été affiché à temps et ne peut plus l'être" in page
    assert "renouvelez-le" in page
    assert "ne peut plus l'être" not in rechargee  # said once: the sealed secret is gone at the first GET


def test_a_secret_sealed_under_a_retired_key_can_no_longer_be_shown(habilitee, demandeur_agent, settings):
    http = connecte(demandeur_agent)
    url = secret_demander(http, habilitee)
    # The session itself survives a key rotation (old key in the fallbacks), not the sealed secret.
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "une-nouvelle-cle-apres-rotation"

    page = http.get(url).content.decode().replace("&#x27;", "'")

    assert 'id="client-secret"' not in page
    assert "Le secret n'a pas été affiché à temps et ne peut plus l'être" in page
