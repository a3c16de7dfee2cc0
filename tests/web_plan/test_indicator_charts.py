"""Indicator charts drawn once into the cache shared with the worker (issue 20), never stale."""

from __future__ import annotations

import pytest
from django.urls import reverse

from maillage.plan.models import Indicator

LOCMEM = "django.core.cache.backends.locmem.LocMemCache"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def charts(settings):
    """The ``charts`` alias in memory for the test (a changed CACHES resets Django's caches)."""
    settings.CACHES = {**settings.CACHES, "charts": {"BACKEND": LOCMEM, "LOCATION": "charts"}}
    from maillage.reports.chart_cache import chart_cache

    chart_cache().clear()
    yield chart_cache()
    chart_cache().clear()


def _chart_url(indicator):
    return reverse("web:plan-indicator-chart", args=["armentieres", indicator.pk])


def _first_indicator():
    return Indicator.objects.order_by("axis__number", "number").first()


def test_the_worker_draws_every_chart_of_the_plan_once(armentieres, charts):
    from maillage.jobs.charts import charts_warm
    from maillage.plan.selectors import indicator_results
    from maillage.reports.chart_cache import charts_missing

    results = indicator_results(territory=armentieres)
    assert results and charts_missing(results) == len(results)
    assert charts_warm(territory=armentieres) == len(results)
    assert charts_missing(results) == 0
    assert charts_warm(territory=armentieres) == 0  # nothing drawn twice


def test_a_chart_drawn_ahead_is_the_one_served(coordinator_client, armentieres, charts):
    """The request reads what the worker stored under the chart's key instead of drawing."""
    from maillage.plan.bilan import indicator_line
    from maillage.plan.selectors import indicator_result
    from maillage.reports.chart_cache import trend_key

    indicator = _first_indicator()
    result = indicator_result(territory=armentieres, indicator_id=indicator.pk)
    charts.set(trend_key(indicator_line(result, None)), b"<svg>drawn ahead</svg>")
    response = coordinator_client.get(_chart_url(indicator))
    assert response.status_code == 200 and response.content == b"<svg>drawn ahead</svg>"


def test_a_changed_figure_is_drawn_again_never_read_stale(coordinator_client, armentieres, charts):
    from maillage.plan.services import indicator_target_set

    indicator = _first_indicator()
    before = coordinator_client.get(_chart_url(indicator)).content.decode()
    indicator_target_set(indicator=indicator, year=2024, value=7)
    after = coordinator_client.get(_chart_url(indicator)).content.decode()
    assert "Cible" not in before
    assert "Cible" in after and after != before


def test_the_indicators_page_asks_the_worker_once_for_missing_charts(
    coordinator_client, armentieres, charts, settings
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE
    page = reverse("web:plan-indicators", args=["armentieres"])
    assert coordinator_client.get(page).status_code == 200
    asked = DBTaskResult.objects.filter(task_path="maillage.jobs.charts.warm_indicator_charts")
    assert asked.count() == 1
    assert coordinator_client.get(page).status_code == 200
    assert asked.count() == 1  # not again while the first one may still be running


def test_no_warm_up_inside_the_request_with_the_immediate_backend(
    coordinator_client, armentieres, charts, settings
):
    from maillage.plan.selectors import indicator_results
    from maillage.reports.chart_cache import charts_missing

    settings.TASKS = IMMEDIATE
    page = reverse("web:plan-indicators", args=["armentieres"])
    assert coordinator_client.get(page).status_code == 200
    results = indicator_results(territory=armentieres)
    assert charts_missing(results) == len(results)  # the chart requests draw their own


def test_an_unwritable_charts_folder_costs_a_drawing_not_an_error(
    coordinator_client, armentieres, settings, tmp_path
):
    """A read-only or full var folder: the charts are drawn for each request, the pages answer."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache's folder should be")
    settings.CACHES = {
        **settings.CACHES,
        "charts": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(blocked / "graphiques"),
        },
    }
    settings.TASKS = DATABASE
    indicator = _first_indicator()
    response = coordinator_client.get(_chart_url(indicator))
    assert response.status_code == 200 and response.content.lstrip().startswith(b"<")
    page = coordinator_client.get(reverse("web:plan-indicators", args=["armentieres"]))
    assert page.status_code == 200
