from django.contrib import admin

from indemnites.droits.models import DemandeurEmploi, Droit


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
