"""Reads the problem codes and validation rules out of the source, so the error reference cannot
miss one. Pure: source text in, records out (no Django import).

Three shapes are recognised: a subclass of `ProblemError` with `code = "…"` (and `status`, `title`)
attributes, a call with both `code="…"` and `status=…` keywords such as `problem_response(...)`, and a
table `{404: ("code", "title", …)}`. Validation rules are the `PydanticCustomError("rule", "message")`
calls.
"""

import ast
import re
from dataclasses import dataclass

CODE = re.compile(r"^[a-z][a-z0-9_-]*$")
RACINE = "ProblemError"


@dataclass(frozen=True)
class CodeTrouve:
    code: str
    statut: int | None  # None: depends on the case (e.g. an HTTP error passed through)
    titre: str
    classe: str = ""  # the class name, when the code is a class attribute
    bases: tuple[str, ...] = ()


@dataclass(frozen=True)
class RegleTrouvee:
    regle: str
    message: str  # empty when the message is built at run time


def _constante(node: ast.expr | None, kind: type) -> object:
    if isinstance(node, ast.Constant) and isinstance(node.value, kind) and not isinstance(node.value, bool):
        return node.value
    return None


def _depuis_classe(node: ast.ClassDef) -> CodeTrouve | None:
    attributs: dict[str, ast.expr] = {}
    for instruction in node.body:
        if isinstance(instruction, ast.Assign) and len(instruction.targets) == 1:
            cible = instruction.targets[0]
            if isinstance(cible, ast.Name):
                attributs[cible.id] = instruction.value
    code = _constante(attributs.get("code"), str)
    if not isinstance(code, str) or not CODE.match(code):
        return None
    bases = tuple(base.id for base in node.bases if isinstance(base, ast.Name))
    statut = _constante(attributs.get("status"), int)
    titre = _constante(attributs.get("title"), str) or ""
    return CodeTrouve(code, statut if isinstance(statut, int) else None, str(titre), node.name, bases)


def _depuis_appel(node: ast.Call) -> CodeTrouve | None:
    mots = {mot.arg: mot.value for mot in node.keywords if mot.arg}
    code = _constante(mots.get("code"), str)
    if not isinstance(code, str) or not CODE.match(code) or "status" not in mots:
        return None
    statut = _constante(mots.get("status"), int)
    titre = _constante(mots.get("title"), str) or ""
    return CodeTrouve(code, statut if isinstance(statut, int) else None, str(titre))


def _depuis_table(node: ast.Dict) -> list[CodeTrouve]:
    trouves = []
    for cle, valeur in zip(node.keys, node.values, strict=True):
        statut = _constante(cle, int)
        if not isinstance(statut, int) or not 400 <= statut < 600:
            continue
        if not isinstance(valeur, ast.Tuple) or len(valeur.elts) < 2:
            continue
        code, titre = _constante(valeur.elts[0], str), _constante(valeur.elts[1], str)
        if isinstance(code, str) and CODE.match(code) and isinstance(titre, str):
            trouves.append(CodeTrouve(code, statut, titre))
    return trouves


def codes_trouver(source: str) -> list[CodeTrouve]:
    trouves: list[CodeTrouve] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            trouve = _depuis_classe(node)
            trouves += [trouve] if trouve else []
        elif isinstance(node, ast.Call):
            trouve = _depuis_appel(node)
            trouves += [trouve] if trouve else []
        elif isinstance(node, ast.Dict):
            trouves += _depuis_table(node)
    return trouves


def classes_resoudre(trouves: list[CodeTrouve]) -> list[CodeTrouve]:
    """Keeps the classes that descend from `ProblemError` (by name, across files); a class without
    its own `status` takes its nearest ancestor's. Codes found in calls and tables pass through."""
    par_classe = {trouve.classe: trouve for trouve in trouves if trouve.classe}

    def ancetres(trouve: CodeTrouve, vus: frozenset[str] = frozenset()) -> list[CodeTrouve]:
        chaine = [trouve]
        for base in trouve.bases:
            if base in par_classe and base not in vus:
                chaine += ancetres(par_classe[base], vus | {trouve.classe})
        return chaine

    resolus = []
    for trouve in trouves:
        if not trouve.classe:
            resolus.append(trouve)
            continue
        chaine = ancetres(trouve)
        if trouve.classe != RACINE and RACINE not in {base for t in chaine for base in t.bases}:
            continue
        statut = next((t.statut for t in chaine if t.statut is not None), None)
        resolus.append(CodeTrouve(trouve.code, statut, trouve.titre, trouve.classe, trouve.bases))
    return resolus


def codes_fusionner(trouves: list[CodeTrouve]) -> list[CodeTrouve]:
    """One entry per code, sorted by status then code; a code with a known status wins."""
    par_code: dict[str, CodeTrouve] = {}
    for trouve in trouves:
        deja = par_code.get(trouve.code)
        if deja is None or (deja.statut is None and trouve.statut is not None) or (not deja.titre and trouve.titre):
            par_code[trouve.code] = trouve
    return sorted(par_code.values(), key=lambda t: (t.statut or 999, t.code))


def regles_trouver(source: str) -> list[RegleTrouvee]:
    regles = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or len(node.args) < 2:
            continue
        fonction = node.func
        nom = fonction.id if isinstance(fonction, ast.Name) else getattr(fonction, "attr", "")
        regle, message = _constante(node.args[0], str), _constante(node.args[1], str)
        if nom == "PydanticCustomError" and isinstance(regle, str):
            # A message built at run time (e.g. with the bounds of a date) is not known here.
            regles.append(RegleTrouvee(regle, message if isinstance(message, str) else ""))
    return regles
