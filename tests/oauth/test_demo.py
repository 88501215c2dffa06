"""`manage.py demo_charger` in connected mode: the personas log in with their identifiant and the
documented password, and two sandbox clients (one PKCE, one legacy PE Connect) are ready."""

from io import StringIO

import pytest
from django.core.management import call_command

from indemnites.droits.models import DemandeurEmploi
from indemnites.droits.services.demo import DEMO_MOT_DE_PASSE
from indemnites.oauth.models import Application
from indemnites.oauth.services import CLIENTS_INDIVIDU_SANDBOX, ClientCree
from tests.oauth import outils


def charger() -> str:
    sortie = StringIO()
    call_command("demo_charger", stdout=sortie)
    return sortie.getvalue()


def test_every_persona_with_an_identifiant_gets_a_login_account():
    charger()

    lies = DemandeurEmploi.objects.filter(utilisateur__isnull=False)
    assert lies.count() == 10
    assert all(demandeur.utilisateur.username == demandeur.identifiant for demandeur in lies)
    assert all(demandeur.utilisateur.check_password(DEMO_MOT_DE_PASSE) for demandeur in lies)


def test_personas_carry_the_sex_of_their_nir_for_the_gender_claim():
    charger()

    sexes = dict(DemandeurEmploi.objects.values_list("prenom", "sexe"))
    assert (sexes["Jean"], sexes["Claire"], sexes["Karim"]) == ("M", "F", "M")
    assert set(sexes.values()) == {"M", "F"}


def test_the_output_gives_the_demo_login_and_clients():
    sortie = charger()

    assert DEMO_MOT_DE_PASSE in sortie
    assert "jean.are" in sortie
    for client in CLIENTS_INDIVIDU_SANDBOX:
        assert f"client_id={client.client_id} client_secret={client.client_secret}" in sortie


def test_loading_twice_changes_no_account_and_no_client():
    charger()
    avant = list(Application.objects.order_by("pk").values_list("pk", "updated", "client_secret"))
    comptes = list(DemandeurEmploi.objects.order_by("pk").values_list("utilisateur_id", "updated_at"))

    charger()

    assert list(Application.objects.order_by("pk").values_list("pk", "updated", "client_secret")) == avant
    assert list(DemandeurEmploi.objects.order_by("pk").values_list("utilisateur_id", "updated_at")) == comptes


def test_legacy_client_is_flagged_and_the_other_is_not():
    charger()

    drapeaux = dict(
        Application.objects.filter(client_id__startswith="sandbox-").values_list("client_id", "pkce_exempte")
    )
    assert drapeaux["sandbox-mode-connecte"] is False
    assert drapeaux["sandbox-pe-connect-historique"] is True


@pytest.mark.parametrize("sandbox", CLIENTS_INDIVIDU_SANDBOX, ids=lambda client: client.client_id)
def test_a_persona_goes_through_the_flow_with_a_sandbox_client(http, sandbox):
    charger()
    application = Application.objects.get(client_id=sandbox.client_id)
    client = ClientCree(application=application, client_secret=sandbox.client_secret)
    redirect_uri = "https://127.0.0.1:8765/callback"
    marc = DemandeurEmploi.objects.get(identifiant="marc.ass")
    verifier, challenge = outils.pkce()
    http.post("/compte/connexion", {"identifiant": "marc.ass", "mot_de_passe": DEMO_MOT_DE_PASSE})

    reponse = outils.consentir(http, outils.authorize_url(client, challenge, redirect_uri=redirect_uri))
    code = outils.query(reponse["Location"])["code"]
    jeton = outils.echanger(http, client, code, verifier, redirect_uri=redirect_uri).json()["access_token"]

    donnees = http.get(outils.INDEMNISATION_URL, **outils.bearer(jeton))
    assert donnees.json() == {"beneficiairePrestationSolidarite": True, "beneficiaireAssuranceChomage": False}
    assert marc.utilisateur_id is not None
