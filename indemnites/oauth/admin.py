from django.contrib import admin
from django.http import HttpRequest
from oauth2_provider.admin import ApplicationAdmin

from indemnites.oauth.models import Application, Consentement


class ClientAdmin(ApplicationAdmin):
    list_display = ("name", "client_id", "authorization_grant_type", "actif", "pkce_exempte", "refresh_autorise")
    list_filter = ("actif", "authorization_grant_type", "pkce_exempte", "refresh_autorise")
    search_fields = ("name", "client_id")


# django-oauth-toolkit registers the swapped model with its own admin; ours shows our fields.
if admin.site.is_registered(Application):
    admin.site.unregister(Application)
admin.site.register(Application, ClientAdmin)


@admin.register(Consentement)
class ConsentementAdmin(admin.ModelAdmin):
    """The job seekers' decisions: a record, never edited by hand."""

    list_display = ("horodatage", "application", "decision")
    list_filter = ("decision",)
    date_hierarchy = "horodatage"
    list_select_related = ("application",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Consentement | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Consentement | None = None) -> bool:
        return False
