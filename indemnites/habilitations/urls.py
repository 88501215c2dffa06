from django.urls import URLPattern, URLResolver, path

from indemnites.habilitations import views

app_name = "habilitations"
urlpatterns: list[URLPattern | URLResolver] = [
    path("acces/", views.eligibilite_vue, name="eligibilite"),
    path("habilitations/espace/", views.espace, name="espace"),
    path("habilitations/", views.tableau_de_bord, name="tableau_de_bord"),
    path("habilitations/compte/inscription/", views.inscription, name="inscription"),
    path("habilitations/compte/verifier/<str:jeton>/", views.verifier, name="verifier"),
    path("habilitations/compte/connexion/", views.connexion, name="connexion"),
    path("habilitations/compte/deconnexion/", views.deconnexion, name="deconnexion"),
    path("habilitations/compte/proconnect/", views.proconnect_connexion, name="proconnect"),
    path("habilitations/compte/proconnect/retour/", views.proconnect_retour, name="proconnect_retour"),
    path("habilitations/compte/proconnect/deconnexion/", views.proconnect_deconnexion, name="proconnect_deconnexion"),
    path("habilitations/demandes/nouvelle/", views.demande_nouvelle, name="demande_nouvelle"),
    path("habilitations/demandes/<int:pk>/", views.demande_detail, name="demande"),
    path("habilitations/demandes/<int:pk>/modifier/", views.demande_modifier, name="demande_modifier"),
    path("habilitations/demandes/<int:pk>/document/", views.demande_document, name="demande_document"),
    path("habilitations/demandes/<int:pk>/action/", views.demande_action, name="demande_action"),
    path("habilitations/demandes/<int:pk>/messages/", views.message, name="message"),
    path("habilitations/demandes/<int:pk>/identifiants/", views.identifiants, name="identifiants"),
    path(
        "habilitations/demandes/<int:pk>/identifiants/renouveler/",
        views.identifiants_renouveler,
        name="identifiants_renouveler",
    ),
    path("habilitations/demandes/<int:pk>/prolonger/", views.prolonger, name="prolonger"),
    path("habilitations/publiques/", views.publiques, name="publiques"),
    path("habilitations/publiques.json", views.publiques_json, name="publiques_json"),
    path("habilitations/publiques.csv", views.publiques_csv, name="publiques_csv"),
    path("instruction/", views.instruction, name="instruction"),
    path("instruction/demandes/<int:pk>/", views.instruction_demande, name="instruction_demande"),
]
