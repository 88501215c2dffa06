"""Strict JSON for request bodies: a gateway and this service must never read different values.

A duplicate key (which parsers resolve differently: first wins, last wins, or error), a string that is not
valid Unicode (a lone surrogate such as `"\\ud800"`, or bytes that are not UTF-8) are refused here, before
any field is used. ninja wraps a parser's exception in `HttpError(400)`; `api.errors` reads the cause back
to answer 400 `json-invalide` naming the key, or 422 naming the field.
"""

import json
import re
from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser

# Lone surrogates: from a `\ud800` escape, or from an undecodable byte (decoded with surrogateescape).
SURROGATE = re.compile("[\ud800-\udfff]")


class CleEnDouble(ValueError):
    def __init__(self, cle: str) -> None:
        super().__init__(cle)
        self.cle = cle


class UnicodeInvalide(ValueError):
    def __init__(self, champ: str) -> None:
        super().__init__(champ)
        self.champ = champ


def _sans_doublon(paires: list[tuple[str, Any]]) -> dict[str, Any]:
    objet: dict[str, Any] = {}
    for cle, valeur in paires:
        if cle in objet:
            raise CleEnDouble(cle)
        objet[cle] = valeur
    return objet


def _unicode_verifier(valeur: Any, chemin: str) -> None:
    if isinstance(valeur, str):
        if SURROGATE.search(valeur):
            raise UnicodeInvalide(chemin or "corps")
    elif isinstance(valeur, dict):
        for cle, contenu in valeur.items():
            champ = f"{chemin}.{cle}" if chemin else cle
            if SURROGATE.search(cle):
                raise UnicodeInvalide(chemin or "corps")
            _unicode_verifier(contenu, champ)
    elif isinstance(valeur, list):
        for rang, contenu in enumerate(valeur):
            _unicode_verifier(contenu, f"{chemin}.{rang}" if chemin else str(rang))


def json_strict_lire(corps: bytes) -> Any:
    """The JSON document, or CleEnDouble / UnicodeInvalide / ValueError (not JSON)."""
    texte = corps.decode("utf-8", errors="surrogateescape")
    document = json.loads(texte, object_pairs_hook=_sans_doublon)
    _unicode_verifier(document, "")
    return document


class JsonStrict(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        return json_strict_lire(request.body)
