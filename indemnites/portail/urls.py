from django.urls import URLPattern, URLResolver, path

from indemnites.portail import views

app_name = "portail"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.accueil, name="accueil"),
    path("documentation/", views.documentation, name="documentation"),
    path("documentation/<slug:page>/", views.documentation, name="documentation_page"),
    path("bac-a-sable/", views.bac_a_sable, name="bac_a_sable"),
    path("api/docs", views.swagger, name="swagger"),
]
