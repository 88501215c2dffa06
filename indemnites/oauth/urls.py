"""Routes of the PE Connect contract and of the job seeker's account.

The protocol endpoints keep django-oauth-toolkit's URL names in its `oauth2_provider` namespace, which its
discovery document and `iss` computation look up; the job seeker's pages are in `oauth`.
"""

from django.urls import URLPattern, URLResolver, include, path
from oauth2_provider import views as dot_views

from indemnites.oauth import compte, views

protocole: list[URLPattern | URLResolver] = [
    path("connexion/oauth2/authorize", views.AutorisationView.as_view(), name="authorize"),
    path("connexion/oauth2/access_token", views.TokenView.as_view(), name="token"),
    path("connexion/oauth2/introspect", views.IntrospectionView.as_view(), name="introspect"),
    path("connexion/oauth2/token/revoke", views.RevocationView.as_view(), name="revoke-token"),
    path("connexion/oauth2/connect/jwk_uri", dot_views.JwksInfoView.as_view(), name="jwks-info"),
    path(".well-known/openid-configuration", views.DecouverteView.as_view(), name="oidc-connect-discovery-info"),
    path("compte/deconnexion", views.DeconnexionView.as_view(), name="rp-initiated-logout"),
]

pages: list[URLPattern | URLResolver] = [
    path("compte/", compte.EspaceView.as_view(), name="espace"),
    path("compte/connexion", compte.ConnexionView.as_view(), name="connexion"),
    path("compte/connexion/franceconnect", compte.ConnexionAmontView.as_view(), name="connexion-amont"),
    path("compte/connexion/retour", compte.ConnexionRetourView.as_view(), name="connexion-retour"),
    path("compte/deconnexion/retour", compte.DeconnexionRetourView.as_view(), name="deconnexion-retour"),
    path("compte/autorisations", compte.AutorisationsView.as_view(), name="autorisations"),
    path(
        "compte/autorisations/<str:client_id>/retirer",
        compte.AutorisationRetirerView.as_view(),
        name="autorisation-retirer",
    ),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include((protocole, "oauth2_provider"))),
    path("", include((pages, "oauth"))),
]
