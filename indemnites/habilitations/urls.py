from django.urls import URLPattern, URLResolver

app_name = "habilitations"
urlpatterns: list[URLPattern | URLResolver] = []
