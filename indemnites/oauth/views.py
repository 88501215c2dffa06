"""OAuth endpoints: django-oauth-toolkit's, with the historical `realm` checked first and the job
seeker's pages (consent, logout) in the State design system."""

import copy
import json
from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider import views as dot_views
from oauth2_provider.exceptions import LogoutDenied, OAuthToolkitError
from oauth2_provider.http import OAuth2ResponseRedirect
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.views.mixins import OAuthLibMixin
from oauthlib.common import Request as OauthlibRequest
from oauthlib.common import add_params_to_uri
from oauthlib.oauth2.rfc6749.errors import InvalidRequestError
from oauthlib.openid.connect.core.exceptions import ConsentRequired, LoginRequired

from indemnites.droits.domain import LIBELLES_DONNEES
from indemnites.droits.selectors import profil_lire
from indemnites.exploitation.metriques import scopes_retires_compter
from indemnites.oauth.compte import deconnexion_amont
from indemnites.oauth.domain import (
    SCOPES_INDEMNISATION,
    connexion_trop_ancienne,
    description_oauth,
    donnees_demandees,
    max_age_erreur,
    pkce_erreur,
    realm_erreur,
    scopes_non_servis_retirer,
)
from indemnites.oauth.models import Application, Decision
from indemnites.oauth.selectors import client_presenter, consentement_couvre, jeton_introspecter
from indemnites.oauth.services import consentement_enregistrer, jetons_utilisateur_revoquer
from indemnites.trafic.http import limiter_jeton


def oauth_error(error: str, description: str, status: int = 400) -> HttpResponse:
    """RFC 6749 §5.2 error body; OAuth endpoints keep it rather than problem+json."""
    body = json.dumps({"error": error, "error_description": description_oauth(description)})
    response = HttpResponse(body, status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(limiter_jeton, name="post")  # per address and per client_id: 429 `slow_down`
class TokenView(dot_views.TokenView):
    """`POST /connexion/oauth2/access_token?realm=…`: the realm goes in the query string."""

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        erreur = realm_erreur(request.GET.get("realm"), request.POST.get("grant_type"))
        if erreur:
            return oauth_error("invalid_request", erreur)
        _drop_realm(request)
        return super().post(request, *args, **kwargs)


def _drop_realm(request: HttpRequest) -> None:
    """oauthlib refuses any query parameter on the token endpoint; `realm` has been checked."""
    query = request.GET.copy()
    query.pop("realm", None)
    request.META["QUERY_STRING"] = query.urlencode()
    request.GET = query  # type: ignore[assignment]  # django-stubs types the request's QueryDict immutable; ours replaces it


def _sans(query: QueryDict, *noms: str) -> QueryDict:
    copie = query.copy()
    for nom in noms:
        copie.pop(nom, None)
    return copie


def _origine(uri: str) -> str:
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc}"


# Authorization errors shown to the job seeker (never redirected: the client or its address is unknown).
MESSAGES_ERREUR = {
    "invalid_client_id": "Le service qui vous a envoyé ici n'est pas connu.",
    "invalid_redirect_uri": "L'adresse de retour demandée n'est pas enregistrée pour ce service.",
    "mismatching_redirect_uri": "L'adresse de retour demandée n'est pas enregistrée pour ce service.",
    "missing_redirect_uri": "L'adresse de retour du service est absente.",
}


# The consent form's hidden fields: the authorization request as the GET validated it.
CHAMPS_DEMANDE = (
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "claims",
    "resource",
)


def _demande_du_formulaire(request: HttpRequest) -> HttpRequest:
    """The consent POST as the GET that showed the form: its hidden fields, plus the URL's `realm`, so
    the POST goes through the very checks of the GET (a tampered field gets the same error)."""
    params = QueryDict(mutable=True)
    for nom in CHAMPS_DEMANDE:
        if request.POST.get(nom):
            params[nom] = request.POST[nom]
    if "realm" in request.GET:
        params["realm"] = request.GET["realm"]
    demande = copy.copy(request)
    demande.method = "GET"
    demande.GET = params  # type: ignore[assignment]  # django-stubs types the request's QueryDict immutable; ours replaces it
    demande.POST = QueryDict()
    demande.META = {**request.META, "REQUEST_METHOD": "GET", "QUERY_STRING": params.urlencode()}
    return demande


@method_decorator(never_cache, name="dispatch")
class AutorisationView(dot_views.AuthorizationView):
    """`GET /connexion/oauth2/authorize?realm=/individu&…`: the request is checked before anyone logs
    in (client, redirect URI, realm, PKCE S256, scopes) and again when the consent form comes back; then
    `prompt` and `max_age` (OpenID Connect Core §3.1.2.1); then the consent page, where each decision is
    recorded. Every redirection back to the client carries `iss` (RFC 9207), errors included."""

    template_name = "oauth/consentement.html"
    login_url = reverse_lazy("oauth:connexion")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.oauth2_data: dict[str, Any] = {}
        # Consent is asked every time. (type: the request's QueryDict replaced, as in _drop_realm)
        request.GET = _sans(request.GET, "approval_prompt")  # type: ignore[assignment]  # a replaced QueryDict
        if request.method == "POST":
            refus = self._refus(_demande_du_formulaire(request))
            if refus is not None:
                return refus
        if request.method == "GET":
            reponse = self._refus(request) or self._prompt(request)
            if reponse is not None:
                return reponse
        if request.user.is_authenticated and profil_lire(utilisateur_id=request.user.pk) is None:
            # An agent's or an administrator's session is no job seeker's.
            return redirect_to_login(request.get_full_path(), resolve_url(self.login_url))
        return super().dispatch(request, *args, **kwargs)

    def _refus(self, request: HttpRequest) -> HttpResponse | None:
        try:
            scopes, credentials = self.validate_authorization_request(request)
        except OAuthToolkitError as error:
            return self.error_response(error, application=None)
        self.demande = (scopes, credentials)
        description = (
            realm_erreur(request.GET.get("realm"), "authorization_code")
            or pkce_erreur(credentials.get("code_challenge"), credentials.get("code_challenge_method"))
            or max_age_erreur(request.GET.get("max_age"))
        )
        if description is None:
            return None
        erreur = InvalidRequestError(description=description_oauth(description), state=credentials.get("state"))
        return self._erreur_client(erreur, credentials)

    def _erreur_client(self, erreur: Any, credentials: dict[str, Any]) -> HttpResponse:
        """An error sent back to the client's (validated) redirect URI."""
        application = Application.objects.get(client_id=credentials["client_id"])
        return self.error_response(OAuthToolkitError(erreur, redirect_uri=credentials["redirect_uri"]), application)

    # --- prompt and max_age -----------------------------------------------------------------------

    def _prompt(self, request: HttpRequest) -> HttpResponse | None:
        prompt = set(request.GET.get("prompt", "").split())
        if "none" in prompt:
            return self._silencieux(request)
        if "login" in prompt or (request.user.is_authenticated and self._connexion_trop_ancienne(request)):
            # A fresh login: the current session ends first, so the old one cannot stand in for it.
            logout(request)
            suivant = f"{request.path}?{_sans(request.GET, 'prompt', 'max_age').urlencode()}"
            return redirect_to_login(suivant, resolve_url(self.login_url))
        return None

    def _connexion_trop_ancienne(self, request: HttpRequest) -> bool:
        max_age = request.GET.get("max_age")
        return max_age is not None and connexion_trop_ancienne(
            derniere_connexion=getattr(request.user, "last_login", None),
            maintenant=timezone.now(),
            max_age=int(max_age),
        )

    def _silencieux(self, request: HttpRequest) -> HttpResponse:
        """`prompt=none`: a code when the person is logged in (recently enough) and has already consented
        to these scopes; otherwise `login_required` or `consent_required`, never a page."""
        scopes, credentials = self.demande
        credentials = {**credentials}
        utilisateur = request.user
        if (
            not utilisateur.is_authenticated
            or profil_lire(utilisateur_id=utilisateur.pk) is None
            or self._connexion_trop_ancienne(request)
        ):
            return self._erreur_client(LoginRequired(state=credentials.get("state")), credentials)
        application = Application.objects.get(client_id=credentials["client_id"])
        if not consentement_couvre(utilisateur_id=utilisateur.pk, application=application, scopes=frozenset(scopes)):
            return self._erreur_client(ConsentRequired(state=credentials.get("state")), credentials)
        try:
            # No new decision to record: the code rests on the consent already given.
            uri, *_ = OAuthLibMixin.create_authorization_response(self, request, " ".join(scopes), credentials, True)
        except OAuthToolkitError as error:
            return self.error_response(error, application)
        scopes_retires_compter(_scopes_retires(request))
        return self.redirect(uri, application)

    # --- answers ----------------------------------------------------------------------------------

    def error_response(self, error: OAuthToolkitError, application: Any, **kwargs: Any) -> HttpResponse:
        redirect, reponse = OAuthLibMixin.error_response(self, error, **kwargs)
        if redirect:
            issuer = oauth2_settings.oauth2_authorization_server_issuer(self.request)
            return self.redirect(add_params_to_uri(reponse["url"], [("iss", issuer)]), application)
        code = reponse["error"].error
        message = MESSAGES_ERREUR.get(code, "La demande d'autorisation du service est invalide.")
        contexte = {"titre": "Demande d'autorisation invalide", "message": message, "code": code}
        return render(self.request, "oauth/erreur.html", contexte, status=reponse["error"].status_code)

    def form_valid(self, form: Any) -> HttpResponse:
        if not Application.objects.filter(client_id=form.cleaned_data["client_id"]).exists():
            contexte = {"titre": "Demande d'autorisation invalide", "message": MESSAGES_ERREUR["invalid_client_id"]}
            return render(self.request, "oauth/erreur.html", contexte, status=400)
        return super().form_valid(form)

    def create_authorization_response(
        self, request: HttpRequest, scopes: str, credentials: dict[str, Any], allow: bool
    ) -> tuple[Any, ...]:
        """Records the job seeker's decision (with the catalogue scopes dropped from the request, also
        counted once per decision): a refusal ends in an `access_denied` redirect, without a code."""
        application = Application.objects.get(client_id=credentials["client_id"])
        portees = scopes.split() if scopes else []
        decision = {
            "utilisateur_id": request.user.pk,
            "application": application,
            "scopes": portees,
            "scopes_retires": _scopes_retires(request),
        }
        try:
            resultat = super().create_authorization_response(request, scopes, credentials, allow)
        except OAuthToolkitError:
            if not allow:
                consentement_enregistrer(decision=Decision.REFUSEE, **decision)
                scopes_retires_compter(decision["scopes_retires"])
            raise
        consentement_enregistrer(decision=Decision.ACCORDEE, **decision)
        scopes_retires_compter(decision["scopes_retires"])
        return resultat

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        contexte = super().get_context_data(**kwargs)
        application = kwargs.get("application")
        if application is not None:
            presentation = client_presenter(application=application)
            scopes = frozenset(kwargs.get("scopes", ()))
            donnees = donnees_demandees(scopes, presentation.champs)
            contexte.update(
                titre="Autoriser l'accès à vos données",
                presentation=presentation,
                donnees=[LIBELLES_DONNEES[donnee] for donnee in donnees],
                indemnisation=SCOPES_INDEMNISATION <= scopes,
            )
        return contexte

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)
        if context.get("redirect_uri"):
            # The consent form's answer is a redirect to the client: the CSP must let the form go there.
            response._csp_update = {"form-action": [_origine(context["redirect_uri"])]}
        return response


def _scopes_retires(request: HttpRequest) -> list[str]:
    """The catalogue scopes of the request's URL that this service drops."""
    return scopes_non_servis_retirer(request.GET.get("scope", "").split())[1]


@method_decorator(csrf_exempt, name="dispatch")
class RevocationView(dot_views.RevokeTokenView):
    """RFC 7009 `POST /connexion/oauth2/token/revoke`: a client revokes its own tokens only (DOT scopes
    the lookup to the authenticated client); `realm` may be sent as on the token endpoint."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _drop_realm(request)
        return super().post(request, *args, **kwargs)


@method_decorator(csrf_exempt, name="dispatch")
class IntrospectionView(OAuthLibMixin, View):
    """RFC 7662 `POST /connexion/oauth2/introspect`: the caller authenticates as a client (HTTP Basic or
    form body), and learns about its own tokens only: another client's token, or an unknown, expired or
    revoked one, is `{"active": false}`. No GET: a token never travels in a URL."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _drop_realm(request)
        application = self._client(request)
        if application is None:
            response = oauth_error("invalid_client", "Authentification du client requise.", status=401)
            response["WWW-Authenticate"] = 'Basic realm="api-indemnites"'
            return response
        token = request.POST.get("token")
        if not token:
            return oauth_error("invalid_request", "Paramètre token manquant.")
        response = JsonResponse(jeton_introspecter(token=token, application=application))
        response["Cache-Control"] = "no-store"
        return response

    def _client(self, request: HttpRequest) -> Application | None:
        core = self.get_oauthlib_core()
        uri, method, body, headers = core._extract_params(request)
        oauthlib_request = OauthlibRequest(uri, method, body, headers)
        if not core.server.request_validator.authenticate_client(oauthlib_request):
            return None
        return oauthlib_request.client


class DecouverteView(dot_views.ConnectDiscoveryInfoView):
    """`/.well-known/openid-configuration`, with the routes of the PE Connect contract: the realm is part
    of the authorization and token endpoints, userinfo is the API's route; introspection and revocation
    are listed too."""

    AJOUTS = (("introspection_endpoint", "introspect"), ("revocation_endpoint", "revoke-token"))

    def _get_endpoint_url(self, request: HttpRequest, view_name: str, required: bool = False) -> str | None:
        if view_name == "user-info":
            return self._absolue(request, reverse("api:peconnect_userinfo"))
        url = super()._get_endpoint_url(request, view_name, required)
        if view_name in ("authorize", "token"):
            return f"{url}?realm=/individu"
        return url

    def _absolue(self, request: HttpRequest, path: str) -> str:
        issuer = oauth2_settings.OIDC_ISS_ENDPOINT
        if not issuer:
            return request.build_absolute_uri(path)
        parts = urlsplit(issuer)
        return f"{parts.scheme}://{parts.netloc}{path}"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        data = json.loads(super().get(request, *args, **kwargs).content)
        data["grant_types_supported"] = ["authorization_code", "refresh_token"]
        data["id_token_signing_alg_values_supported"] = ["RS256"]  # every connected-mode client signs RS256
        data["claims_supported"] = sorted(data["claims_supported"])
        methodes = oauth2_settings.OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED
        for cle, nom in self.AJOUTS:
            data[cle] = self._get_endpoint_url(request, nom, required=True)
            data[cle.replace("_endpoint", "_endpoint_auth_methods_supported")] = methodes
        response = JsonResponse(data)
        response["Access-Control-Allow-Origin"] = "*"
        return response


# Logout errors, in the job seeker's words.
MESSAGES_DECONNEXION = {
    "ClientIdMissmatch": "Le jeton d'identité ne correspond pas au service indiqué.",
    "InvalidOIDCClientError": "Le service qui vous a envoyé ici n'est pas connu.",
    "InvalidOIDCRedirectURIError": "L'adresse de retour demandée n'est pas enregistrée pour ce service.",
    "InvalidIDTokenError": "Le jeton d'identité fourni est invalide, expiré ou révoqué.",
}


class DeconnexionView(dot_views.RPInitiatedLogoutView):
    """`/compte/deconnexion?id_token_hint=…&redirect_uri=…`: OpenID Connect RP-initiated logout under PE
    Connect's names (`redirect_uri` stands for `post_logout_redirect_uri`). The redirection goes only to
    a URI registered for the client; the tokens the person gave are revoked."""

    template_name = "oauth/deconnexion.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.GET = _alias_redirect_uri(request.GET)  # type: ignore[assignment]  # django-stubs types the request's QueryDict immutable; ours replaces it
        request.POST = _alias_redirect_uri(request.POST)  # type: ignore[assignment]  # django-stubs types the request's QueryDict immutable; ours replaces it
        return super().dispatch(request, *args, **kwargs)

    def error_response(self, error: Any) -> HttpResponse:
        if isinstance(error, LogoutDenied):
            messages.info(self.request, "Vous êtes resté connecté.")
            return redirect("oauth:autorisations")
        message = MESSAGES_DECONNEXION.get(type(error).__name__, "La demande de déconnexion est invalide.")
        contexte = {"titre": "Déconnexion impossible", "message": message}
        return render(self.request, "oauth/erreur.html", contexte, status=error.status_code)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "titre": "Se déconnecter"}

    def do_logout(
        self, application: Any = None, uri: str | None = None, state: str | None = None, token_user: Any = None
    ) -> HttpResponse:
        """DOT's logout, except that without a registered URI to go back to, the job seeker lands on our
        login page (DOT would build an absolute URL of this site)."""
        utilisateur = token_user or self.request.user
        if utilisateur.is_authenticated:
            jetons_utilisateur_revoquer(utilisateur_id=utilisateur.pk)
        destination = add_params_to_uri(uri, [("state", state)]) if uri and state else uri
        # Signed in through FranceConnect: its session is closed too, then the browser comes back here.
        if (chaine := deconnexion_amont(self.request, destination=destination)) is not None:
            return chaine
        logout(self.request)
        if not destination:
            messages.info(self.request, "Vous êtes déconnecté.")
            return redirect("oauth:connexion")
        return OAuth2ResponseRedirect(destination, application.get_allowed_schemes())

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)
        uri = self.oidc_data.get("post_logout_redirect_uri")
        if uri:  # validated against the client's registered URIs before the page is shown
            response._csp_update = {"form-action": [_origine(uri)]}
        return response


def _alias_redirect_uri(query: QueryDict) -> QueryDict:
    if "redirect_uri" not in query or "post_logout_redirect_uri" in query:
        return query
    copie = query.copy()
    copie["post_logout_redirect_uri"] = copie.pop("redirect_uri")[-1]
    return copie
