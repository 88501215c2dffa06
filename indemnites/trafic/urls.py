from django.urls import URLPattern, URLResolver

app_name = "trafic"
urlpatterns: list[URLPattern | URLResolver] = []
