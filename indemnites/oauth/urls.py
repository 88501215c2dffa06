from django.urls import URLPattern, URLResolver, path

from indemnites.oauth.views import TokenView

app_name = "oauth"
urlpatterns: list[URLPattern | URLResolver] = [
    path("connexion/oauth2/access_token", TokenView.as_view(), name="token"),
]
