"""The request form, the instructor's back-office, permissions on every object, transparency pages."""

import csv
import html
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from indemnites.habilitations import services
from indemnites.habilitations.domain import CHAMP_CHOMAGE, Etat
from indemnites.habilitations.models import Demande
from tests.habilitations.conftest import SIRET_AUTRE, agent_creer, connecte, donnees_completes

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def formulaire(**champs):
    """The request form as a browser posts it (lists as lines, booleans as "on")."""
    donnees = donnees_completes()
    post = {}
    for cle, valeur in donnees.items():
        if isinstance(valeur, bool):
            if valeur:
                post[cle] = "on"
        elif isinstance(valeur, list):
            post[cle] = valeur if cle == "donnees" else "\n".join(valeur)
        else:
            post[cle] = str(valeur)
    post.update(champs)
    return {cle: valeur for cle, valeur in post.items() if valeur is not None}


@pytest.fixture
def brouillon(demandeur_agent) -> Demande:
    return services.demande_creer(
        agent=demandeur_agent, organisation=demandeur_agent.organisations.get(), profil="administration"
    )


@pytest.fixture
def agent_http(demandeur_agent):
    return connecte(demandeur_agent)


def sans_nonce(response) -> str:
    """The page without its per-request CSP nonce and CSRF token."""
    return re.sub(r'(nonce|value)="[^"]*"', "", response.content.decode())


def url(demande, suffixe=""):
    return f"/habilitations/demandes/{demande.pk}/{suffixe}"


def test_a_new_request_needs_the_eligibility_answer_first(agent_http, demandeur_agent):
    assert agent_http.get("/habilitations/demandes/nouvelle/")["Location"] == "/acces/"

    agent_http.post("/acces/", {"profil": "administration"})
    response = agent_http.post(
        "/habilitations/demandes/nouvelle/", {"organisation": demandeur_agent.organisations.get().pk}
    )

    demande = Demande.objects.get()
    assert response["Location"] == url(demande, "modifier/")
    assert (demande.etat, demande.profil, demande.demandeur) == (Etat.BROUILLON, "administration", demandeur_agent)


def test_a_draft_saves_partially(agent_http, brouillon):
    response = agent_http.post(url(brouillon, "modifier/"), {"intitule": "Cantine", "enregistrer": ""})

    assert response.status_code == 302
    brouillon.refresh_from_db()
    assert brouillon.donnees["intitule"] == "Cantine"
    assert brouillon.etat == Etat.BROUILLON


def test_a_field_with_a_bad_format_is_named_and_nothing_is_saved(agent_http, brouillon):
    response = agent_http.post(
        url(brouillon, "modifier/"), {"intitule": "Cantine", "destinataires_siret": "123", "dpo_courriel": "dpo@"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "SIRET invalides" in page
    assert "Adresse électronique invalide" in page
    brouillon.refresh_from_db()
    assert brouillon.donnees == {}


def test_submitting_an_incomplete_request_keeps_the_draft_and_names_each_missing_field(agent_http, brouillon):
    response = agent_http.post(url(brouillon, "modifier/"), {"intitule": "Cantine", "soumettre": ""})

    assert response.status_code == 400
    page = response.content.decode()
    assert "incomplète" in page
    assert "Description de la démarche : champ obligatoire pour soumettre." in page
    brouillon.refresh_from_db()
    assert brouillon.etat == Etat.BROUILLON
    assert brouillon.donnees["intitule"] == "Cantine"


def test_submitting_a_complete_request(agent_http, brouillon):
    response = agent_http.post(url(brouillon, "modifier/"), {**formulaire(), "soumettre": ""})

    assert response.status_code == 302, response.content.decode()[:3000]
    brouillon.refresh_from_db()
    assert brouillon.etat == Etat.SOUMISE
    # Each field as the form posted it comes back typed: lists, booleans, integers, ISO dates.
    assert {cle: brouillon.donnees[cle] for cle in donnees_completes()} == donnees_completes()


def test_the_legal_basis_pdf_is_checked_stored_and_served_to_members_only(agent_http, brouillon, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile("deliberation.pdf", PDF, content_type="application/pdf")
    response = agent_http.post(
        url(brouillon, "modifier/"),
        {**formulaire(cadre_juridique_url=""), "cadre_juridique_pdf": pdf, "soumettre": ""},
    )

    assert response.status_code == 302
    brouillon.refresh_from_db()
    assert brouillon.etat == Etat.SOUMISE
    assert brouillon.donnees["cadre_juridique_document"] == "deliberation.pdf"
    assert str(tmp_path) in brouillon.document.path
    telechargement = agent_http.get(url(brouillon, "document/"))
    assert telechargement["Content-Type"] == "application/pdf"
    assert b"".join(telechargement.streaming_content) == PDF
    etranger = connecte(agent_creer(siret=SIRET_AUTRE, nom="Autre"))
    assert etranger.get(url(brouillon, "document/")).status_code == 404


@pytest.mark.parametrize(
    ("contenu", "erreur"),
    [
        (b"MZ\x90\x00 pas un pdf", "n'est pas un PDF"),
        (b"%PDF-" + b"0" * (10 * 1024 * 1024), "dépasse 10 Mo"),
    ],
)
def test_a_legal_basis_that_is_not_a_pdf_or_too_big_is_refused(
    agent_http, brouillon, settings, tmp_path, contenu, erreur
):
    settings.MEDIA_ROOT = tmp_path
    fichier = SimpleUploadedFile("deliberation.pdf", contenu, content_type="application/pdf")

    response = agent_http.post(url(brouillon, "modifier/"), {"cadre_juridique_pdf": fichier})

    assert response.status_code == 400
    assert erreur in html.unescape(response.content.decode())
    assert not list(tmp_path.rglob("*.pdf"))


def test_a_pdf_of_exactly_10_mb_is_accepted(agent_http, brouillon, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    contenu = b"%PDF-" + b"0" * (10 * 1024 * 1024 - 5)
    fichier = SimpleUploadedFile("deliberation.pdf", contenu, content_type="application/pdf")

    assert agent_http.post(url(brouillon, "modifier/"), {"cadre_juridique_pdf": fichier}).status_code == 302


def test_the_request_page_shows_the_timeline(agent_http, soumise, instructeur):
    services.demande_modifications_demander(demande=soumise, instructeur=instructeur, motif="Précisez le texte.")
    services.message_envoyer(demande=soumise, auteur=instructeur, texte="Lequel ?")

    page = agent_http.get(url(soumise)).content.decode()

    for attendu in (
        "Historique",
        "création",
        "soumission",
        "modifications demandées",
        "Précisez le texte.",
        "Lequel ?",
    ):
        assert attendu in page


# --- permissions on every object --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("methode", "suffixe", "data"),
    [
        ("get", "", {}),
        ("get", "modifier/", {}),
        ("post", "modifier/", {"intitule": "Piraté"}),
        ("get", "document/", {}),
        ("post", "action/", {"action": "rouvrir"}),
        ("post", "messages/", {"texte": "Bonjour"}),
        ("get", "identifiants/", {}),
        ("post", "identifiants/", {}),
        ("get", "prolonger/", {}),
    ],
)
def test_an_agent_of_another_organisation_gets_the_same_404_as_for_a_missing_request(validee, methode, suffixe, data):
    etranger = connecte(agent_creer(siret=SIRET_AUTRE, nom="Autre administration"))

    response = getattr(etranger, methode)(url(validee, suffixe), data)
    absente = getattr(etranger, methode)(f"/habilitations/demandes/999999/{suffixe}", data)

    assert response.status_code == absente.status_code == 404
    assert sans_nonce(response) == sans_nonce(absente)
    validee.refresh_from_db()
    assert validee.etat == Etat.VALIDEE
    assert validee.messages.count() == 0
    assert validee.secret_remis_le is None


def test_a_colleague_reads_the_request_but_does_not_act_on_it(validee):
    collegue = connecte(agent_creer())

    assert collegue.get(url(validee)).status_code == 200
    assert collegue.get(url(validee, "modifier/")).status_code == 403
    assert collegue.post(url(validee, "identifiants/")).status_code == 403
    assert collegue.post(url(validee, "action/"), {"action": "rouvrir"}).status_code == 403
    validee.refresh_from_db()
    assert validee.etat == Etat.VALIDEE
    assert validee.secret_remis_le is None


def test_the_instruction_space_is_for_instructors_only(soumise, agent_http):
    assert agent_http.get("/instruction/").status_code == 403
    assert agent_http.get(f"/instruction/demandes/{soumise.pk}/").status_code == 403
    assert agent_http.post(f"/instruction/demandes/{soumise.pk}/", {"decision": "valider"}).status_code == 403
    soumise.refresh_from_db()
    assert soumise.etat == Etat.SOUMISE


def test_an_instructor_cannot_decide_on_a_request_of_their_own_organisation(demande_faire):
    instructeur_mairie = agent_creer(instructeur=True)
    demande = services.demande_soumettre(demande=demande_faire(agent=instructeur_mairie), agent=instructeur_mairie)
    http = connecte(instructeur_mairie)

    page = http.get(f"/instruction/demandes/{demande.pk}/").content.decode()
    response = http.post(f"/instruction/demandes/{demande.pk}/", {"decision": "valider"})

    assert "propre organisation" in page
    assert response.status_code == 403
    demande.refresh_from_db()
    assert demande.etat == Etat.SOUMISE


# --- instruction --------------------------------------------------------------------------------------


def test_the_instructor_list_filters_by_state_organisation_and_date(soumise, validee, demande_faire, instructeur):
    autre_agent = agent_creer(siret=SIRET_AUTRE, nom="Préfecture du Nord")
    autre = services.demande_soumettre(
        demande=demande_faire(agent=autre_agent, intitule="Aide au permis"), agent=autre_agent
    )
    http = connecte(instructeur)

    def numeros(**filtres):
        page = http.get("/instruction/", filtres).content.decode()
        return {d.pk for d in Demande.objects.all() if f">D{d.pk}<" in page}

    assert numeros() == {soumise.pk, validee.pk, autre.pk}
    assert numeros(etat="soumise") == {autre.pk}
    assert numeros(organisation="Préfecture") == {autre.pk}
    assert numeros(organisation=SIRET_AUTRE) == {autre.pk}
    aujourdhui = timezone.localdate(autre.modifie_le).isoformat()  # the day in Paris, as the filter reads it
    assert numeros(depuis=aujourdhui, jusqu_au=aujourdhui) == {soumise.pk, validee.pk, autre.pk}
    assert numeros(depuis="2999-01-01") == set()


def test_a_decision_without_reason_is_refused_with_a_message(soumise, instructeur):
    http = connecte(instructeur)

    response = http.post(f"/instruction/demandes/{soumise.pk}/", {"decision": "refuser", "motif": ""})

    assert response.status_code == 400
    assert "motif écrit est obligatoire" in response.content.decode()
    soumise.refresh_from_db()
    assert soumise.etat == Etat.SOUMISE


def test_the_instructor_asks_for_changes_then_validates(soumise, instructeur, demandeur_agent):
    http = connecte(instructeur)
    response = http.post(
        f"/instruction/demandes/{soumise.pk}/", {"decision": "demander_modifications", "motif": "Le texte ?"}
    )
    assert response.status_code == 302
    soumise.refresh_from_db()
    assert soumise.etat == Etat.MODIFICATIONS_DEMANDEES

    services.demande_soumettre(demande=soumise, agent=demandeur_agent)
    http.post(f"/instruction/demandes/{soumise.pk}/", {"decision": "valider"})

    soumise.refresh_from_db()
    assert soumise.etat == Etat.VALIDEE
    assert soumise.application.actif


def test_a_decision_not_offered_in_this_state_is_refused(validee, instructeur):
    response = connecte(instructeur).post(f"/instruction/demandes/{validee.pk}/", {"decision": "valider"})

    assert response.status_code == 400
    validee.refresh_from_db()
    assert validee.habilitations.count() == 1


def test_the_instructor_sees_the_diff_since_the_last_validation(validee, demandeur_agent, instructeur):
    services.demande_rouvrir(demande=validee, agent=demandeur_agent)
    services.demande_enregistrer(demande=validee, agent=demandeur_agent, donnees={"volume_journalier": 9000})
    services.demande_soumettre(demande=validee, agent=demandeur_agent)

    page = connecte(instructeur).get(f"/instruction/demandes/{validee.pk}/").content.decode()

    assert "Changements depuis la dernière validation" in page
    assert "<td>Volume attendu (appels par jour)</td><td>2000</td><td>9000</td>" in page


# --- transparency -------------------------------------------------------------------------------------


def test_the_public_list_and_its_exports_show_active_habilitations_only(
    http, validee, soumise, demande_faire, instructeur
):
    revoquee_agent = agent_creer(siret=SIRET_AUTRE, nom="Révoquée")
    revoquee = services.demande_soumettre(
        demande=demande_faire(agent=revoquee_agent, intitule="Révoquée"), agent=revoquee_agent
    )
    services.demande_valider(demande=revoquee, instructeur=instructeur)
    services.demande_revoquer(demande=revoquee, instructeur=instructeur, motif="Fin du service.")

    page = http.get("/habilitations/publiques/").content.decode()
    lignes = json.loads(http.get("/habilitations/publiques.json").content)
    tableur = list(csv.DictReader(io.StringIO(http.get("/habilitations/publiques.csv").content.decode())))

    attendu = {
        "organisation": "Ville de Paris",
        "siret": "21750001600019",
        "intitule": "Tarification sociale de la cantine",
        "donnees": [CHAMP_CHOMAGE],
        "cadre_juridique": donnees_completes()["cadre_juridique_nature"],
        "cadre_juridique_url": donnees_completes()["cadre_juridique_url"],
        "validee_le": timezone.localdate(validee.validee_le).isoformat(),
    }
    assert lignes == [attendu]
    assert tableur == [{**attendu, "donnees": CHAMP_CHOMAGE}]
    assert "Tarification sociale de la cantine" in page
    assert "Révoquée" not in page


def test_the_csv_export_neutralises_spreadsheet_formulas(http, demande_faire, demandeur_agent, instructeur):
    demande = demande_faire(intitule='=HYPERLINK("http://x")')
    services.demande_soumettre(demande=demande, agent=demandeur_agent)
    services.demande_valider(demande=demande, instructeur=instructeur)

    (ligne,) = csv.DictReader(io.StringIO(http.get("/habilitations/publiques.csv").content.decode()))

    assert ligne["intitule"].startswith("'=")


def test_a_submitted_request_is_not_offered_for_editing(agent_http, soumise):
    assert agent_http.get(url(soumise, "modifier/"))["Location"] == url(soumise)
    agent_http.post(url(soumise, "modifier/"), {"intitule": "Changé en douce"})

    soumise.refresh_from_db()
    assert soumise.intitule == "Tarification sociale de la cantine"


def test_the_instructors_last_reason_is_shown_beside_the_status_and_on_the_edit_form(
    soumise, instructeur, demandeur_agent, agent_http
):
    connecte(instructeur).post(
        f"/instruction/demandes/{soumise.pk}/", {"decision": "demander_modifications", "motif": "Joignez le décret."}
    )

    detail = html.unescape(agent_http.get(url(soumise)).content.decode())
    edition = html.unescape(agent_http.get(url(soumise, "modifier/")).content.decode())

    for page in (detail, edition):
        banniere = page[page.index('id="dernier-motif"') :]
        assert "Modifications demandées par l'instruction le " in banniere[:300]
        assert "Joignez le décret." in banniere[:400]
    services.demande_soumettre(demande=soumise, agent=demandeur_agent)
    assert 'id="dernier-motif"' not in agent_http.get(url(soumise)).content.decode()  # answered


def test_a_refusal_reason_is_an_error_banner(soumise, instructeur, agent_http):
    connecte(instructeur).post(
        f"/instruction/demandes/{soumise.pk}/", {"decision": "refuser", "motif": "Hors L114-8."}
    )

    page = html.unescape(agent_http.get(url(soumise)).content.decode())

    assert 'class="fr-alert fr-alert--error fr-mb-3w" id="dernier-motif"' in page
    assert "Demande refusée le " in page


def test_form_errors_come_with_a_summary_linking_each_field_and_a_title_prefix(agent_http, brouillon):
    response = agent_http.post(url(brouillon, "modifier/"), {"intitule": "Cantine", "soumettre": ""})

    page = html.unescape(response.content.decode())
    resume = page[page.index('id="erreurs-formulaire"') : page.index("</ul>", page.index('id="erreurs-formulaire"'))]
    assert "<title>Erreur : " in page
    assert '<a href="#id_description">Description de la démarche : ' in resume
    assert '<a href="#id_cgu_acceptees">' in resume
    assert "portail/erreurs.js" in page
    assert page.index('id="erreurs-formulaire"') < page.index('<form method="post" enctype')


def test_fields_required_to_submit_are_marked(agent_http, brouillon):
    page = agent_http.get(url(brouillon, "modifier/")).content.decode()

    assert re.search(r'Intitulé[^<]*<span class="fr-required-marker" aria-hidden="true"> \*</span>', page)
    assert 'aria-required="true"' in page
    assert "Sauf mention contraire" in page or "astérisque" in page
