"""Public site URLs. Each area adds its patterns in ``web/urls_<area>.py``."""

from django.urls import include, path

from .views import accessibility, territory

app_name = "web"

urlpatterns = [
    path("", territory.home, name="home"),
    path("accessibilite/", accessibility.accessibility_statement, name="accessibility"),
    path("territoire/<slug:slug>/", territory.territory_detail, name="territory"),
    path("territoire/<slug:slug>/sources/", territory.territory_sources, name="territory-sources"),
    path(
        "territoire/<slug:slug>/carte.geojson",
        territory.territory_geojson,
        name="territory-geojson",
    ),
    path("", include("maillage.web.urls_directory")),
    path("", include("maillage.web.urls_plan")),
    path("", include("maillage.web.urls_plan_import")),
    path("", include("maillage.web.urls_diagnostic")),
    path("", include("maillage.web.urls_accounts")),
    path("", include("maillage.web.urls_campaigns")),
    path("", include("maillage.web.urls_tasks")),
    path("", include("maillage.web.urls_usage")),
    path("", include("maillage.web.urls_contributions")),
]
