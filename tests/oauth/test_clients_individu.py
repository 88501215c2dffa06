"""Connected-mode clients: what creating one checks, and what the administration shows of them."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from indemnites.oauth.models import Application
from tests.oauth import outils


def test_client_is_confidential_authorization_code_rs256_with_the_historical_scopes():
    application = outils.client_individu().application

    assert application.client_type == Application.CLIENT_CONFIDENTIAL
    assert application.authorization_grant_type == Application.GRANT_AUTHORIZATION_CODE
    assert application.algorithm == Application.RS256_ALGORITHM
    assert application.scopes.split() == outils.SCOPES.split()
    assert not application.pkce_exempte
    assert not application.refresh_autorise


def test_secret_is_stored_hashed():
    cree = outils.client_individu()

    assert cree.application.client_secret != cree.client_secret


@pytest.mark.parametrize(
    "uri", ["http://demarche.exemple.fr/retour", "demarche.exemple.fr/retour", "https://*.exemple.fr/retour"]
)
def test_redirect_uris_must_be_https_and_exact_outside_development(uri):
    with pytest.raises(ValidationError):
        outils.client_individu_creer(
            nom="Mairie",
            champs=["beneficiaireAssuranceChomage"],
            destinataires=[outils.SIRET],
            redirect_uris=[uri],
            demarche="Démarche",
            base_legale="L114-8",
            duree_conservation="12 mois",
        )


@pytest.mark.parametrize("manquant", ["demarche", "base_legale", "duree_conservation"])
def test_what_the_consent_page_shows_is_required(manquant):
    valeurs = {"demarche": "Démarche", "base_legale": "L114-8", "duree_conservation": "12 mois", manquant: " "}

    with pytest.raises(ValidationError, match="avant son consentement"):
        outils.client_individu_creer(
            nom="Mairie",
            champs=["beneficiaireAssuranceChomage"],
            destinataires=[outils.SIRET],
            redirect_uris=[outils.REDIRECT_URI],
            **valeurs,
        )


def test_admin_shows_and_filters_the_legacy_pe_connect_flag(http):
    outils.client_individu(nom="Client historique", pkce_exempte=True)
    admin = get_user_model().objects.create_superuser("admin", "admin@exemple.fr", "x" * 20)
    http.force_login(admin)

    liste = http.get("/admin/oauth/application/")
    filtre = http.get("/admin/oauth/application/", {"pkce_exempte__exact": "1"})

    assert liste.status_code == 200
    assert "client PE Connect historique (exempté de PKCE)" in liste.content.decode()
    assert "Client historique" in filtre.content.decode()


def test_admin_shows_consent_decisions_read_only(http, client_individu, jean):
    http.force_login(jean.utilisateur)
    outils.consentir(http, outils.authorize_url(client_individu, outils.pkce()[1]))
    admin = get_user_model().objects.create_superuser("admin", "admin@exemple.fr", "x" * 20)
    http.force_login(admin)

    liste = http.get("/admin/oauth/consentement/")

    assert liste.status_code == 200
    assert "autorisation accordée" in liste.content.decode()
    assert http.get("/admin/oauth/consentement/add/").status_code == 403
