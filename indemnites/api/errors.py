"""One place turns every API error into RFC 9457 problem+json."""

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from indemnites.core.errors import ProblemError
from indemnites.core.problems import error_response, problem_response

logger = logging.getLogger("indemnites.api")

# French wording for the pydantic rules a caller is most likely to break.
MESSAGES = {
    "missing": "Champ obligatoire.",
    "extra_forbidden": "Champ inconnu : il n'est pas accepté.",
    "string_type": "Une chaîne de caractères est attendue.",
    "string_too_short": "La valeur est vide.",
    "string_too_long": "La valeur est trop longue.",
    "string_pattern_mismatch": "La valeur contient des caractères non acceptés.",
    "model_attributes_type": "Un objet JSON est attendu.",
    "model_type": "Un objet JSON est attendu.",
    "dict_type": "Un objet JSON est attendu.",
    "date_from_datetime_parsing": "Date invalide (AAAA-MM-JJ attendu).",
    "date_parsing": "Date invalide (AAAA-MM-JJ attendu).",
    "date_from_datetime_inexact": "Date invalide (AAAA-MM-JJ attendu).",
}
NINJA_LOCATIONS = {"body", "payload", "query", "path", "header"}


def _champ(error: dict[str, Any]) -> str:
    ctx = error.get("ctx") or {}
    if "champ" in ctx:
        return str(ctx["champ"])
    parts = [str(part) for part in error.get("loc", ()) if str(part) not in NINJA_LOCATIONS]
    return ".".join(parts) or "corps"


def _erreur_champ(error: dict[str, Any]) -> dict[str, str]:
    return {
        "champ": _champ(error),
        "regle": error.get("type", "invalide"),
        "message": MESSAGES.get(error.get("type", ""), error.get("msg", "Valeur invalide.")),
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


def http_problem(request: HttpRequest, exc: HttpError) -> HttpResponse:
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


def handlers_install(api: NinjaAPI) -> None:
    api.add_exception_handler(ValidationError, validation_problem)
    api.add_exception_handler(ProblemError, error_response)
    api.add_exception_handler(HttpError, http_problem)
    api.add_exception_handler(AuthenticationError, authentication_problem)
    api.add_exception_handler(Exception, unexpected_problem)
