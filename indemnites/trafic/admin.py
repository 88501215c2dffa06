from django.contrib import admin

from indemnites.trafic.models import AlerteUsage


@admin.register(AlerteUsage)
class AlerteUsageAdmin(admin.ModelAdmin):
    list_display = ("jour", "client_id", "seuil", "volume_journalier", "refus", "cree_le", "traitee_le")
    list_filter = ("traitee_le", "jour")
    search_fields = ("client_id",)
    readonly_fields = ("client_id", "jour", "seuil", "volume_journalier", "refus", "cree_le")
    fields = (*readonly_fields, "traitee_le", "commentaire")

    def has_add_permission(self, request: object) -> bool:
        return False
