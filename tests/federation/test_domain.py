"""Rules of identity federation: normalisation and matching of the pivot identity, reading the claims."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indemnites.droits.domain import Sexe
from indemnites.federation.domain import (
    Correspondance,
    IdentitePivot,
    PersonneRegistre,
    Resultat,
    agent_proconnect_lire,
    correspondance_chercher,
    nom_normaliser,
    origines,
    pivot_lire,
    premier_prenom,
)

CLAIMS = {
    "family_name": "Le Hénaff",
    "given_name": "Jean-Pierre Paul",
    "birthdate": "1985-05-12",
    "gender": "male",
    "birthplace": "29019",
    "birthcountry": "99100",
}
PIVOT = pivot_lire(CLAIMS)
# Letters of French civil status (Latin, with their accents and ligatures), hyphens, apostrophes, spaces.
noms = st.text(alphabet="abcdefghijklmnopqrstuvwxyzàâäçéèêëîïôöùûüÿœæABCÉÈÇŒ-' ’", min_size=1, max_size=20)


def personne(id: int = 1, **valeurs: object) -> PersonneRegistre:
    champs = {
        "nom_naissance": "LE HENAFF",
        "prenom": "Jean-Pierre",
        "date_naissance": date(1985, 5, 12),
        "sexe": "M",
        "lieu_naissance": "",
        **valeurs,
    }
    return PersonneRegistre(id=id, **champs)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Le Hénaff-d'Arc", "LE HENAFF D ARC"), ("  Noël  ", "noel"), ("Ÿvès", "YVES"), ("O’Neil", "o neil")],
)
def test_names_compare_without_case_accents_hyphens_or_apostrophes(a, b):
    assert nom_normaliser(a) == nom_normaliser(b)


@given(noms)
def test_normalisation_is_idempotent_and_case_blind(nom):
    assert nom_normaliser(nom_normaliser(nom)) == nom_normaliser(nom)
    assert nom_normaliser(nom.lower()) == nom_normaliser(nom.upper())


def test_only_the_first_given_name_counts_and_a_compound_one_is_whole():
    assert premier_prenom("Jean-Pierre Paul Louis") == premier_prenom("jean-pierre") == "JEAN PIERRE"
    assert premier_prenom("Jean Pierre") == "JEAN"


def test_pivot_identity_is_read_from_the_claims():
    assert PIVOT == IdentitePivot("Le Hénaff", "Jean-Pierre Paul", date(1985, 5, 12), Sexe.MASCULIN, "29019", "99100")


@pytest.mark.parametrize(
    ("modification", "manquantes"),
    [
        ({"birthdate": ""}, ["birthdate"]),
        ({"birthdate": "12/05/1985"}, ["birthdate"]),
        ({"gender": "autre"}, ["gender"]),
        ({"birthplace": ""}, ["birthplace"]),  # born in France: the commune is due
        ({"family_name": None, "given_name": " "}, ["family_name", "given_name"]),
    ],
)
def test_missing_or_unreadable_claims_are_named(modification, manquantes):
    assert pivot_lire({**CLAIMS, **modification}) == manquantes


def test_born_abroad_the_country_stands_for_the_birthplace():
    pivot = pivot_lire({**CLAIMS, "birthplace": "", "birthcountry": "99134"})
    assert correspondance_chercher(pivot, [personne(lieu_naissance="99134")]).resultat == Resultat.UNIQUE
    assert correspondance_chercher(pivot, [personne(lieu_naissance="29019")]).resultat == Resultat.AUCUNE


@pytest.mark.parametrize(
    ("candidats", "attendu"),
    [
        ([personne()], Correspondance(Resultat.UNIQUE, 1)),
        ([personne(lieu_naissance="29019")], Correspondance(Resultat.UNIQUE, 1)),
        ([personne(), personne(2, nom_naissance="DUPONT")], Correspondance(Resultat.UNIQUE, 1)),
        ([personne(sexe="")], Correspondance(Resultat.UNIQUE, 1)),  # sex unknown to the registry: not compared
        ([], Correspondance(Resultat.AUCUNE)),
        ([personne(sexe="F")], Correspondance(Resultat.AUCUNE)),
        ([personne(lieu_naissance="75056")], Correspondance(Resultat.AUCUNE)),
        ([personne(date_naissance=date(1985, 5, 13))], Correspondance(Resultat.AUCUNE)),
        ([personne(prenom="Jean")], Correspondance(Resultat.AUCUNE)),
        ([personne(), personne(2, prenom="JEAN PIERRE")], Correspondance(Resultat.UNIQUE, 1)),
        ([personne(), personne(2, prenom="jean-pierre")], Correspondance(Resultat.PLUSIEURS)),
    ],
)
def test_exactly_one_person_must_match(candidats, attendu):
    assert correspondance_chercher(PIVOT, candidats) == attendu


@given(st.lists(st.sampled_from(["LE HENAFF", "Le Hénaff", "DUPONT", "le-henaff"]), max_size=5))
def test_matching_never_picks_one_of_several(noms_registre):
    candidats = [personne(rang, nom_naissance=nom) for rang, nom in enumerate(noms_registre)]
    trouvees = sum(nom_normaliser(nom) == "LE HENAFF" for nom in noms_registre)
    resultat = correspondance_chercher(PIVOT, candidats).resultat
    assert resultat == {0: Resultat.AUCUNE, 1: Resultat.UNIQUE}.get(trouvees, Resultat.PLUSIEURS)


def test_proconnect_claims_make_an_agent_or_name_what_is_missing():
    claims = {
        "email": " A.B@Ville.fr ",
        "given_name": "A",
        "usual_name": "B",
        "siret": "217 500 016 00019",
        "uid": "1",
    }
    agent = agent_proconnect_lire(claims)
    assert agent.courriel == "a.b@ville.fr"
    assert agent.siret == "21750001600019"
    assert agent.idp_id == ""
    assert agent_proconnect_lire({**claims, "siret": None}) == ["siret"]


def test_the_providers_origins_are_what_the_csp_allows():
    urls = (
        "https://fcp.integ01.dev-franceconnect.fr/api/v2/.well-known/openid-configuration",
        "",
        "http://127.0.0.1:9000/x",
    )
    assert origines(*urls) == ["https://fcp.integ01.dev-franceconnect.fr", "http://127.0.0.1:9000"]
