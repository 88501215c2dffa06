"""OAuth endpoints: django-oauth-toolkit's, with the historical `realm` checked first."""

import json

from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider import views as dot_views

from indemnites.oauth.domain import realm_erreur


def oauth_error(error: str, description: str, status: int = 400) -> HttpResponse:
    """RFC 6749 §5.2 error body; OAuth endpoints keep it rather than problem+json."""
    body = json.dumps({"error": error, "error_description": description}, ensure_ascii=False)
    response = HttpResponse(body, status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


@method_decorator(csrf_exempt, name="dispatch")
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
    request.GET = query
