from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from ninja.openapi.docs import Redoc

from indemnites.api.api import api


def redoc(request: HttpRequest) -> HttpResponse:
    """Redoc beside Swagger UI; both served from ninja's bundled assets, never a CDN."""
    return Redoc().render_page(request, api)


urlpatterns = [
    path("", include("indemnites.oauth.urls")),
    path("", include("indemnites.exploitation.urls")),
    path("", include("indemnites.habilitations.urls")),
    path("", include("indemnites.trafic.urls")),
    path("api/redoc", redoc, name="api-redoc"),
    path("admin/", admin.site.urls),
    path("", api.urls),
    # Last: the portal's pages (catalogue home, documentation, sandbox).
    path("", include("indemnites.portail.urls")),
]
