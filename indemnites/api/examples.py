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


RESPONSES: dict[int, Any] = {
    200: _json({"beneficiairePrestationSolidarite": False, "beneficiaireAssuranceChomage": True}, "application/json"),
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
