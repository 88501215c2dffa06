from django.urls import URLPattern, URLResolver

app_name = "portail"
urlpatterns: list[URLPattern | URLResolver] = []
