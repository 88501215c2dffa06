"""One full journey in chromium: sign up → verify → eligibility → request → changes asked → resubmit →
validate → the new client calls the API."""

import re

import httpx
import pytest
from django.core import mail
from playwright.sync_api import expect

from indemnites.habilitations.domain import CHAMP_CHOMAGE
from tests.api.outils import jours
from tests.browser_fixtures import axe_violations, screenshot
from tests.habilitations.conftest import MOT_DE_PASSE, SIRET_MAIRIE, agent_creer, donnees_completes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
COURRIEL = "camille.durand@paris.fr"


def accessible(page, nom: str) -> None:
    screenshot(page, f"habilitations-{nom}")
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n.get("html") for n in v.get("nodes", [])]) for v in violations]


def connexion(page, courriel: str, arrivee: str = "**/habilitations/") -> None:
    """Through the header's "Espace administrations", as an agent finds it."""
    page.goto("/")
    page.click("header a:has-text('Espace administrations')")
    page.wait_for_url("**/habilitations/compte/connexion/**")
    page.fill("#id_courriel", courriel)
    page.fill("#id_mot_de_passe", MOT_DE_PASSE)
    page.click("main button[type=submit]")
    page.wait_for_url(arrivee)


def deconnexion(page) -> None:
    page.click("header button:has-text('Se déconnecter')")
    page.wait_for_url("**/compte/connexion/")


def remplir(page) -> None:
    donnees = donnees_completes()
    for cle, valeur in donnees.items():
        if isinstance(valeur, bool):
            if valeur:
                page.check(f"#id_{cle}", force=True)
        elif cle == "donnees":
            page.check("#id_donnees_1", force=True)
        elif isinstance(valeur, list):
            page.fill(f"#id_{cle}", "\n".join(valeur))
        else:
            page.fill(f"#id_{cle}", str(valeur))


def test_full_journey_from_signup_to_the_first_api_call(page, live_server, demandeur):
    instructeur = agent_creer(siret="13000548100010", nom="France Travail", instructeur=True)
    demandeur(droits=(("ARE", "France Travail", jours(-30), None),))

    # Sign up with a work email, then open the verification link received by email.
    page.goto("/habilitations/compte/inscription/")
    accessible(page, "inscription")
    for champ, valeur in {
        "prenom": "Camille", "nom": "Durand", "courriel": COURRIEL, "mot_de_passe": MOT_DE_PASSE,
        "mot_de_passe_confirmation": MOT_DE_PASSE, "siret": SIRET_MAIRIE, "organisation_nom": "Ville de Paris",
    }.items():  # fmt: skip
        page.fill(f"#id_{champ}", valeur)
    page.click("main button[type=submit]")
    page.get_by_role("heading", name="Vérifiez votre messagerie").wait_for()
    lien = re.search(r"(/habilitations/compte/verifier/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(lien)
    page.get_by_text("Votre adresse est vérifiée").wait_for()
    connexion(page, COURRIEL)

    # Eligibility gate.
    page.goto("/acces/")
    accessible(page, "eligibilite")
    page.check("input[value=administration]", force=True)
    page.click("main button[type=submit]")
    page.click("text=Commencer la demande")
    page.click("main button[type=submit]")  # the draft, for the only organisation

    # The request: a draft first, then the whole form, submitted.
    page.fill("#id_intitule", "Cantine")
    page.click("button[name=enregistrer]")
    page.get_by_text("Brouillon enregistré.", exact=True).wait_for()
    accessible(page, "demande")
    remplir(page)
    page.click("button[name=soumettre]")
    page.get_by_text("Demande soumise").wait_for()
    numero = re.search(r"/demandes/(\d+)/", page.url).group(1)
    deconnexion(page)

    # The instructor asks for changes.
    connexion(page, instructeur.user.email, arrivee="**/instruction/")  # instructors land on the queue
    accessible(page, "instruction")
    page.click(f"text=D{numero}")
    accessible(page, "instruction-demande")
    page.check("input[value=demander_modifications]", force=True)
    page.fill("#id_motif", "Précisez la délibération.")
    page.click("main form button:has-text('Enregistrer la décision')")
    page.get_by_text("Décision enregistrée").wait_for()
    deconnexion(page)

    # The applicant amends and resubmits.
    connexion(page, COURRIEL)
    page.goto(f"/habilitations/demandes/{numero}/")
    page.locator("#dernier-motif").get_by_text("Précisez la délibération.").wait_for()  # beside the status
    page.click("text=Compléter et soumettre")
    page.fill("#id_cadre_juridique_nature", "Délibération du conseil municipal n° 2026-12.")
    page.click("button[name=soumettre]")
    page.get_by_text("Demande soumise").wait_for()
    deconnexion(page)

    # The instructor validates.
    connexion(page, instructeur.user.email, arrivee="**/instruction/")
    page.goto(f"/instruction/demandes/{numero}/")
    page.check("input[value=valider]", force=True)
    page.click("main form button:has-text('Enregistrer la décision')")
    page.get_by_text("Décision enregistrée").wait_for()
    deconnexion(page)

    # The applicant gets the secret, once, and the new client calls the API.
    connexion(page, COURRIEL)
    page.goto(f"/habilitations/demandes/{numero}/identifiants/")
    page.click("text=Afficher le secret")
    client_id = page.inner_text("#client-id")
    secret = page.inner_text("#client-secret")
    screenshot(page, "habilitations-identifiants")
    page.reload()  # shows nothing again, changes nothing
    assert page.locator("#client-secret").count() == 0
    accessible(page, "identifiants-apres-rechargement")

    # Renewing asks for a confirmation: without it, the error summary takes the focus and nothing changes.
    page.click("text=Renouveler le secret…")
    accessible(page, "identifiants-renouveler")
    page.click("main button:has-text('Renouveler le secret')")
    assert page.title().startswith("Erreur : ")
    # Focused by a script run once the page has loaded: waited for, not read at once.
    expect(page.locator("#erreurs-formulaire")).to_be_focused()
    accessible(page, "identifiants-renouveler-erreur")
    page.check("#id_confirmer", force=True)
    page.click("main button:has-text('Renouveler le secret')")
    nouveau = page.inner_text("#client-secret")
    assert nouveau != secret
    assert "reste accepté jusqu'au" in page.inner_text("#grace")

    with httpx.Client(base_url=live_server.url, timeout=10) as api:
        jeton = api.post(
            "/connexion/oauth2/access_token?realm=/partenaire",
            data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret,
                  "scope": "api_indemnisationsv1"},
        )  # fmt: skip
        assert jeton.status_code == 200, jeton.text
        reponse = api.post(
            "/partenaire/indemnisations/v1/indemnisation",
            json={"identifiant": "jean.are", "recipient": SIRET_MAIRIE},
            headers={"Authorization": f"Bearer {jeton.json()['access_token']}"},
        )
    assert reponse.status_code == 200, reponse.text
    assert reponse.json() == {CHAMP_CHOMAGE: True}
