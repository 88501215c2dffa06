from django.contrib import admin
from django.urls import include, path

from indemnites.api.api import api
from indemnites.portail.views import redoc, redoc_bundle

urlpatterns = [
    path("", include("indemnites.oauth.urls")),
    path("", include("indemnites.exploitation.urls")),
    path("", include("indemnites.habilitations.urls")),
    path("", include("indemnites.trafic.urls")),
    path("", include("indemnites.journal.urls")),
    path("", include("indemnites.preuves.urls")),
    # Redoc beside ninja's Swagger UI, from ninja's bundled asset (no CDN), started without inline script.
    path("api/redoc", redoc, name="api-redoc"),
    path("api/redoc.js", redoc_bundle, name="api-redoc-bundle"),
    path("admin/", admin.site.urls),
    # The portal's pages (catalogue home, documentation, sandbox): before the API, whose URLs hold a
    # root view of their own ("api-root") that would otherwise answer 404 for the home page.
    path("", include("indemnites.portail.urls")),
    path("", api.urls),
]
