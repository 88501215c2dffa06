"""One place turns every API error into RFC 9457 problem+json."""

import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from indemnites.api.parser import CleEnDouble, UnicodeInvalide
from indemnites.core.errors import ProblemError
from indemnites.core.problems import error_response, problem_response

logger = logging.getLogger("indemnites.api")

# French wording for pydantic's rules (its own messages are English). Our own rules (PydanticCustomError,
# hyphenated types such as `nir-invalide`) already carry a French message.
MESSAGES = {
    "missing": "Champ obligatoire.",
    "extra_forbidden": "Champ inconnu : il n'est pas accepté.",
    "string_type": "Une chaîne de caractères est attendue.",
    "string_too_short": "La valeur est vide.",
    "string_too_long": "La valeur est trop longue.",
    "string_pattern_mismatch": "La valeur contient des caractères non acceptés.",
    "string_unicode": "La valeur n'est pas du texte Unicode valide.",
    "model_attributes_type": "Un objet JSON est attendu.",
    "model_type": "Un objet JSON est attendu.",
    "dict_type": "Un objet JSON est attendu.",
    "list_type": "Une liste est attendue.",
    "bool_type": "Un booléen (true ou false) est attendu.",
    "bool_parsing": "Un booléen (true ou false) est attendu.",
    "int_type": "Un nombre entier est attendu.",
    "int_parsing": "Un nombre entier est attendu.",
    "float_type": "Un nombre est attendu.",
    "float_parsing": "Un nombre est attendu.",
    "literal_error": "Valeur non acceptée : voir les valeurs permises dans la documentation.",
    "enum": "Valeur non acceptée : voir les valeurs permises dans la documentation.",
    "json_invalid": "JSON invalide.",
    "json_type": "Du JSON est attendu.",
    "none_required": "Aucune valeur n'est attendue ici.",
    "date_type": "Date invalide (AAAA-MM-JJ attendu).",
    "date_from_datetime_parsing": "Date invalide (AAAA-MM-JJ attendu).",
    "date_parsing": "Date invalide (AAAA-MM-JJ attendu).",
    "date_from_datetime_inexact": "Date invalide (AAAA-MM-JJ attendu).",
}
MESSAGE_PAR_DEFAUT = "Valeur invalide."
NINJA_LOCATIONS = {"body", "payload", "query", "path", "header"}


def _champ(error: dict[str, Any]) -> str:
    ctx = error.get("ctx") or {}
    if "champ" in ctx:
        return str(ctx["champ"])
    parts = [str(part) for part in error.get("loc", ()) if str(part) not in NINJA_LOCATIONS]
    return ".".join(parts) or "corps"


def _message(error: dict[str, Any]) -> str:
    regle = str(error.get("type", ""))
    if regle in MESSAGES:
        return MESSAGES[regle]
    if "-" in regle:  # one of our own rules, already in French
        return str(error.get("msg") or MESSAGE_PAR_DEFAUT)
    return MESSAGE_PAR_DEFAUT


def _erreur_champ(error: dict[str, Any]) -> dict[str, str]:
    return {
        "champ": _champ(error),
        "regle": error.get("type", "invalide"),
        "message": _message(error),
    }


def validation_problem(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [_erreur_champ(error) for error in exc.errors]
    detail = "; ".join(f"{e['champ']} : {e['message']}" for e in errors)
    return problem_response(
        request,
        status=422,
        code="donnees-invalides",
        title="Données invalides",
        detail=detail,
        extra={"errors": errors},
    )


def _unicode_problem(request: HttpRequest, champ: str) -> HttpResponse:
    message = "La valeur n'est pas du texte Unicode valide (UTF-8, sans substitut isolé)."
    return problem_response(
        request,
        status=422,
        code="donnees-invalides",
        title="Données invalides",
        detail=f"{champ} : {message}",
        extra={"errors": [{"champ": champ, "regle": "unicode-invalide", "message": message}]},
    )


def http_problem(request: HttpRequest, exc: HttpError) -> HttpResponse:
    cause = exc.__cause__
    if isinstance(cause, UnicodeInvalide):
        return _unicode_problem(request, cause.champ)
    if isinstance(cause, CleEnDouble):
        return problem_response(
            request,
            status=400,
            code="json-invalide",
            title="Corps JSON illisible",
            detail=f"La clé « {cause.cle} » apparaît plusieurs fois dans un même objet JSON.",
            extra={"cle": cause.cle},
        )
    if exc.status_code == 400:
        return problem_response(
            request,
            status=400,
            code="json-invalide",
            title="Corps JSON illisible",
            detail="Le corps de la requête n'est pas un document JSON valide.",
        )
    return problem_response(
        request,
        status=exc.status_code,
        code="erreur-http",
        title="Erreur",
        detail=str(exc),
    )


def authentication_problem(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(
        request,
        status=401,
        code="jeton-absent",
        title="Jeton d'accès manquant",
        detail="Fournissez un jeton d'accès.",
        headers={"WWW-Authenticate": 'Bearer realm="api-indemnites"'},
    )


def unexpected_problem(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("erreur inattendue", extra={"reason": type(exc).__name__})
    return problem_response(
        request,
        status=500,
        code="erreur-interne",
        title="Erreur interne",
        detail="Une erreur inattendue est survenue ; elle a été journalisée.",
    )


# Callable[..., …]: ninja types a handler's argument as "the exception or its class"; it passes the exception.
HANDLERS: tuple[tuple[type[Exception], Callable[..., HttpResponse]], ...] = (
    (ValidationError, validation_problem),
    (ProblemError, error_response),
    (HttpError, http_problem),
    (AuthenticationError, authentication_problem),
    (Exception, unexpected_problem),
)


def handlers_install(api: NinjaAPI) -> None:
    for exception, handler in HANDLERS:
        api.add_exception_handler(exception, handler)
