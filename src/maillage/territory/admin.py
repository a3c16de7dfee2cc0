from django.contrib import admin

from maillage.accounts.admin_history import HistoryAdminMixin

from . import models
from .services import territory_touch


@admin.register(models.Territory)
class TerritoryAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "period_start", "period_end"]
    filter_horizontal = ["communes", "neighbours"]
    # Bumped by every write, never typed: a form posting back the version it was loaded with
    # would rewind it and bring back computations cached for an older state.
    readonly_fields = ["data_version"]

    def save_related(self, request, form, formsets, change):  # noqa: ANN001, ANN201
        super().save_related(request, form, formsets, change)
        territory_touch(territory=form.instance)  # communes and neighbours shape the zones


@admin.register(models.Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "insee_code", "population", "population_vintage"]
    search_fields = ["name", "insee_code"]
    exclude = ["boundary"]


@admin.register(models.Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "zone_type", "commune"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    exclude = ["boundary"]


@admin.register(models.PopulationCell)
class PopulationCellAdmin(admin.ModelAdmin):
    list_display = ["cell_id", "population", "imputed", "poverty_share", "commune"]
    list_filter = ["imputed", "commune"]
    exclude = ["boundary"]


@admin.register(models.Statistic)
class StatisticAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["label", "value", "unit", "vintage", "source", "territory", "commune", "zone"]
    list_filter = ["vintage", "theme"]
    search_fields = ["label", "key", "source"]


@admin.register(models.DatasetSource)
class DatasetSourceAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["title", "path", "producer", "licence", "vintage"]
