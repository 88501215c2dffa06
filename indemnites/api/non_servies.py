"""The PE Connect APIs of the individu realm that this service does not serve (coordonnées, statut, date
de naissance, formations, expériences, compétences): every route under their prefix answers a 404
problem `api-non-servie` naming the API, whatever the token, rather than a bare "unknown route".

Integrations of PE Connect ask for these APIs' scopes together with ours (they are dropped at the
authorization step) and typically treat a failed call as "no data".
"""

from django.http import HttpRequest, HttpResponse
from ninja import Path, Router

from indemnites.api.schemas import Probleme
from indemnites.core.errors import ProblemError
from indemnites.oauth.domain import APIS_NON_SERVIES, ApiNonServie

router = Router(tags=["Mode connecté (PE Connect)"])

EXEMPLES_CHEMINS = {
    "peconnect-coordonnees/v1": "coordonnees",
    "peconnect-statut/v1": "statut",
    "peconnect-datenaissance/v1": "etat-civil",
}


DESCRIPTION_CHEMIN = "Toute route de cette API."


class ApiNonServieErreur(ProblemError):
    status = 404
    code = "api-non-servie"
    title = "API non servie"


def _operation(api: ApiNonServie) -> None:
    exemple = EXEMPLES_CHEMINS.get(api.prefixe)
    chemins = f" (par exemple `/partenaire/{api.prefixe}/{exemple}`)" if exemple else ""

    def non_servie(
        request: HttpRequest, chemin: str = Path(..., description="Toute route de cette API.")
    ) -> HttpResponse:
        raise ApiNonServieErreur(
            f"L'API PE Connect « {api.nom} » n'est pas servie par ce service : seules les API Individu "
            "(userinfo) et Indemnisations v1 le sont. Ses portées sont retirées de l'autorisation.",
            extra={"api": api.nom},
        )

    router.add_api_operation(
        f"/partenaire/{api.prefixe}/{{path:chemin}}",
        ["GET"],
        non_servie,
        auth=None,
        response={404: Probleme},
        summary=f"PE Connect {api.nom} : non servie (404 api-non-servie)",
        description=(
            f"Toute route de l'API PE Connect « {api.nom} »{chemins} répond 404 `api-non-servie`, "
            f"quel que soit le jeton. Portées retirées de l'autorisation : {', '.join(f'`{s}`' for s in api.scopes)}."
        ),
        operation_id="non_servie_" + api.prefixe.split("/")[0].removeprefix("peconnect-"),
        url_name="non_servie_" + api.prefixe.split("/")[0].removeprefix("peconnect-"),
    )


for _api in APIS_NON_SERVIES:
    _operation(_api)
