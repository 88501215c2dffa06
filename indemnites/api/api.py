"""The NinjaAPI: the server-to-server data route (mode B) and its OpenAPI document."""

import hashlib
import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI

from indemnites.api.auth import JetonPartenaire, RequeteApi
from indemnites.api.errors import handlers_install
from indemnites.api.examples import REQUEST_EXAMPLES, RESPONSES
from indemnites.api.individu import SCHEMA_VALEURS
from indemnites.api.parser import JsonStrict
from indemnites.api.preuves import preuve_demandee, reponse_signee
from indemnites.api.schemas import IndemnisationIn, IndemnisationOut, Probleme
from indemnites.api.services import Appel, destinataire_verifier, indemnisation_consulter
from indemnites.droits.domain import nir_hacher
from indemnites.droits.selectors import Identite
from indemnites.journal.models import Mode
from indemnites.oauth.selectors import JetonContexte
from indemnites.preuves.domain import identite_canonique

DESCRIPTION = """
API indemnités : indique à une administration habilitée si un demandeur d'emploi perçoit un minimum
social (ASS, AAH, RSA, AER) et/ou une allocation d'assurance chômage (ARE, ASP).

Seules les données accordées par l'habilitation du client sont renvoyées. Chaque appel est journalisé
avant la réponse. Les erreurs suivent la RFC 9457 (`application/problem+json`) avec un `code` stable.
"""


def erreurs_en_problemes(schema: dict[str, Any]) -> None:
    """Every error answer of the service is `application/problem+json` (RFC 9457): the document says so
    on every route, where ninja would write `application/json` (an example given beside is kept)."""
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            for statut, reponse in operation.get("responses", {}).items():
                contenu = reponse.get("content", {})
                if int(statut) < 400 or "application/json" not in contenu:
                    continue
                json_ = contenu.pop("application/json")
                contenu["application/problem+json"] = {**json_, **contenu.get("application/problem+json", {})}


# Query parameters with a closed set of values, by operation: the document declares them as enums.
VALEURS_FERMEES = {("userinfo_individu", "schema"): SCHEMA_VALEURS}


def valeurs_fermees_declarer(schema: dict[str, Any]) -> None:
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            for parametre in operation.get("parameters", []):
                valeurs = VALEURS_FERMEES.get((operation.get("operationId"), parametre["name"]))
                if valeurs:
                    parametre["schema"] = {"type": "string", "enum": list(valeurs)}


class ApiIndemnites(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        erreurs_en_problemes(schema)
        valeurs_fermees_declarer(schema)
        return schema


api = ApiIndemnites(
    title="API indemnités",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api",
    openapi_url="/api/openapi.json",
    docs_url="/api/docs",
    parser=JsonStrict(),
)
handlers_install(api)
api.add_router("", "indemnites.portail.api.router")  # GET /api/catalogue.json
api.add_router("", "indemnites.api.individu.router")  # connected mode: GET …/peconnect-*/v1/…
api.add_router("", "indemnites.api.non_servies.router")  # the PE Connect APIs not served here: 404


def _json_response(payload: dict[str, bool]) -> HttpResponse:
    response = HttpResponse(json.dumps(payload), content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


def _identite(payload: IndemnisationIn) -> Identite:
    if payload.identifiant is not None:
        return Identite(identifiant=payload.identifiant)
    return Identite(nir_hash=nir_hacher(payload.nir or "", settings.NIR_PEPPER), date_naissance=payload.dateNaissance)


def _identite_canonique(payload: IndemnisationIn) -> str:
    """The person as the proof binds them (indemnites/preuves/domain.py)."""
    return identite_canonique(
        identifiant=payload.identifiant or "", nir=payload.nir or "", date_naissance=payload.dateNaissance
    )


@api.post(
    "/partenaire/indemnisations/v1/indemnisation",
    auth=JetonPartenaire(),
    response={200: IndemnisationOut, frozenset({400, 401, 403, 404, 405, 406, 413, 415, 422, 429, 503}): Probleme},
    summary="Indemnisation d'un demandeur d'emploi (serveur à serveur)",
    operation_id="indemnisation_partenaire",
    tags=["Serveur à serveur"],
    openapi_extra={
        "requestBody": {"content": {"application/json": {"examples": REQUEST_EXAMPLES}}},
        "responses": RESPONSES,
    },
)
def indemnisation_partenaire(request: RequeteApi, payload: IndemnisationIn) -> HttpResponse:
    jeton: JetonContexte = request.auth
    cle = preuve_demandee(request)
    appel = Appel(
        request_id=request.request_id,
        mode=Mode.PARTENAIRE,
        client_id=jeton.client_id,
        champs_accordes=jeton.champs,
        destinataire=payload.recipient,
        reference_dossier=payload.referenceDossier or "",
        empreinte_requete=hashlib.sha256(request.body).hexdigest(),
        preuve=cle is not None,
    )
    destinataire_verifier(appel=appel, destinataires_autorises=jeton.destinataires)
    date_reference = payload.dateReference or timezone.localdate()
    resultat = indemnisation_consulter(appel=appel, identite=_identite(payload), date_reference=date_reference)
    if cle is None:
        return _json_response(resultat)
    identite = _identite_canonique(payload)
    return reponse_signee(cle=cle, appel=appel, date_reference=date_reference, donnees=resultat, identite=identite)


@api.get("/healthz", auth=None, summary="Processus vivant", tags=["Exploitation"], operation_id="healthz")
def healthz(request: HttpRequest) -> dict[str, str]:
    """Answers as long as the process serves requests; touches neither database nor cache."""
    return {"status": "ok"}
