"""The documentation pages: figures and codes come from the running service."""

import html
import json
import re
import secrets

import pytest

from indemnites.api.api import api
from indemnites.portail.documentation import RUBRIQUES, exemple_lire
from indemnites.portail.selectors import erreurs_lire


def page(http, chemin: str) -> str:
    response = http.get(chemin)
    assert response.status_code == 200, chemin
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("rubrique", RUBRIQUES, ids=lambda r: r.slug or "index")
def test_every_section_renders_with_the_side_menu(http, rubrique):
    contenu = page(http, rubrique.url)

    assert f"<h1>{rubrique.titre}</h1>" in contenu
    assert f"<title>{rubrique.titre} — API indemnités</title>" in contenu
    for autre in RUBRIQUES:
        assert f'href="{autre.url}"' in contenu


def test_unknown_section_is_404(http):
    assert http.get("/documentation/inconnue/").status_code == 404


def test_quick_start_shows_the_very_files_the_tests_run(http):
    contenu = page(http, "/documentation/serveur-a-serveur/")

    for nom in ("partenaire.sh", "partenaire.py", "partenaire.reponse.json"):
        assert exemple_lire(nom).code in contenu
    assert "export BASE_URL=http://testserver" in contenu


def test_connected_quick_start_shows_its_samples(http):
    contenu = page(http, "/documentation/demandeur-connecte/")

    for nom in ("individu.sh", "individu.py", "individu.reponse.json"):
        assert exemple_lire(nom).code in contenu
    assert "code_challenge_method=S256" in contenu


def test_every_problem_code_of_the_source_is_explained():
    reference = erreurs_lire()

    assert reference.sans_explication == ()
    assert {"jeton-absent", "individu-inconnu", "corps-trop-volumineux", "journal-indisponible"} <= {
        erreur.code for erreur in reference.codes
    }


def test_error_reference_lists_each_code_with_its_status(http):
    contenu = page(http, "/documentation/erreurs/")

    for erreur in erreurs_lire().codes:
        ligne = re.search(rf'<tr id="{re.escape(erreur.code)}">\s*<td>([^<]+)</td>', contenu)
        assert ligne, erreur.code
        assert ligne.group(1) == (str(erreur.statut) if erreur.statut else "variable")
    assert '<tr id="individu-inconnu">\n        <td>404</td>' in contenu
    assert "nir-invalide" in contenu
    assert "invalid_grant" in contenu


def test_a_new_code_in_the_source_reaches_the_reference(monkeypatch, tmp_path):
    """The reference is read from the source: a code added anywhere in the package shows up."""
    from indemnites.portail import selectors

    module = tmp_path / "nouveau.py"
    module.write_text("class Nouveau(ProblemError):\n    status = 409\n    code = 'conflit-nouveau'\n")
    monkeypatch.setattr(selectors, "PACKAGE", tmp_path)
    selectors._source_lue.cache_clear()
    try:
        reference = selectors.erreurs_lire()
    finally:
        selectors._source_lue.cache_clear()

    assert [(e.code, e.statut) for e in reference.codes] == [("conflit-nouveau", 409)]
    assert reference.sans_explication == ("conflit-nouveau",)


def test_rate_limit_page_shows_the_service_settings(http, settings):
    settings.TRAFIC_QUOTA_CLIENT_PAR_SECONDE = 9
    settings.TRAFIC_LIMITE_IP_PAR_MINUTE = 456

    contenu = page(http, "/documentation/limites/")

    assert "<td>9 par seconde" in contenu
    assert "<td>456 par minute</td>" in contenu
    assert "<code>Retry-After</code>" in contenu


def test_versions_page_shows_the_served_version_and_the_changelog(http):
    contenu = page(http, "/documentation/versions/")

    assert f"Version servie : <strong>{api.version}</strong>" in contenu
    assert f"<h2>{api.version}</h2>" in contenu
    assert "Une ancienne version reste servie tant qu'elle est utilisée" in contenu


def test_migration_note_gives_this_service_base_urls(http):
    contenu = page(http, "/documentation/migration-pe-connect/")

    assert "<code>http://testserver/connexion/oauth2</code>" in contenu
    assert "<code>https://api.emploi-store.fr/partenaire</code>" in contenu
    assert "PKCE est obligatoire" in contenu
    assert "correspondent exactement" in contenu


def test_migration_note_lists_what_to_change_and_what_differs(http):
    contenu = page(http, "/documentation/migration-pe-connect/")

    assert "Faire enregistrer ses adresses de retour" in contenu
    assert "et de déconnexion" in contenu
    assert "client PE Connect historique" in contenu
    for nom in ("Coordonnées v1", "Statut v1", "Date de naissance v1", "Compétences v2"):
        assert nom in contenu
    assert "<code>api_peconnect-statutv1</code>" in contenu
    assert "api-non-servie" in contenu


@pytest.fixture
def limites_actives(settings):
    """The limits on, with counters of this test only (the suite runs with them off)."""
    from indemnites.trafic import storage

    settings.TRAFIC_LIMITES_ACTIVES = True
    settings.TRAFIC_PREFIXE_CLES = f"test-portail-{secrets.token_hex(6)}"
    yield settings
    storage.reinitialiser()


def test_every_rate_limit_header_the_service_sends_is_documented(http, limites_actives):
    limites_actives.TRAFIC_LIMITE_IP_PAR_MINUTE = 1
    accepte, refuse = http.get("/api/catalogue.json"), http.get("/api/catalogue.json")
    assert (accepte.status_code, refuse.status_code) == (200, 429)
    envoyes = {nom for reponse in (accepte, refuse) for nom in reponse.headers if nom.lower().startswith("ratelimit")}
    envoyes |= {"Retry-After"} if refuse.has_header("Retry-After") else set()
    limites_actives.TRAFIC_LIMITES_ACTIVES = False

    contenu = page(http, "/documentation/limites/")

    documentes = set(re.findall(r"<tr><td><code>([A-Za-z-]+)</code></td>", contenu))
    assert {"RateLimit-Policy", "RateLimit", "Retry-After"} <= envoyes
    assert envoyes <= documentes


def test_rate_limit_page_shows_the_stricter_limits(http, settings):
    settings.TRAFIC_LIMITE_JETON = "7/minute"
    settings.TRAFIC_LIMITE_CONNEXION = "3/10 seconds"

    contenu = page(http, "/documentation/limites/")

    assert "<td>7 par minute</td>" in contenu
    assert "<td>3 par période de 10 secondes</td>" in contenu


def test_the_openapi_document_swagger_and_redoc_read_has_no_duplicate_key(http):
    doublons: list[str] = []

    def sans_doublon(paires: list[tuple[str, object]]) -> dict[str, object]:
        cles = [cle for cle, _ in paires]
        doublons.extend(sorted({cle for cle in cles if cles.count(cle) > 1}))
        return dict(paires)

    json.loads(http.get("/api/openapi.json").content, object_pairs_hook=sans_doublon)

    assert doublons == []
