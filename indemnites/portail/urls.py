from django.urls import URLPattern, URLResolver, path

from indemnites.portail import views

app_name = "portail"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.accueil, name="accueil"),
    path("documentation/", views.documentation, name="documentation"),
    path("documentation/<slug:page>/", views.documentation, name="documentation_page"),
    path("bac-a-sable/", views.bac_a_sable, name="bac_a_sable"),
    path("bac-a-sable/mode-connecte/", views.demo_connecte_demarrer, name="demo_connecte"),
    path("bac-a-sable/mode-connecte/retour", views.demo_connecte_retour, name="demo_connecte_retour"),
    path("api/docs", views.swagger, name="swagger"),
    path("accessibilite/", views.page_juridique, {"page": "accessibilite"}, name="accessibilite"),
    path("mentions-legales/", views.page_juridique, {"page": "mentions_legales"}, name="mentions_legales"),
    path("donnees-personnelles/", views.page_juridique, {"page": "donnees_personnelles"}, name="donnees_personnelles"),
    path("cgu/", views.page_juridique, {"page": "cgu"}, name="cgu"),
    path("plan-du-site/", views.page_juridique, {"page": "plan"}, name="plan"),
]
