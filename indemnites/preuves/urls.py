from django.urls import path

from indemnites.preuves import views

app_name = "preuves"

urlpatterns = [
    path("preuves/jwks.json", views.jwks, name="jwks"),
    path("preuves/verifier", views.verifier, name="verifier"),
]
