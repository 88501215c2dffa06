from django.contrib import admin
from django.http import HttpRequest

from indemnites.journal.models import Enregistrement


@admin.register(Enregistrement)
class EnregistrementAdmin(admin.ModelAdmin):
    """Read-only: the journal is append-only, nobody edits or deletes a record by hand."""

    list_display = ("horodatage", "mode", "client_id", "destinataire", "resultat", "statut", "reference_dossier")
    list_filter = ("mode", "resultat", "statut")
    search_fields = ("client_id", "request_id", "reference_dossier", "sujet")
    date_hierarchy = "horodatage"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Enregistrement | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Enregistrement | None = None) -> bool:
        return False
