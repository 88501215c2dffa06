from django.contrib import admin
from django.http import HttpRequest

from indemnites.federation.models import IdentiteFederee


@admin.register(IdentiteFederee)
class IdentiteFedereeAdmin(admin.ModelAdmin):
    """Remembered matches (provider `sub` → person). Deleting one makes the next sign-in match the civil
    status again (after a registry correction, for instance); nothing is added or edited by hand."""

    list_display = ("fournisseur", "demandeur", "cree_le")
    list_filter = ("fournisseur",)
    readonly_fields = ("fournisseur", "sub", "demandeur", "cree_le")
    list_select_related = ("demandeur",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: IdentiteFederee | None = None) -> bool:
        return False
