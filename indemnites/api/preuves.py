"""Content negotiation of the data routes, in one place: plain JSON (the default, unchanged), or with
`Accept: application/jwt` the same answer as a signed proof (indemnites/preuves). Any other `Accept` is 406."""

from collections.abc import Mapping
from datetime import date

from django.http import HttpRequest, HttpResponse
from joserfc.jwk import ECKey

from indemnites.api.services import Appel
from indemnites.core.errors import ProblemError
from indemnites.preuves.services import Contexte, cle_signature_exiger, preuve_emettre

JSON = "application/json"
JWT = "application/jwt"
SEL_EN_TETE = "X-Preuve-Sel"


class FormatNonAcceptable(ProblemError):
    status = 406
    code = "format-non-acceptable"
    title = "Format de réponse non disponible"


def preuve_demandee(request: HttpRequest) -> ECKey | None:
    """The signing key when the caller asks for a signed proof, None for plain JSON; 406 when the caller
    accepts neither. Called before any data is read."""
    if not request.headers.get("Accept", "").strip():
        return None
    choisi = request.get_preferred_type([JSON, JWT])
    if choisi is None:
        raise FormatNonAcceptable(f"Cette route répond en {JSON} ou, signée, en {JWT} (en-tête Accept).")
    return cle_signature_exiger() if choisi == JWT else None


def reponse_signee(
    *, cle: ECKey, appel: Appel, date_reference: date, donnees: Mapping[str, bool], identite: str
) -> HttpResponse:
    """The answer as a compact JWS; its salt (which binds it to `identite`) travels in X-Preuve-Sel."""
    contexte = Contexte(
        request_id=appel.request_id,
        client_id=appel.client_id,
        destinataire=appel.destinataire,
        date_reference=date_reference,
        reference_dossier=appel.reference_dossier,
    )
    preuve = preuve_emettre(cle=cle, contexte=contexte, donnees=donnees, identite=identite)
    response = HttpResponse(preuve.jws, content_type=JWT)
    response["Cache-Control"] = "no-store"
    response[SEL_EN_TETE] = preuve.sel
    return response
