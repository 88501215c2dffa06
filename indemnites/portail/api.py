"""`GET /api/catalogue.json`: the catalogue entry, in the public catalogue's format."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from indemnites.portail.selectors import catalogue_lire, catalogue_public

router = Router(tags=["Catalogue"])


class AccesProfil(Schema):
    who: list[str] = Field(description="Les profils de visiteurs concernés.")
    is_eligible: int = Field(description="1 : éligible ; 0 : sous conditions ; -1 : non éligible.")
    description: str = Field(description="Explication en Markdown (composants du catalogue compris).")


class FicheCatalogue(Schema):
    """Field names of api.gouv.fr's frontmatter; those of its `/api/listAPI` listing are all there."""

    title: str
    tagline: str
    external_site: str | None = None
    is_open: int = Field(description="1 : ouverte ; 0 : compte nécessaire ; -1 : accès sur habilitation.")
    partners: list[str]
    producer: str
    keywords: list[str]
    themes: list[str]
    contact_link: str | None
    doc_tech_link: str = Field(description="Le document OpenAPI.")
    doc_tech_external: str = Field(description="La documentation en pages.")
    datapass_link: str = Field(description="Où commencer une demande d'habilitation.")
    access_page: list[AccesProfil]
    rate_limiting_resume: str | None = Field(description="Limites du service en marche.")
    rate_limiting_description: str | None
    monitoring_link: str | None = Field(description="La page d'état, quand elle existe.")
    monitoring_description: str | None
    uptime: float | None = Field(description="Disponibilité mesurée sur 30 jours, en % ; null si pas encore mesurée.")
    last_update: str = Field(description="Date de dernière mise à jour de la fiche (JJ/MM/AAAA).")
    visits_2019: int | None = None
    content_intro: str | None
    content: str = Field(description="Le corps de la fiche, en Markdown.")
    preuves_jwks_uri: str = Field(
        description="Les clés publiques (JWKS) qui vérifient les réponses signées (Accept: application/jwt)."
    )


@router.get(
    "/api/catalogue.json",
    auth=None,
    response=FicheCatalogue,
    url_name="catalogue-json",
    operation_id="catalogue",
    summary="Fiche catalogue de l'API",
)
def catalogue(request: HttpRequest, response: HttpResponse) -> dict[str, Any]:
    response["Cache-Control"] = "public, max-age=300"
    return catalogue_public(catalogue_lire(), absolu=request.build_absolute_uri)
