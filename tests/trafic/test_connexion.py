"""The stricter limit of both login pages: the job seeker's and the agents'."""

import pytest

PAGES = [
    ("/compte/connexion", "identifiant", "connexion"),
    ("/habilitations/compte/connexion/", "courriel", "connexion-agent"),
]


@pytest.fixture(autouse=True)
def limite_connexion(settings):
    settings.TRAFIC_LIMITE_CONNEXION = "2/minute"


def tenter(http, page, champ, valeur, **extra):
    return http.post(page, {champ: valeur, "mot_de_passe": "pas-le-bon-mot-de-passe"}, **extra)


@pytest.mark.parametrize(("page", "champ", "politique"), PAGES)
def test_a_login_page_refuses_attempts_past_its_limit(http, page, champ, politique):
    premiers = [tenter(http, page, champ, "personne@example.org").status_code for _ in range(2)]

    refus = tenter(http, page, champ, "personne@example.org")

    assert 429 not in premiers
    assert refus.status_code == 429
    assert 1 <= int(refus["Retry-After"]) <= 60
    assert "Patientez avant de réessayer" in refus.content.decode()
    assert f'"{politique}";r=0' in refus["RateLimit"]


@pytest.mark.parametrize(("page", "champ", "politique"), PAGES)
def test_one_identifier_is_limited_across_addresses(http, page, champ, politique):
    for rang in range(2):
        tenter(http, page, champ, "cible@example.org", REMOTE_ADDR=f"192.0.2.{rang}")

    assert tenter(http, page, champ, "cible@example.org", REMOTE_ADDR="192.0.2.99").status_code == 429
    assert tenter(http, page, champ, "autre@example.org", REMOTE_ADDR="192.0.2.98").status_code != 429


@pytest.mark.parametrize(("page", "champ", "politique"), PAGES)
def test_one_address_is_limited_across_identifiers(http, page, champ, politique):
    for rang in range(2):
        tenter(http, page, champ, f"essai{rang}@example.org")

    assert tenter(http, page, champ, "encore@example.org").status_code == 429


@pytest.mark.parametrize(("page", "champ", "politique"), PAGES)
def test_displaying_the_page_is_not_an_attempt(http, page, champ, politique):
    affichages = [http.get(page).status_code for _ in range(4)]

    assert 429 not in affichages
    assert tenter(http, page, champ, "personne@example.org").status_code != 429


def test_the_two_pages_count_apart(http):
    for _ in range(2):
        tenter(http, *PAGES[0][:2], "personne@example.org")

    assert tenter(http, *PAGES[1][:2], "personne@example.org").status_code != 429
