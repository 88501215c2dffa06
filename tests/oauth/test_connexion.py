"""`/compte/connexion`: the job seeker's login page, throttled per account and per IP, and the seam
where an upstream identity provider plugs in."""

from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.http import HttpResponseRedirect
from django.utils import timezone

from indemnites.trafic.models import EchecConnexion
from indemnites.trafic.services import connexion_echec_enregistrer
from tests.oauth import outils
from tests.oauth.outils import MOT_DE_PASSE

LOGIN_URL = "/compte/connexion"


def connecte(http) -> bool:
    return "_auth_user_id" in http.session


def essayer(http, identifiant: str = "jean.are", mot_de_passe: str = "mauvais", ip: str = "192.0.2.10", **extra):
    en_tetes = {cle: extra.pop(cle) for cle in list(extra) if cle.startswith("HTTP_")}
    donnees = {"identifiant": identifiant, "mot_de_passe": mot_de_passe, **extra}
    return http.post(LOGIN_URL, donnees, REMOTE_ADDR=ip, **en_tetes)


def texte(response) -> str:
    return unescape(response.content.decode())


def test_page_asks_for_the_identifiant_and_the_password(http):
    response = http.get(LOGIN_URL)

    html = texte(response)
    assert response.status_code == 200
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert "Identifiant France Travail" in html


def test_right_credentials_log_in_and_go_on_to_the_authorization(http, jean):
    suite = "/connexion/oauth2/authorize?realm=/individu&client_id=x"

    response = essayer(http, mot_de_passe=MOT_DE_PASSE, next=suite)

    assert response.status_code == 302
    assert response["Location"] == suite
    assert connecte(http)


def test_without_next_the_job_seeker_lands_on_their_space(http, jean):
    response = essayer(http, mot_de_passe=MOT_DE_PASSE)

    assert response["Location"] == "/compte/"
    espace = http.get("/compte/").content.decode()
    assert 'href="/compte/autorisations"' in espace
    assert 'href="/compte/consultations"' in espace


@pytest.mark.parametrize("suite", ["https://attaquant.exemple/", "//attaquant.exemple/", "javascript:alert(1)"])
def test_next_never_leaves_the_site(http, jean, suite):
    response = essayer(http, mot_de_passe=MOT_DE_PASSE, next=suite)

    assert response["Location"] == "/compte/"


@pytest.mark.parametrize(("identifiant", "mot_de_passe"), [("jean.are", "mauvais"), ("inconnu", MOT_DE_PASSE)])
def test_wrong_credentials_get_one_message_that_reveals_nothing(http, jean, identifiant, mot_de_passe):
    response = essayer(http, identifiant, mot_de_passe)

    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect." in texte(response)
    assert not connecte(http)


def test_an_account_that_is_not_a_job_seekers_cannot_log_in_here(http):
    get_user_model().objects.create_user(username="agent@mairie.fr", password=MOT_DE_PASSE)

    response = essayer(http, "agent@mairie.fr", MOT_DE_PASSE)

    assert "Identifiant ou mot de passe incorrect." in texte(response)
    assert not connecte(http)


def test_disabled_account_cannot_log_in(http, jean):
    jean.utilisateur.is_active = False
    jean.utilisateur.save()

    essayer(http, mot_de_passe=MOT_DE_PASSE)

    assert not connecte(http)


class TestLimitation:
    def test_after_five_failures_the_account_is_suspended_even_with_the_right_password(self, http, jean):
        for _ in range(5):
            assert essayer(http).status_code == 200

        response = essayer(http, mot_de_passe=MOT_DE_PASSE)

        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0
        assert "Trop de tentatives de connexion ont échoué pour ce compte" in texte(response)
        assert "réessayez dans 15 minutes" in texte(response)
        assert not connecte(http)

    def test_the_account_is_suspended_whatever_the_source_address(self, http, jean):
        for rang in range(5):
            essayer(http, ip=f"192.0.2.{rang}")

        assert essayer(http, mot_de_passe=MOT_DE_PASSE, ip="198.51.100.7").status_code == 429

    def test_other_accounts_are_not_suspended(self, http, jean):
        outils.personne("claire.asp")
        for _ in range(5):
            essayer(http)

        response = essayer(http, "claire.asp", MOT_DE_PASSE)

        assert response.status_code == 302

    def test_an_address_trying_many_accounts_is_suspended(self, http, jean, settings):
        settings.DEMANDEUR_CONNEXION_LIMITE_IP = "3/15 minutes"
        for rang in range(3):
            essayer(http, f"inconnu{rang}")

        response = essayer(http, mot_de_passe=MOT_DE_PASSE)

        assert response.status_code == 429
        assert "depuis votre adresse réseau" in texte(response)
        assert essayer(http, mot_de_passe=MOT_DE_PASSE, ip="198.51.100.7").status_code == 302

    def test_a_successful_login_wipes_the_accounts_failures(self, http, jean):
        for _ in range(4):
            essayer(http)
        essayer(http, mot_de_passe=MOT_DE_PASSE)
        http.logout()
        for _ in range(4):
            essayer(http)

        assert essayer(http, mot_de_passe=MOT_DE_PASSE).status_code == 302

    def test_suspension_ends_after_the_window(self, http, jean):
        for _ in range(5):
            essayer(http)

        with time_machine.travel(timezone.now() + timedelta(minutes=16)):
            response = essayer(http, mot_de_passe=MOT_DE_PASSE)

        assert response.status_code == 302

    def test_failures_seen_by_another_worker_or_instance_count_here(self, http, jean):
        # Another process (a second gunicorn worker, another instance) recorded them: they are in the
        # database, not in this process's memory, with or without Redis.
        for rang in range(5):
            connexion_echec_enregistrer(identifiant="Jean.ARE", ip=f"203.0.113.{rang}")

        assert essayer(http, mot_de_passe=MOT_DE_PASSE).status_code == 429

    def test_the_failures_table_never_holds_the_identifier_or_the_address(self, http, jean):
        essayer(http, ip="192.0.2.55")

        cles = " ".join(EchecConnexion.objects.values_list("cle", flat=True))
        assert EchecConnexion.objects.count() == 2
        assert "jean" not in cles
        assert "192.0.2.55" not in cles

    def test_behind_a_proxy_the_address_is_the_clients(self, http, jean, settings):
        settings.TRAFIC_NOMBRE_PROXYS = 1
        settings.DEMANDEUR_CONNEXION_LIMITE_IP = "3/15 minutes"
        for rang in range(3):
            essayer(http, f"inconnu{rang}", ip="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.9")

        # Same proxy, another client: not suspended; the same client again: suspended.
        autre = essayer(http, mot_de_passe=MOT_DE_PASSE, ip="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.10")
        http.logout()
        meme = essayer(http, mot_de_passe=MOT_DE_PASSE, ip="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.9")

        assert autre.status_code == 302
        assert meme.status_code == 429


class FournisseurAmont:
    """An upstream OpenID Connect provider as the seam sees it; the provider itself is outside."""

    local_form = False
    bouton = None  # no button: the login page sends the job seeker straight to the provider

    def authenticate(self, request, *, identifiant, mot_de_passe):
        return None

    def start(self, request, *, next_url):
        request.session["fournisseur_state"] = "etat-amont"
        return HttpResponseRedirect("https://fournisseur.exemple/authorize?state=etat-amont")

    def complete(self, request):
        if request.GET.get("state") != request.session.get("fournisseur_state"):
            return None
        return get_user_model().objects.get(username="jean.are")

    def logout_url(self, request, *, post_logout_redirect_uri):
        return None


class TestFournisseurAmont:
    @pytest.fixture(autouse=True)
    def _fournisseur(self, settings) -> None:
        settings.DEMANDEUR_IDENTITY_BACKEND = "tests.oauth.test_connexion.FournisseurAmont"

    def test_login_page_sends_the_job_seeker_to_the_provider(self, http, jean):
        response = http.get(LOGIN_URL, {"next": "/compte/autorisations"})

        assert response.status_code == 302
        assert response["Location"].startswith("https://fournisseur.exemple/authorize")

    def test_provider_return_logs_in_and_resumes(self, http, jean):
        http.get(LOGIN_URL, {"next": "/connexion/oauth2/authorize?realm=/individu"})

        response = http.get("/compte/connexion/retour", {"state": "etat-amont"})

        assert response["Location"] == "/connexion/oauth2/authorize?realm=/individu"
        assert connecte(http)

    def test_provider_return_that_does_not_check_out_logs_no_one_in(self, http, jean):
        http.get(LOGIN_URL)

        response = http.get("/compte/connexion/retour", {"state": "autre"})

        assert response.status_code == 400
        assert not connecte(http)

    def test_local_form_is_closed(self, http, jean):
        assert essayer(http, mot_de_passe=MOT_DE_PASSE).status_code == 404


def test_return_route_is_closed_with_local_passwords(http):
    assert http.get("/compte/connexion/retour").status_code == 404
