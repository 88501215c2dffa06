"""Connected mode (mode A, the historical "Pôle emploi Connect" contract): the connected job seeker's
data, read with the access token they consented to.

`GET /partenaire/peconnect-indemnisations/v1/indemnisation` and `GET /partenaire/peconnect-individu/v1/userinfo`.
A server-to-server token is refused here (403), as a job seeker's token is on the server-to-server route.
"""

import json
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.security.base import AuthBase
from pydantic import Field

from indemnites.api.auth import RequeteApi, bearer_token
from indemnites.api.examples import REPONSES_INDIVIDU
from indemnites.api.preuves import preuve_demandee, reponse_signee
from indemnites.api.schemas import IndemnisationOut, Probleme
from indemnites.api.services import Appel, indemnisation_consulter
from indemnites.core.errors import JetonAbsent, JetonInvalide, ProblemError, ScopeInsuffisant
from indemnites.droits.selectors import Identite, profil_lire
from indemnites.journal.models import Mode
from indemnites.journal.services import Trace, acces_enregistrer
from indemnites.oauth.domain import SCOPES_INDEMNISATION, SCOPES_INDIVIDU, SCOPES_USERINFO
from indemnites.oauth.selectors import JetonContexte, jeton_lire
from indemnites.oauth.services import profil_consulter
from indemnites.preuves.domain import identite_canonique
from indemnites.trafic import http as trafic

router = Router(tags=["Mode connecté (PE Connect)"])

REALM = 'Bearer realm="api-indemnites"'
AUTHORIZE_URL = "/connexion/oauth2/authorize?realm=/individu"
TOKEN_URL = "/connexion/oauth2/access_token?realm=/individu"


class ParametreInvalide(ProblemError):
    status = 400
    code = "parametre-invalide"
    title = "Paramètre invalide"


def _bearer(request: HttpRequest) -> str:
    return bearer_token(
        request, absent="Fournissez le jeton d'accès du demandeur d'emploi dans l'en-tête Authorization: Bearer."
    )


class JetonIndividu(AuthBase):
    """A job seeker's access token (authorization code), carrying `toutes` these scopes or, with
    `une_parmi`, at least one of them. Every refusal is journaled before it is answered."""

    openapi_type = "oauth2"
    openapi_description = "Jeton d'accès du demandeur d'emploi (mode connecté, 10 minutes au plus)."
    openapi_flows = {
        "authorizationCode": {
            "authorizationUrl": AUTHORIZE_URL,
            "tokenUrl": TOKEN_URL,
            "scopes": {scope: scope for scope in SCOPES_INDIVIDU},
        }
    }

    def __init__(self, scopes: frozenset[str], *, une_parmi: bool = False) -> None:
        self.scopes, self.une_parmi = scopes, une_parmi
        super().__init__()

    def __call__(self, request: HttpRequest) -> JetonContexte:
        request = cast(RequeteApi, request)  # ninja's signature; RequestIdMiddleware has seen it
        try:
            return self._authenticate(request)
        except ProblemError as error:
            if error.status in {401, 403}:
                error.headers["WWW-Authenticate"] = self._challenge(error)
            trace = Trace(
                request_id=request.request_id,
                mode=Mode.INDIVIDU,
                resultat=error.code,
                statut=error.status,
                client_id=getattr(request, "client_id_journal", ""),
            )
            acces_enregistrer(trace=trace)
            raise

    def _authenticate(self, request: RequeteApi) -> JetonContexte:
        jeton = jeton_lire(_bearer(request))
        if jeton is None:
            raise JetonInvalide("Jeton inconnu, expiré ou révoqué.")
        request.client_id_journal = jeton.client_id
        if jeton.user_id is None:
            raise ScopeInsuffisant(
                "Un jeton serveur à serveur ne porte le consentement d'aucun demandeur d'emploi : "
                "cette route demande le jeton obtenu par le mode connecté."
            )
        manquantes = self.scopes - jeton.scopes
        if manquantes and (not self.une_parmi or manquantes == self.scopes):
            attendu = " ou ".join(sorted(self.scopes)) if self.une_parmi else " et ".join(sorted(self.scopes))
            raise ScopeInsuffisant(f"Le jeton doit porter la portée {attendu}.")
        # The same per-client quota and abnormal-usage check as the server-to-server route.
        trafic.client_controler(
            request,
            client_id=jeton.client_id,
            quota_par_seconde=jeton.quota_par_seconde,
            volume_journalier=jeton.volume_journalier,
            personne=trafic.personne_usager(jeton.user_id),
        )
        return jeton

    def _challenge(self, error: ProblemError) -> str:
        if isinstance(error, JetonAbsent):
            return REALM
        if isinstance(error, ScopeInsuffisant):
            return f'{REALM}, error="insufficient_scope", scope="{" ".join(sorted(self.scopes))}"'
        return f'{REALM}, error="invalid_token"'


def _json(payload: dict[str, Any]) -> HttpResponse:
    response = HttpResponse(json.dumps(payload, ensure_ascii=False), content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


def _appel(request: RequeteApi, jeton: JetonContexte, *, preuve: bool = False) -> Appel:
    return Appel(
        request_id=request.request_id,
        mode=Mode.INDIVIDU,
        client_id=jeton.client_id,
        champs_accordes=jeton.champs,
        destinataire=jeton.destinataire_principal,
        preuve=preuve,
    )


def _identite_canonique(utilisateur_id: int) -> str:
    """The connected person as the administration knows them: the `sub` of its id_token and userinfo."""
    profil = profil_lire(utilisateur_id=utilisateur_id)
    return identite_canonique(sub=profil.pseudonyme if profil else "")


@router.get(
    "/partenaire/peconnect-indemnisations/v1/indemnisation",
    auth=JetonIndividu(SCOPES_INDEMNISATION),
    response={200: IndemnisationOut, frozenset({401, 403, 404, 406, 429, 503}): Probleme},
    summary="Indemnisation du demandeur d'emploi connecté",
    description=(
        "Portées `api_peconnect-indemnisationsv1` et `indemnisation`. Seules les données accordées au client "
        "sont renvoyées ; l'appel est journalisé avant la réponse."
    ),
    operation_id="indemnisation_individu",
    url_name="peconnect_indemnisation",
    openapi_extra={"responses": REPONSES_INDIVIDU},
)
def indemnisation_individu(request: RequeteApi) -> HttpResponse:
    jeton: JetonContexte = request.auth
    cle = preuve_demandee(request)
    appel = _appel(request, jeton, preuve=cle is not None)
    aujourdhui = timezone.localdate()
    resultat = indemnisation_consulter(
        appel=appel, identite=Identite(utilisateur_id=jeton.user_id), date_reference=aujourdhui
    )
    if cle is None:
        return _json(resultat)
    assert jeton.user_id is not None  # the authenticator refuses a token without a job seeker
    identite = _identite_canonique(jeton.user_id)
    return reponse_signee(cle=cle, appel=appel, date_reference=aujourdhui, donnees=resultat, identite=identite)


class UserInfo(Schema):
    """OpenID Connect claims, as the token's scopes allow (`profile`, `email`)."""

    sub: str = Field(description="Identifiant pseudonyme du demandeur d'emploi, stable pour ce service.")
    given_name: str | None = Field(None, description="Prénom (portée profile).")
    family_name: str | None = Field(None, description="Nom de naissance (portée profile).")
    gender: str | None = Field(
        None, description="`male` ou `female` (portée profile), quand le registre connaît le sexe de la personne."
    )
    email: str | None = Field(None, description="Adresse électronique (portée email).")


SCHEMA_DESCRIPTION = "Accepté comme par PE Connect ; seule valeur permise : `openid` (autre valeur : 400)."
SCHEMA_USERINFO = Query(None, alias="schema", description=SCHEMA_DESCRIPTION)
# Declared in the document as a closed set (see `api.api.VALEURS_FERMEES`); any other value gets 400
# `parametre-invalide`, as PE Connect's userinfo did, rather than ninja's 422.
SCHEMA_VALEURS = ("openid",)


@router.get(
    "/partenaire/peconnect-individu/v1/userinfo",
    auth=JetonIndividu(SCOPES_USERINFO, une_parmi=True),
    response={200: UserInfo, frozenset({400, 401, 403, 404, 429, 503}): Probleme},
    summary="Informations d'identité du demandeur d'emploi connecté (OpenID Connect userinfo)",
    description="Portée `openid` ou `api_peconnect-individuv1` ; `?schema=openid` est accepté comme par PE Connect.",
    operation_id="userinfo_individu",
    url_name="peconnect_userinfo",
)
def userinfo_individu(request: RequeteApi, schema_: str | None = SCHEMA_USERINFO) -> HttpResponse:
    if schema_ is not None and schema_ not in SCHEMA_VALEURS:
        raise ParametreInvalide("Le paramètre schema n'accepte que la valeur openid.")
    jeton: JetonContexte = request.auth
    appel = _appel(request, jeton)
    trace = Trace(
        request_id=appel.request_id,
        mode=appel.mode,
        resultat="donnees-transmises",
        statut=200,
        client_id=appel.client_id,
        destinataire=appel.destinataire,
    )
    assert jeton.user_id is not None  # the authenticator refuses a token without a job seeker
    return _json(profil_consulter(trace=trace, utilisateur_id=jeton.user_id, scopes=jeton.scopes))
