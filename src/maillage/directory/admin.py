from django.contrib import admin

from maillage.accounts.admin_history import HistoryAdminMixin

from . import models


@admin.register(models.Typology)
class TypologyAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["label", "code", "family", "theme", "age_min", "age_max", "childcare"]
    list_filter = ["theme", "childcare"]
    search_fields = ["label", "code"]


@admin.register(models.Organisation)
class OrganisationAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "siret"]
    list_filter = ["kind"]
    search_fields = ["name", "siret"]


class ServiceInline(admin.StackedInline):
    model = models.Service
    extra = 0


@admin.register(models.Structure)
class StructureAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "typology", "commune", "position_precision", "source", "published"]
    list_filter = ["territory", "typology", "position_precision", "published", "source"]
    search_fields = ["name", "uai", "siret", "finess", "address"]
    filter_horizontal = ["zones"]
    inlines = [ServiceInline]


@admin.register(models.Service)
class ServiceAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "structure", "capacity", "age_min", "age_max", "published"]
    list_filter = ["published"]
    search_fields = ["name", "structure__name"]
