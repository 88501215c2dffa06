"""Les erreurs de l'API (RFC 9457, `application/problem+json`) deviennent des exceptions nommées d'après leur
`code` : `IndividuInconnu` pour `individu-inconnu`, `DonneesInvalides` pour `donnees-invalides`… Toutes
dérivent d'`ErreurApi` et portent `request_id` (à donner au support) ; une 422 porte aussi ses `erreurs`."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ErreurChamp:
    champ: str
    regle: str
    message: str


class ErreurClient(Exception):
    """Toute erreur levée par ce client."""


class ErreurApi(ErreurClient):
    """Une réponse problem+json ; la classe exacte est celle de son `code` quand il est connu."""

    code = ""

    def __init__(self, probleme: dict[str, Any], *, status: int, request_id: str) -> None:
        self.status = status
        self.code = str(probleme.get("code", "")) or type(self).code
        self.titre = str(probleme.get("title", ""))
        self.detail = str(probleme.get("detail", ""))
        self.request_id = str(probleme.get("requestId") or request_id)
        self.erreurs = [
            ErreurChamp(str(e.get("champ", "")), str(e.get("regle", "")), str(e.get("message", "")))
            for e in probleme.get("errors") or []
            if isinstance(e, dict)
        ]
        super().__init__(f"{status} {self.code} : {self.detail} (requête {self.request_id})")


class RequeteInvalide(ErreurApi):
    code = "requete-invalide"


class JsonInvalide(ErreurApi):
    code = "json-invalide"


class ParametreInvalide(ErreurApi):
    code = "parametre-invalide"


class JetonAbsent(ErreurApi):
    code = "jeton-absent"


class JetonInvalide(ErreurApi):
    code = "jeton-invalide"


class InsufficientScope(ErreurApi):
    code = "insufficient_scope"


class DestinataireNonAutorise(ErreurApi):
    code = "destinataire-non-autorise"


class IndividuInconnu(ErreurApi):
    code = "individu-inconnu"


class FormatNonAcceptable(ErreurApi):
    code = "format-non-acceptable"


class DonneesInvalides(ErreurApi):
    code = "donnees-invalides"


class QuotaExceeded(ErreurApi):
    code = "quota-exceeded"


class JournalIndisponible(ErreurApi):
    code = "journal-indisponible"


class PreuveIndisponible(ErreurApi):
    code = "preuve-indisponible"


CLASSES: dict[str, type[ErreurApi]] = {classe.code: classe for classe in ErreurApi.__subclasses__()}


def erreur_api(probleme: dict[str, Any], *, status: int, request_id: str) -> ErreurApi:
    """L'exception du `code` de ce problème (ErreurApi pour un code que cette version ne connaît pas)."""
    classe = CLASSES.get(str(probleme.get("code", "")), ErreurApi)
    return classe(probleme, status=status, request_id=request_id)


class ErreurJeton(ErreurClient):
    """Le serveur d'autorisation refuse le jeton (RFC 6749 : `invalid_client`, `invalid_scope`…)."""

    def __init__(self, error: str, description: str, *, status: int) -> None:
        self.error, self.description, self.status = error, description, status
        super().__init__(f"{status} {error} : {description}")


class ReponseInattendue(ErreurClient):
    """Une réponse que le contrat de l'API n'annonce pas (ni données, ni problem+json)."""


class PreuveInvalide(ErreurClient):
    """La preuve ne se vérifie pas : signature fausse, clé inconnue, ou identité différente."""
