"""Request id, API guards (size, media type) and problem+json for every API error."""

import io
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from indemnites.core.logging import request_id_var
from indemnites.core.problems import is_problem, problem_response
from indemnites.core.requetes import Requete

REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{8,128}")
API_PREFIXES = ("/partenaire/", "/api/")

access_logger = logging.getLogger("indemnites.access")

GENERIC_PROBLEMS = {
    400: ("requete-invalide", "Requête invalide", "La requête est mal formée."),
    404: ("ressource-inconnue", "Ressource inconnue", "Aucune ressource ne correspond à cette adresse."),
    405: ("methode-non-autorisee", "Méthode non autorisée", "Cette méthode HTTP n'est pas acceptée ici."),
    500: ("erreur-interne", "Erreur interne", "Une erreur inattendue est survenue ; elle a été journalisée."),
}


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIXES)


class RequestIdMiddleware:
    """Takes a well-formed X-Request-ID from the caller or makes one; logs one access line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: Requete) -> HttpResponse:
        started = time.perf_counter()
        given = request.headers.get("X-Request-ID", "")
        # fullmatch: with `match` and `$`, a trailing newline would slip into the response header.
        request.request_id = given if REQUEST_ID_PATTERN.fullmatch(given) else str(uuid.uuid4())
        token = request_id_var.set(request.request_id)
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id
            _log_access(request, response, started)
            return response
        finally:
            request_id_var.reset(token)


def _log_access(request: HttpRequest, response: HttpResponse, started: float) -> None:
    match = getattr(request, "resolver_match", None)
    access_logger.info(
        "requete",
        extra={
            "method": request.method,
            "route": match.route if match else "",
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            "client_id": getattr(request, "client_id_journal", ""),
        },
    )


class ApiGuardMiddleware:
    """Refuses oversized and non-JSON bodies before any parsing, and turns Django's own
    HTML error pages on API paths (unknown route, wrong method) into problem+json."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_api_path(request.path):
            return self.get_response(request)
        refusal = _guard_body(request)
        response = refusal or self.get_response(request)
        if response.status_code >= 400 and not is_problem(response):
            return _as_problem(request, response)
        return response


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return -1


def _chunked_read(request: HttpRequest) -> None:
    """A chunked body comes without Content-Length, which Django reads as an empty body: the server
    (gunicorn) has already de-chunked it, so read it here, one byte past the limit, and declare its length."""
    chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
    stream = request.META.get("wsgi.input")
    if not chunked or request.META.get("CONTENT_LENGTH") or stream is None:
        return
    body = stream.read(settings.API_MAX_BODY_BYTES + 1)
    request._stream = io.BytesIO(body)
    request.META["CONTENT_LENGTH"] = str(len(body))


def _guard_body(request: HttpRequest) -> HttpResponse | None:
    if request.method not in {"POST", "PUT", "PATCH"}:
        return None
    _chunked_read(request)
    length = _declared_length(request)
    if length < 0:
        return problem_response(
            request,
            status=400,
            code="requete-invalide",
            title="Requête invalide",
            detail="L'en-tête Content-Length est invalide.",
        )
    if length > settings.API_MAX_BODY_BYTES:
        return problem_response(
            request,
            status=413,
            code="corps-trop-volumineux",
            title="Corps de requête trop volumineux",
            detail=f"Le corps de la requête dépasse {settings.API_MAX_BODY_BYTES} octets.",
        )
    if length == 0:
        # No body, no media type to refuse: routing answers first (405 for a bodyless PUT or DELETE).
        return None
    # application/json only: a `+json` type (merge-patch, problem…) would promise semantics we do not have.
    if request.content_type != "application/json":
        return problem_response(
            request,
            status=415,
            code="type-de-contenu-non-supporte",
            title="Type de contenu non supporté",
            detail="Le corps doit être du JSON (Content-Type: application/json).",
        )
    return None


def _as_problem(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    code, title, detail = GENERIC_PROBLEMS.get(response.status_code, GENERIC_PROBLEMS[400])
    headers = {"Allow": response["Allow"]} if response.has_header("Allow") else {}
    return problem_response(
        request, status=response.status_code, code=code, title=title, detail=detail, headers=headers
    )
