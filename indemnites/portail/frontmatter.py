"""The catalogue's file format: a Markdown page with a YAML frontmatter (api.gouv.fr style).

PyYAML is not a dependency, so this reads the small subset of YAML those files use: mappings,
sequences (of scalars or of mappings, `- key: value`), plain, quoted and literal block (`|`, `|-`)
scalars, integers, booleans, `null`, `[]` and comments. Anything else is refused with its line
number rather than guessed. Pure: no Django import.
"""

import re
from dataclasses import dataclass
from typing import Any

KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):(?:[ ]+(.*))?$")
INTEGER = re.compile(r"^-?[0-9]+$")
SEPARATOR = "---"


class FrontmatterErreur(ValueError):
    def __init__(self, numero: int, message: str):
        super().__init__(f"ligne {numero} : {message}")
        self.numero = numero


@dataclass(frozen=True)
class Document:
    entete: dict[str, Any]
    corps: str


def document_lire(texte: str) -> Document:
    """Splits `---\\n<frontmatter>\\n---\\n<body>` and reads the frontmatter."""
    lignes = texte.splitlines()
    if not lignes or lignes[0].strip() != SEPARATOR:
        raise FrontmatterErreur(1, "le fichier doit commencer par « --- »")
    try:
        fin = next(i for i in range(1, len(lignes)) if lignes[i].rstrip() == SEPARATOR)
    except StopIteration:
        raise FrontmatterErreur(len(lignes), "« --- » de fin d'en-tête introuvable") from None
    entete = entete_lire("\n".join(lignes[1:fin]), premiere_ligne=2)
    return Document(entete=entete, corps="\n".join(lignes[fin + 1 :]).strip("\n") + "\n")


def entete_lire(texte: str, *, premiere_ligne: int = 1) -> dict[str, Any]:
    lecteur = _Lecteur(texte.split("\n"), premiere_ligne)
    resultat = lecteur.mapping(0)
    reste = lecteur.suivante()
    if reste is not None:
        raise FrontmatterErreur(reste.numero, "indentation inattendue")
    return resultat


@dataclass(frozen=True)
class _Ligne:
    index: int
    numero: int
    indent: int
    texte: str

    @property
    def est_element(self) -> bool:
        return self.texte == "-" or self.texte.startswith("- ")


class _Lecteur:
    def __init__(self, brutes: list[str], premiere_ligne: int):
        self.brutes = brutes
        self.decalage = premiere_ligne
        self.i = 0
        # A `- key: value` line is re-read as the first line of a mapping at the key's column.
        self.relectures: dict[int, tuple[int, str]] = {}

    def suivante(self) -> _Ligne | None:
        """The next significant line (not blank, not a comment), without consuming it."""
        while self.i < len(self.brutes):
            ligne = self._ligne(self.i)
            if ligne.texte and not ligne.texte.startswith("#"):
                return ligne
            self.i += 1
        return None

    def _ligne(self, index: int) -> _Ligne:
        numero = index + self.decalage
        if index in self.relectures:
            indent, texte = self.relectures[index]
            return _Ligne(index, numero, indent, texte)
        brute = self.brutes[index]
        if "\t" in brute[: len(brute) - len(brute.lstrip())]:
            raise FrontmatterErreur(numero, "tabulation dans l'indentation : utiliser des espaces")
        texte = brute.strip()
        return _Ligne(index, numero, len(brute) - len(brute.lstrip(" ")), texte)

    def mapping(self, indent: int) -> dict[str, Any]:
        resultat: dict[str, Any] = {}
        while (ligne := self.suivante()) is not None and ligne.indent == indent and not ligne.est_element:
            correspondance = KEY.match(ligne.texte)
            if correspondance is None:
                raise FrontmatterErreur(ligne.numero, f"« clé: valeur » attendu, lu « {ligne.texte} »")
            cle, reste = correspondance.group(1), (correspondance.group(2) or "").strip()
            if cle in resultat:
                raise FrontmatterErreur(ligne.numero, f"clé « {cle} » en double")
            self.i += 1
            resultat[cle] = self._valeur(reste, indent, ligne.numero)
        return resultat

    def _valeur(self, reste: str, indent: int, numero: int) -> Any:
        if reste in {"|", "|-"}:
            return self._bloc(indent, garder_fin=reste == "|")
        if reste and not reste.startswith("#"):
            return scalaire_lire(reste, numero)
        suivante = self.suivante()
        if suivante is None:
            return None
        if suivante.est_element and suivante.indent >= indent:
            return self._sequence(suivante.indent)
        if suivante.indent > indent:
            return self.mapping(suivante.indent)
        return None

    def _sequence(self, indent: int) -> list[Any]:
        elements: list[Any] = []
        while (ligne := self.suivante()) is not None and ligne.indent == indent and ligne.est_element:
            contenu = ligne.texte[1:].lstrip(" ")
            colonne = indent + len(ligne.texte) - len(contenu)
            if not contenu:
                self.i += 1
                # What follows belongs to this item only if indented deeper than its dash.
                elements.append(self._valeur("", indent + 1, ligne.numero))
            elif KEY.match(contenu):
                self.relectures[ligne.index] = (colonne, contenu)
                elements.append(self.mapping(colonne))
            else:
                self.i += 1
                elements.append(scalaire_lire(contenu, ligne.numero))
        return elements

    def _bloc(self, indent: int, *, garder_fin: bool) -> str:
        debut = self.i
        while self.i < len(self.brutes):
            brute = self.brutes[self.i]
            if brute.strip() and len(brute) - len(brute.lstrip(" ")) <= indent:
                break
            self.i += 1
        lignes = self.brutes[debut : self.i]
        marge = min((len(b) - len(b.lstrip(" ")) for b in lignes if b.strip()), default=0)
        texte = "\n".join(b[marge:] if b.strip() else "" for b in lignes).rstrip("\n")
        return texte + "\n" if garder_fin and texte else texte


def scalaire_lire(texte: str, numero: int = 0) -> Any:
    if texte[0] in "\"'":
        return _chaine_citee(texte, numero)
    texte = _sans_commentaire(texte)
    if texte in {"", "null", "~"}:
        return None
    if texte in {"true", "false"}:
        return texte == "true"
    if texte == "[]":
        return []
    if INTEGER.match(texte):
        return int(texte)
    if texte[0] in "[{&*!%@`|>":
        raise FrontmatterErreur(numero, f"syntaxe YAML non prise en charge : « {texte} »")
    return texte


def _sans_commentaire(texte: str) -> str:
    position = texte.find(" #")
    return (texte if position < 0 else texte[:position]).rstrip()


def _chaine_citee(texte: str, numero: int) -> str:
    guillemet = texte[0]
    motif = r'"((?:[^"\\]|\\.)*)"' if guillemet == '"' else r"'((?:[^']|'')*)'"
    correspondance = re.match(motif + r"(?:\s+#.*)?$", texte)
    if correspondance is None:
        raise FrontmatterErreur(numero, f"chaîne entre guillemets mal fermée : « {texte} »")
    contenu = correspondance.group(1)
    if guillemet == "'":
        return contenu.replace("''", "'")
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), contenu)
