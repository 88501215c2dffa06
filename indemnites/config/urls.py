from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import path
from ninja.openapi.docs import Redoc

from indemnites.api.api import api
from indemnites.oauth.views import TokenView


def redoc(request: HttpRequest) -> HttpResponse:
    """Redoc beside Swagger UI; both served from ninja's bundled assets, never a CDN."""
    return Redoc().render_page(request, api)


urlpatterns = [
    path("connexion/oauth2/access_token", TokenView.as_view(), name="oauth-token"),
    path("api/redoc", redoc, name="api-redoc"),
    path("admin/", admin.site.urls),
    path("", api.urls),
]
