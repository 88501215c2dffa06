"""Django admin for administrators: organisations and roles editable; history and snapshots read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from indemnites.habilitations.models import (
    Agent,
    Appartenance,
    AvisExpiration,
    Demande,
    Evenement,
    Habilitation,
    Message,
    Organisation,
)


class LectureSeule(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AppartenanceInline(admin.TabularInline):
    model = Appartenance
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("nom", "siret", "cree_le")
    search_fields = ("nom", "siret")


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):
    list_display = ("user", "courriel_verifie_le", "instructeur", "administrateur")
    list_filter = ("instructeur", "administrateur")
    search_fields = ("user__email", "user__last_name")
    inlines = [AppartenanceInline]
    readonly_fields = ("user", "courriel_verifie_le")

    def save_model(self, request: HttpRequest, obj: Agent, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # Administrators run this admin: the role and Django's staff flag stay in step.
        obj.user.is_staff = obj.user.is_superuser = obj.administrateur
        obj.user.save(update_fields=["is_staff", "is_superuser"])


@admin.register(Demande)
class DemandeAdmin(LectureSeule):
    list_display = ("__str__", "organisation", "etat", "reouverture", "modifie_le")
    list_filter = ("etat", "reouverture", "profil")
    search_fields = ("organisation__nom", "organisation__siret")


@admin.register(Habilitation)
class HabilitationAdmin(LectureSeule):
    list_display = ("__str__", "organisation_nom", "organisation_siret", "statut", "validee_le")
    list_filter = ("statut",)


@admin.register(Evenement)
class EvenementAdmin(LectureSeule):
    list_display = ("horodatage", "demande", "quoi", "auteur")
    list_filter = ("quoi",)


@admin.register(Message)
class MessageAdmin(LectureSeule):
    list_display = ("horodatage", "demande", "auteur", "de_l_instruction")


@admin.register(AvisExpiration)
class AvisExpirationAdmin(LectureSeule):
    list_display = ("application", "seuil", "expire_le", "envoye_le")
