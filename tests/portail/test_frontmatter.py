import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indemnites.portail.frontmatter import FrontmatterErreur, document_lire, entete_lire

SEED = Path("/work/shared/seed/000_06c4ead69c95c82e.txt")
CATALOGUE = Path(__file__).resolve().parents[2] / "indemnites" / "portail" / "catalogue.md"


def test_reads_the_catalogue_format_with_sequences_of_mappings_and_blocks():
    document = document_lire(CATALOGUE.read_text())

    entete = document.entete
    assert entete["is_open"] == -1
    assert [acces["who"] for acces in entete["access_page"]] == [
        ["Un particulier", "Une entreprise"],
        ["Une entité administrative"],
        ["Un éditeur de logiciel"],
    ]
    assert [acces["is_eligible"] for acces in entete["access_page"]] == [-1, 1, 0]
    assert entete["access_page"][1]["description"].endswith("<NextSteps />\n")
    assert entete["partners"] == []
    assert entete["uptime"] is None
    assert document.corps.startswith("## Données accessibles")


@pytest.mark.skipif(not SEED.exists(), reason="la fiche d'origine n'est pas dans ce dépôt")
def test_reads_the_seed_entry_it_was_specified_from():
    entete = document_lire(SEED.read_text()).entete

    assert entete["is_open"] == -1  # "# -1 means API not open" is a comment
    assert entete["last_update"] == "09/12/2021"
    assert entete["rate_limiting_resume"] is None
    assert entete["rate_limiting_description"] == ""
    assert entete["access_page"][2]["is_eligible"] == 0


def test_block_scalars_keep_lines_and_inner_blank_lines():
    texte = "a: |\n  un\n\n    deux\n  trois\n\nb: |-\n  sans fin\nc: x\n"

    assert entete_lire(texte) == {"a": "un\n\n  deux\ntrois\n", "b": "sans fin", "c": "x"}


def test_scalars():
    texte = (
        "entier: -1 # commentaire\n"
        "vrai: true\n"
        "vide:\n"
        "nul: null\n"
        'cite: "a # pas un commentaire \\"b\\""\n'
        "simple: 'l''apostrophe'\n"
        "url: https://exemple.fr/a?b=c#ancre\n"
        "liste_vide: []\n"
    )

    assert entete_lire(texte) == {
        "entier": -1,
        "vrai": True,
        "vide": None,
        "nul": None,
        "cite": 'a # pas un commentaire "b"',
        "simple": "l'apostrophe",
        "url": "https://exemple.fr/a?b=c#ancre",
        "liste_vide": [],
    }


def test_sequences_at_the_key_indentation_and_empty_items():
    texte = "mots:\n- a\n-\n- b\nsuite: 1\n"

    assert entete_lire(texte) == {"mots": ["a", None, "b"], "suite": 1}


@pytest.mark.parametrize(
    ("texte", "ligne", "message"),
    [
        ("a: 1\n\tb: 2\n", 2, "tabulation"),
        ("a: 1\nnimporte quoi\n", 2, "clé: valeur"),
        ("a: 1\na: 2\n", 2, "en double"),
        ('a: "pas fermé\n', 1, "mal fermée"),
        ("a: {b: 1}\n", 1, "non prise en charge"),
        ("a: 1\n    b: 2\n", 2, "indentation inattendue"),
    ],
)
def test_refuses_what_it_does_not_understand_with_the_line(texte, ligne, message):
    with pytest.raises(FrontmatterErreur, match=message) as erreur:
        entete_lire(texte)

    assert erreur.value.numero == ligne


def test_a_document_needs_both_separators():
    with pytest.raises(FrontmatterErreur, match="commencer"):
        document_lire("title: x\n")
    with pytest.raises(FrontmatterErreur, match="fin d'en-tête"):
        document_lire("---\ntitle: x\n")


# --- round trip: whatever the catalogue may hold, written as YAML, reads back the same -----------

cles = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True)
ligne = (
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=15
    )
    .map(str.strip)
    .filter(bool)
)
PLAIN = re.compile(r"[A-Za-zéèà][A-Za-zéèà0-9 .,'’()/-]{0,15}[A-Za-z0-9.)]")


def _plain_sur(texte: str) -> bool:
    """Written without quotes, it still reads back as this very string."""
    return PLAIN.fullmatch(texte) is not None and texte not in {"null", "true", "false"} and " #" not in texte


plain = st.from_regex(PLAIN, fullmatch=True).filter(_plain_sur)
bloc = st.lists(st.one_of(ligne, st.just("")), min_size=1, max_size=4).map(
    lambda lignes: "\n".join(lignes).strip() + "\n"
)
scalaire = st.one_of(st.none(), st.booleans(), st.integers(-(10**6), 10**6), ligne, plain)
valeur = st.recursive(
    st.one_of(scalaire, bloc.filter(lambda s: s.strip())),
    lambda enfants: st.one_of(
        st.lists(scalaire, max_size=4),
        st.lists(st.dictionaries(cles, enfants, min_size=1, max_size=3), min_size=1, max_size=3),
        st.dictionaries(cles, enfants, min_size=1, max_size=3),
    ),
    max_leaves=12,
)


def _scalaire(valeur: Any) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, bool):
        return "true" if valeur else "false"
    if isinstance(valeur, int):
        return str(valeur)
    if _plain_sur(valeur):
        return valeur
    return '"' + valeur.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _mapping(donnees: dict[str, Any], indent: int) -> list[str]:
    marge = " " * indent
    lignes = []
    for cle, valeur in donnees.items():
        if isinstance(valeur, dict):
            lignes += [f"{marge}{cle}:", *_mapping(valeur, indent + 2)]
        elif isinstance(valeur, list):
            lignes += [f"{marge}{cle}:", *_sequence(valeur, indent + 2)] if valeur else [f"{marge}{cle}: []"]
        elif isinstance(valeur, str) and "\n" in valeur:
            lignes += [
                f"{marge}{cle}: |",
                *[f"{marge}  {texte}" if texte else "" for texte in valeur[:-1].split("\n")],
            ]
        else:
            lignes.append(f"{marge}{cle}: {_scalaire(valeur)}".rstrip())
    return lignes


def _sequence(elements: list[Any], indent: int) -> list[str]:
    marge = " " * indent
    lignes = []
    for element in elements:
        if isinstance(element, dict):
            sous = _mapping(element, indent + 2)
            lignes += [f"{marge}- {sous[0].lstrip()}", *sous[1:]]
        else:
            lignes.append(f"{marge}- {_scalaire(element)}".rstrip())
    return lignes


@given(st.dictionaries(cles, valeur, min_size=1, max_size=5))
def test_round_trip(donnees):
    assert entete_lire("\n".join(_mapping(donnees, 0)) + "\n") == donnees
