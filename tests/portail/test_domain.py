import pytest
from hypothesis import given
from hypothesis import strategies as st

from indemnites.portail.domain import (
    Couleur,
    composants_convertir,
    eligibilite,
    limite_libelle,
    profil_slug,
    texte_completer,
    uptime_couleur,
)


@given(st.floats(min_value=0, max_value=100))
def test_uptime_colour_follows_the_catalogue_thresholds(pourcentage):
    attendu = Couleur.VERT if pourcentage >= 98 else Couleur.ORANGE if pourcentage >= 90 else Couleur.ROUGE

    assert uptime_couleur(pourcentage) == attendu


@pytest.mark.parametrize(
    ("pourcentage", "couleur"),
    [(98.0, Couleur.VERT), (97.99, Couleur.ORANGE), (90.0, Couleur.ORANGE), (89.99, Couleur.ROUGE)],
)
def test_uptime_colour_boundaries(pourcentage, couleur):
    assert uptime_couleur(pourcentage) == couleur


@pytest.mark.parametrize(
    ("qui", "slug"),
    [
        ("Un particulier", "particulier"),
        ("Une entité administrative", "entite-administrative"),
        ("Un éditeur de logiciel", "editeur-de-logiciel"),
        ("L’État", "etat"),
    ],
)
def test_profile_slugs(qui, slug):
    assert profil_slug(qui) == slug


def test_eligibility_levels():
    assert [eligibilite(n).peut_demander for n in (1, 0, -1)] == [True, True, False]
    with pytest.raises(ValueError, match="1, 0 ou -1"):
        eligibilite(2)


def test_texts_get_the_service_figures_and_an_unknown_name_is_an_error():
    assert texte_completer("{quota} appels / seconde", {"quota": 20}) == "20 appels / seconde"
    assert texte_completer("[lien](/x){: .fr-btn }", {}) == "[lien](/x){: .fr-btn }"
    with pytest.raises(ValueError, match="quota_inconnu"):
        texte_completer("{quota_inconnu}", {"quota": 20})


def test_catalogue_components_become_markdown():
    description = composants_convertir(
        'Voir <External href="https://legifrance.gouv.fr/x">l\'article</External>.\n\n'
        '<Button href="/">Retour</Button>\n\n<NextSteps />\n'
    )

    assert description.etapes_suivantes
    assert description.markdown == "Voir [l'article](https://legifrance.gouv.fr/x).\n\n[Retour](/){: .fr-btn }\n"
    assert not composants_convertir("Rien.").etapes_suivantes


@pytest.mark.parametrize(
    ("quota", "fenetre", "libelle"),
    [
        (20, 1, "20 par seconde"),
        (1000, 60, "1000 par minute"),
        (5, 3600, "5 par heure"),
        (3, 10, "3 par période de 10 secondes"),
    ],
)
def test_limits_in_words(quota, fenetre, libelle):
    assert limite_libelle(quota, fenetre) == libelle
