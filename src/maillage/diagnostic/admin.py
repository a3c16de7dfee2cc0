from django.contrib import admin

from maillage.accounts.admin_history import HistoryAdminMixin

from . import models


class ScenarioChangeInline(admin.TabularInline):
    model = models.ScenarioChange
    extra = 0
    raw_id_fields = ["structure", "zone"]


class HousingProjectInline(admin.TabularInline):
    model = models.HousingProject
    extra = 0
    raw_id_fields = ["zone"]


@admin.register(models.Scenario)
class ScenarioAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "territory", "theme", "public", "max_distance_m", "author", "created"]
    list_filter = ["territory", "theme"]
    search_fields = ["name", "description"]
    inlines = [ScenarioChangeInline, HousingProjectInline]


@admin.register(models.ScenarioChange)
class ScenarioChangeAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["scenario", "position", "action", "structure", "name", "places"]
    list_filter = ["action"]
    raw_id_fields = ["structure", "zone"]


@admin.register(models.HousingProject)
class HousingProjectAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "scenario", "dwellings", "delivery_year", "persons_per_dwelling"]
    raw_id_fields = ["zone"]
