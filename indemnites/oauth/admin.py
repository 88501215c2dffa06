from django.contrib import admin
from oauth2_provider.admin import ApplicationAdmin

from indemnites.oauth.models import Application


class ClientAdmin(ApplicationAdmin):
    list_display = ("name", "client_id", "actif", "pkce_exempte")
    list_filter = ("actif", "pkce_exempte")
    search_fields = ("name", "client_id")


# django-oauth-toolkit registers the swapped model with its own admin; ours shows our fields.
if admin.site.is_registered(Application):
    admin.site.unregister(Application)
admin.site.register(Application, ClientAdmin)
