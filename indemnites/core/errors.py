"""Domain errors carry their problem `code` and HTTP status; one handler renders them (RFC 9457)."""

from typing import Any


class ProblemError(Exception):
    status = 400
    code = "requete-invalide"
    title = "Requête invalide"

    def __init__(
        self, detail: str = "", *, extra: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ):
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extra = extra or {}
        self.headers = headers or {}


class JetonAbsent(ProblemError):
    status = 401
    code = "jeton-absent"
    title = "Jeton d'accès manquant"


class JetonInvalide(ProblemError):
    status = 401
    code = "jeton-invalide"
    title = "Jeton d'accès invalide ou expiré"


class ScopeInsuffisant(ProblemError):
    status = 403
    code = "insufficient_scope"
    title = "Portée du jeton insuffisante"


class DestinataireNonAutorise(ProblemError):
    status = 403
    code = "destinataire-non-autorise"
    title = "Destinataire non autorisé"


class IndividuInconnu(ProblemError):
    status = 404
    code = "individu-inconnu"
    title = "Individu inconnu"


class JournalIndisponible(ProblemError):
    status = 503
    code = "journal-indisponible"
    title = "Service momentanément indisponible"
