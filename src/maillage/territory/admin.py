from django.contrib import admin
from django.db.models import Q

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


class TouchAdminMixin:
    """Edits bump the data version of the territories concerned (:meth:`territories`): the
    search index, the cards and the cached pages read commune and zone names and codes, and
    are kept as long as the version does not change."""

    def territories(self, obj):  # noqa: ANN001, ANN201
        raise NotImplementedError

    def _touch(self, territories) -> None:  # noqa: ANN001
        for territory in territories:
            territory_touch(territory=territory)

    def save_model(self, request, obj, form, change):  # noqa: ANN001, ANN201
        super().save_model(request, obj, form, change)
        self._touch(self.territories(obj))

    def delete_model(self, request, obj):  # noqa: ANN001, ANN201
        concerned = list(self.territories(obj))
        super().delete_model(request, obj)
        self._touch(concerned)

    def delete_queryset(self, request, queryset):  # noqa: ANN001, ANN201
        concerned = {t.pk: t for obj in queryset for t in self.territories(obj)}
        super().delete_queryset(request, queryset)
        self._touch(concerned.values())


@admin.register(models.Commune)
class CommuneAdmin(TouchAdminMixin, admin.ModelAdmin):
    list_display = ["name", "insee_code", "population", "population_vintage"]
    search_fields = ["name", "insee_code"]
    exclude = ["boundary"]

    def territories(self, obj):  # noqa: ANN001, ANN201
        return models.Territory.objects.filter(Q(communes=obj) | Q(neighbours=obj)).distinct()


@admin.register(models.Zone)
class ZoneAdmin(TouchAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "zone_type", "commune"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    exclude = ["boundary"]

    def territories(self, obj):  # noqa: ANN001, ANN201
        # A quartier drawn for one territory, or an IRIS / QPV of a commune (its territories).
        if obj.territory_id is not None:
            return models.Territory.objects.filter(pk=obj.territory_id)
        return models.Territory.objects.filter(
            Q(communes=obj.commune_id) | Q(neighbours=obj.commune_id)
        ).distinct()


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
