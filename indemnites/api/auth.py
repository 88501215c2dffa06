"""Bearer authentication of the data routes. Every refusal is journaled before it is answered."""

from typing import cast

from django.http import HttpRequest
from ninja.security.base import AuthBase

from indemnites.core.errors import JetonAbsent, JetonInvalide, ProblemError, ScopeInsuffisant
from indemnites.core.requetes import Requete
from indemnites.journal.models import Mode
from indemnites.journal.services import Trace, acces_enregistrer
from indemnites.oauth.domain import SCOPE_PARTENAIRE
from indemnites.oauth.selectors import JetonContexte, jeton_lire
from indemnites.trafic import http as trafic

REALM = 'Bearer realm="api-indemnites"'


class RequeteApi(Requete):
    """A data route's request: once authenticated, the token's context (ninja's `request.auth`), and its
    client for the journal as soon as the token is known."""

    auth: JetonContexte
    client_id_journal: str


def bearer_token(
    request: HttpRequest, *, absent: str = "Fournissez un jeton d'accès dans l'en-tête Authorization: Bearer."
) -> str:
    """The bearer token of the Authorization header; never one from the URL (RFC 9700 §4.3.2: a token
    in a URL ends up in logs and histories)."""
    if "access_token" in request.GET:
        raise JetonInvalide("Le jeton ne doit jamais figurer dans l'adresse : utilisez l'en-tête Authorization.")
    header = request.headers.get("Authorization", "")
    if not header:
        raise JetonAbsent(absent)
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise JetonInvalide("L'en-tête Authorization doit être de la forme « Bearer <jeton> ».")
    return token.strip()


def _www_authenticate(error: ProblemError) -> str:
    if isinstance(error, JetonAbsent):
        return REALM
    kind = "insufficient_scope" if isinstance(error, ScopeInsuffisant) else "invalid_token"
    return f'{REALM}, error="{kind}"'


class JetonPartenaire(AuthBase):
    """A client-credentials token carrying `api_indemnisationsv1`; a user's token is refused."""

    mode = Mode.PARTENAIRE
    openapi_type = "http"
    openapi_scheme = "bearer"
    openapi_description = "Jeton client_credentials (portée api_indemnisationsv1), 25 minutes au plus."

    def __call__(self, request: HttpRequest) -> JetonContexte:
        request = cast(RequeteApi, request)  # ninja's signature; RequestIdMiddleware has seen it
        try:
            return self._authenticate(request)
        except ProblemError as error:
            if error.status in {401, 403}:
                error.headers["WWW-Authenticate"] = _www_authenticate(error)
            acces_enregistrer(
                trace=Trace(
                    request_id=request.request_id,
                    mode=self.mode,
                    resultat=error.code,
                    statut=error.status,
                    client_id=getattr(request, "client_id_journal", ""),
                )
            )
            raise

    def _authenticate(self, request: RequeteApi) -> JetonContexte:
        jeton = jeton_lire(bearer_token(request))
        if jeton is None:
            raise JetonInvalide("Jeton inconnu, expiré ou révoqué.")
        request.client_id_journal = jeton.client_id
        if jeton.user_id is not None:
            raise ScopeInsuffisant("Un jeton de demandeur d'emploi ne donne pas accès à la route serveur à serveur.")
        if SCOPE_PARTENAIRE not in jeton.scopes:
            raise ScopeInsuffisant(f"Le jeton doit porter la portée {SCOPE_PARTENAIRE}.")
        # The client's quota, then its daily number of distinct persons: 429 refusals, journaled above.
        trafic.client_controler(
            request,
            client_id=jeton.client_id,
            quota_par_seconde=jeton.quota_par_seconde,
            volume_journalier=jeton.volume_journalier,
            personne=trafic.personne_du_corps(request),
        )
        return jeton
