"""Read-only: the journals are append-only, nobody edits or deletes a record by hand. Reading the access
journal here is itself written to the administrative journal (CNIL: privileged access to logs is traced)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from indemnites.journal.models import ActionAdministrative, Enregistrement, PointDeControle
from indemnites.journal.services import action_enregistrer


class LectureSeuleAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Enregistrement)
class EnregistrementAdmin(LectureSeuleAdmin):
    list_display = (
        "rang",
        "horodatage",
        "mode",
        "client_id",
        "destinataire",
        "resultat",
        "statut",
        "reference_dossier",
        "preuve",
    )
    list_filter = ("mode", "resultat", "statut", "preuve")
    search_fields = ("client_id", "request_id", "reference_dossier", "sujet", "habilitation")
    date_hierarchy = "horodatage"

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        action_enregistrer(
            acteur=request.user,
            action="journal_consultation",
            objet="journal des accès (liste)",
            details={"filtres": request.GET.urlencode()},
        )
        return super().changelist_view(request, extra_context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        action_enregistrer(
            acteur=request.user, action="journal_consultation", objet=f"journal des accès (enregistrement {object_id})"
        )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(ActionAdministrative)
class ActionAdministrativeAdmin(LectureSeuleAdmin):
    list_display = ("rang", "horodatage", "acteur", "action", "objet")
    list_filter = ("action",)
    search_fields = ("acteur", "objet", "request_id")
    date_hierarchy = "horodatage"


@admin.register(PointDeControle)
class PointDeControleAdmin(LectureSeuleAdmin):
    list_display = ("journal", "numero", "rang", "horodatage", "cle")
    list_filter = ("journal",)
