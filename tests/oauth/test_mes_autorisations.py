"""`/compte/autorisations`: the job seeker lists the administrations they authorised and withdraws one;
withdrawal revokes its tokens at once."""

from html import unescape

import pytest

from indemnites.oauth.models import AccessToken, Consentement, Decision, Grant, RefreshToken
from tests.oauth import outils
from tests.oauth.outils import INDEMNISATION_URL, SIRET, bearer

PAGE_URL = "/compte/autorisations"


def retirer_url(client: outils.ClientCree) -> str:
    return f"{PAGE_URL}/{client.application.client_id}/retirer"


@pytest.fixture
def jeton(http, client_individu, jean) -> str:
    return outils.jetons(http, client_individu, jean)["access_token"]


def test_anonymous_visitor_is_asked_to_log_in(http):
    response = http.get(PAGE_URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion?next=")


def test_lists_the_administrations_authorised_with_their_data(http, jean, jeton):
    html = unescape(http.get(PAGE_URL).content.decode())

    assert "Mairie de Test" in html
    assert f"SIRET {SIRET}" in html
    assert "Tarif social de la cantine scolaire" in html
    assert "Si vous percevez une allocation d'assurance chômage (ARE ou ASP)" in html
    assert "Retirer l'autorisation de Mairie de Test" in html


def test_refused_or_withdrawn_authorisations_are_not_listed(http, client_individu, jean):
    http.force_login(jean.utilisateur)
    outils.consentir(http, outils.authorize_url(client_individu, outils.pkce()[1]), autoriser=False)

    html = unescape(http.get(PAGE_URL).content.decode())

    assert "Vous n'avez autorisé aucune administration." in html


def test_another_persons_authorisations_are_not_shown(http, jean, jeton):
    claire = outils.personne("claire.asp")
    http.force_login(claire.utilisateur)

    html = unescape(http.get(PAGE_URL).content.decode())

    assert "Mairie de Test" not in html


def test_withdrawal_revokes_the_token_at_once(http, client_individu, jean, jeton):
    assert http.get(INDEMNISATION_URL, **bearer(jeton)).status_code == 200

    response = http.post(retirer_url(client_individu))

    assert response.status_code == 302
    assert response["Location"] == PAGE_URL
    refus = http.get(INDEMNISATION_URL, **bearer(jeton))
    assert refus.status_code == 401
    assert refus["WWW-Authenticate"].startswith("Bearer")


def test_withdrawal_revokes_refresh_tokens_and_pending_codes(http, jean):
    client = outils.client_individu(refresh_autorise=True)
    reponse = outils.jetons(http, client, jean)
    code = outils.code_obtenir(http, client, jean, outils.pkce()[1])
    assert code

    http.post(retirer_url(client))

    assert not AccessToken.objects.exists()
    assert not Grant.objects.exists()
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()
    rafraichi = http.post(
        outils.TOKEN_URL,
        {
            "grant_type": "refresh_token",
            "refresh_token": reponse["refresh_token"],
            "client_id": client.application.client_id,
            "client_secret": client.client_secret,
        },
    )
    assert rafraichi.status_code == 400


def test_withdrawal_is_recorded_and_the_list_updated(http, client_individu, jean, jeton):
    http.post(retirer_url(client_individu))

    dernier = Consentement.objects.order_by("-id").first()
    assert dernier.decision == Decision.RETIREE
    assert dernier.utilisateur == jean.utilisateur
    html = unescape(http.get(PAGE_URL).content.decode())
    assert "Autorisation retirée : Mairie de Test ne peut plus obtenir vos données." in html
    assert "Retirer l'autorisation de Mairie de Test" not in html


def test_withdrawal_leaves_other_administrations_alone(http, client_individu, jean, jeton):
    autre = outils.client_individu(nom="Département de Test")
    autre_jeton = outils.jetons(http, autre, jean)["access_token"]

    http.post(retirer_url(client_individu))

    assert http.get(INDEMNISATION_URL, **bearer(autre_jeton)).status_code == 200


def test_one_cannot_withdraw_what_one_did_not_authorise(http, client_individu, jean, jeton):
    claire = outils.personne("claire.asp")
    http.force_login(claire.utilisateur)

    response = http.post(retirer_url(client_individu))

    assert response.status_code == 404
    assert http.get(INDEMNISATION_URL, **bearer(jeton)).status_code == 200


def test_withdrawal_needs_a_post(http, client_individu, jean, jeton):
    assert http.get(retirer_url(client_individu)).status_code == 405
