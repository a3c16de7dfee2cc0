"""URLs of the diagnostic pages: dashboard, zones, scenarios, data quality, documents."""

from django.urls import path

from .views import diagnostic as d
from .views import diagnostic_scenarios as s

P = "territoire/<slug:slug>/diagnostic"

urlpatterns = [
    path(f"{P}/", d.dashboard, name="diagnostic"),
    path(f"{P}/qualite/", d.quality, name="diagnostic-quality"),
    path(f"{P}/zones/", d.zones_page, name="diagnostic-zones"),
    path(f"{P}/zones.geojson", d.zones_geojson, name="diagnostic-zones-geojson"),
    path(f"{P}/couverture.geojson", d.coverage_geojson, name="diagnostic-coverage-geojson"),
    path(f"{P}/figures/<slug:name>.svg", d.figure_svg, name="diagnostic-figure"),
    path(f"{P}/tableaux/<slug:name>.<str:fmt>", d.table_download, name="diagnostic-table"),
    path(
        "territoire/<slug:slug>/diagnostic.<str:fmt>", d.report_download, name="diagnostic-report"
    ),
    path(f"{P}/scenarios/", s.scenario_list, name="diagnostic-scenarios"),
    path(f"{P}/scenarios/comparer/", s.scenario_compare_page, name="diagnostic-scenario-compare"),
    path(f"{P}/scenarios/<id:pk>/", s.scenario_detail, name="diagnostic-scenario"),
    path(f"{P}/scenarios/<id:pk>/modifier/", s.scenario_edit, name="diagnostic-scenario-edit"),
    path(
        f"{P}/scenarios/<id:pk>/carte.geojson",
        s.scenario_geojson,
        name="diagnostic-scenario-geojson",
    ),
]
