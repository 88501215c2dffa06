"""OpenAPI examples for every answer of the data route (the documentation shows them)."""

from typing import Any

# Each request example names the answer it gets from the sandbox (`make run`: fictitious people, client
# `sandbox-deux-champs`); tests/api/test_openapi.py sends every one of them and checks it.
REQUEST_EXAMPLES = {
    "identifiant": {
        "summary": "Par identifiant France Travail",
        "description": "Réponse 200 en bac à sable : jean.are a une ARE ouverte.",
        "value": {"identifiant": "jean.are", "recipient": "13002526500013", "referenceDossier": "DOSSIER-2026-0042"},
    },
    "nir": {
        "summary": "Par NIR et date de naissance",
        "description": "Réponse 200 en bac à sable : le NIR de jean.are.",
        "value": {"nir": "185057800608491", "dateNaissance": "1985-05-12", "recipient": "13002526500013"},
    },
    "inconnu": {
        "summary": "Personne inconnue",
        "description": "Réponse 404 (individu-inconnu) : aucun demandeur d'emploi n'a cet identifiant.",
        "value": {"identifiant": "personne.inconnue", "recipient": "13002526500013"},
    },
}


def _problem(status: int, code: str, title: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": f"https://api-indemnites.example/problemes/{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "instance": "/partenaire/indemnisations/v1/indemnisation",
        "requestId": "4f1c2b9e-8d3a-4c57-9a0e-2f6b1d7c8e90",
        **extra,
    }


def _json(example: dict[str, Any], content_type: str = "application/problem+json") -> dict[str, Any]:
    return {"content": {content_type: {"example": example}}}


# A signed proof (Accept: application/jwt), made with a throwaway key: its claims decode, its signature
# verifies with no published key. Salt of the example: 3f2a9c1e5b7d4068a1c2e3f405162738.
PREUVE_EXEMPLE = (
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiIsImtpZCI6Ims2ZzdaSnlqRFRtVzVqenhsLWNLa3RxbGUzM2c1ZzNKMzlqR29TdkpN"
    "RmMifQ.eyJpc3MiOiJodHRwczovL2FwaS1pbmRlbW5pdGVzLmV4YW1wbGUiLCJpYXQiOjE3OTYxMTIwMDAsImp0aSI6IjRmMWMyY"
    "jllLThkM2EtNGM1Ny05YTBlLTJmNmIxZDdjOGU5MCIsImF1ZCI6InNhbmRib3gtZGV1eC1jaGFtcHMiLCJyZWNpcGllbnQiOiIxM"
    "zAwMjUyNjUwMDAxMyIsImRhdGVSZWZlcmVuY2UiOiIyMDI2LTEyLTAxIiwiYmVuZWZpY2lhaXJlUHJlc3RhdGlvblNvbGlkYXJpd"
    "GUiOmZhbHNlLCJiZW5lZmljaWFpcmVBc3N1cmFuY2VDaG9tYWdlIjp0cnVlLCJlbXByZWludGVJZGVudGl0ZSI6ImVlNzY2NTlhO"
    "TI4NmNhY2YyMDFhNDViMWE5MTA2ZThkNzM2MDAzZjVjZjBlOWQ5ZDEzMzE5MzMwZmMzOWExNGMiLCJyZWZlcmVuY2VEb3NzaWVyI"
    "joiRE9TU0lFUi0yMDI2LTAwNDIifQ.ZAzuGjOq-LYDxwWbjJuY6qfv94YL3cCdqcqvPFUOmiQkvchMg1UpGgexYtE7On6UsRfUoi"
    "OJBHd3Wni4z4kh6Q"
)

_REPONSE_200 = {
    "description": (
        "Les données accordées au client, en JSON ; avec `Accept: application/jwt`, la même réponse en preuve "
        "signée (JWS compact, ES256), son sel dans l'en-tête `X-Preuve-Sel` ; clés : /preuves/jwks.json."
    ),
    "headers": {
        "X-Preuve-Sel": {
            "description": "Avec une preuve signée seulement : 128 bits aléatoires (hexadécimal). "
            "empreinteIdentite = SHA-256(sel + identité canonique).",
            "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
        }
    },
    "content": {
        "application/json": {
            "example": {"beneficiairePrestationSolidarite": False, "beneficiaireAssuranceChomage": True}
        },
        "application/jwt": {"schema": {"type": "string", "format": "jws"}, "example": PREUVE_EXEMPLE},
    },
}
_REPONSE_406 = _json(
    _problem(
        406,
        "format-non-acceptable",
        "Format de réponse non disponible",
        "Cette route répond en application/json ou, signée, en application/jwt (en-tête Accept).",
    )
)

RESPONSES: dict[int, Any] = {
    200: _REPONSE_200,
    406: _REPONSE_406,
    401: _json(
        _problem(401, "jeton-invalide", "Jeton d'accès invalide ou expiré", "Jeton inconnu, expiré ou révoqué.")
    ),
    403: _json(
        _problem(
            403,
            "destinataire-non-autorise",
            "Destinataire non autorisé",
            "Ce SIRET ne figure pas parmi les destinataires autorisés pour ce client.",
        )
    ),
    404: _json(
        _problem(
            404, "individu-inconnu", "Individu inconnu", "Aucun demandeur d'emploi ne correspond à cette identité."
        )
    ),
    405: _json(
        _problem(405, "methode-non-autorisee", "Méthode non autorisée", "Cette méthode HTTP n'est pas acceptée ici.")
    ),
    400: _json(
        _problem(
            400, "json-invalide", "Corps JSON illisible", "Le corps de la requête n'est pas un document JSON valide."
        )
    ),
    413: _json(
        _problem(
            413,
            "corps-trop-volumineux",
            "Corps de requête trop volumineux",
            "Le corps de la requête dépasse 16384 octets.",
        )
    ),
    415: _json(
        _problem(
            415,
            "type-de-contenu-non-supporte",
            "Type de contenu non supporté",
            "Le corps doit être du JSON (Content-Type: application/json).",
        )
    ),
    422: _json(
        _problem(
            422,
            "donnees-invalides",
            "Données invalides",
            "nir : NIR invalide : 15 caractères dont une clé de contrôle exacte.",
            errors=[
                {
                    "champ": "nir",
                    "regle": "nir-invalide",
                    "message": "NIR invalide : 15 caractères dont une clé de contrôle exacte.",
                }
            ],
        )
    ),
    429: _json(
        _problem(
            429,
            "quota-exceeded",
            "Quota dépassé",
            "Le quota de ce client est atteint ; réessayez après le délai indiqué par Retry-After.",
        )
    ),
    503: _json(
        _problem(
            503,
            "journal-indisponible",
            "Service momentanément indisponible",
            "Le journal des accès ne peut pas être écrit ; aucune donnée n'est transmise.",
        )
    ),
}

# The connected mode's data route: the same two formats.
REPONSES_INDIVIDU: dict[int, Any] = {200: _REPONSE_200, 406: _REPONSE_406}
