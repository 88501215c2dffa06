from django.contrib import admin
from django.http import HttpRequest

from indemnites.droits.models import DemandeurEmploi, Droit, ImportDroits


class DroitInline(admin.TabularInline):
    model = Droit
    extra = 0
    fields = ("prestation", "organisme", "date_debut", "date_fin", "reference")


@admin.register(DemandeurEmploi)
class DemandeurEmploiAdmin(admin.ModelAdmin):
    # The NIR hash is never shown: it is useless to a person and only helps an attacker.
    list_display = ("identifiant", "nom_naissance", "prenom", "date_naissance", "pseudonyme")
    search_fields = ("identifiant", "nom_naissance")
    fields = ("identifiant", "nom_naissance", "prenom", "date_naissance", "sexe", "email", "pseudonyme")
    readonly_fields = ("pseudonyme",)
    inlines = [DroitInline]


@admin.register(Droit)
class DroitAdmin(admin.ModelAdmin):
    list_display = ("reference", "prestation", "organisme", "date_debut", "date_fin")
    list_filter = ("prestation", "organisme")
    search_fields = ("reference",)
    raw_id_fields = ("demandeur",)


@admin.register(ImportDroits)
class ImportDroitsAdmin(admin.ModelAdmin):
    """Read only: an import's record is what it did, written by `droits_import`."""

    list_display = (
        "debut",
        "fin",
        "organisme",
        "mode",
        "resultat",
        "lignes_lues",
        "lignes_rejetees",
        "droits_crees",
        "droits_modifies",
        "droits_inchanges",
        "droits_supprimes",
        "acteur",
    )
    list_filter = ("organisme", "mode", "resultat")
    date_hierarchy = "debut"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
