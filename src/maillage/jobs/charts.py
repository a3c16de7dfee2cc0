"""The background drawing of a territory's indicator charts (issue 20, ADR 0010's worker).

:func:`charts_warm_request` is called by the indicators pages when some of their charts are not
in the shared cache (:mod:`maillage.reports.chart_cache`): the worker draws them all while the
visitor's own requests draw the ones they ask for first. Asked at most once a minute per
territory and data version; never with the immediate backend (it would draw them all inside the
page's request: the chart requests already do that work, one each).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django_tasks import task

if TYPE_CHECKING:
    from maillage.territory.models import Territory

ASK_AGAIN_AFTER = 60  # seconds
logger = logging.getLogger(__name__)


def charts_warm(*, territory: Territory) -> int:
    """Draw every indicator chart of ``territory``'s plan not cached yet; how many."""
    from maillage.plan.selectors import PlanNotFound, indicator_results
    from maillage.reports.chart_cache import charts_draw_missing

    try:
        results = indicator_results(territory=territory)
    except PlanNotFound:
        return 0
    return charts_draw_missing(results)


@task()
def warm_indicator_charts(territory_id: int) -> int:
    """Draw the indicator charts of territory ``territory_id`` not cached yet; how many."""
    from maillage.territory.models import Territory

    territory = Territory.objects.filter(pk=territory_id).first()
    return 0 if territory is None else charts_warm(territory=territory)


def charts_warm_request(territory: Territory) -> bool:
    """Enqueue :func:`warm_indicator_charts` for ``territory``; ``False`` when not asked now."""
    from maillage.reports.chart_cache import cache_add

    if "immediate" in settings.TASKS["default"]["BACKEND"].lower():
        return False
    marker = f"plan-trend-warm:{territory.pk}:{territory.data_version}"
    if not cache_add(marker, 1, ASK_AGAIN_AFTER):
        return False
    try:
        warm_indicator_charts.enqueue(territory_id=territory.pk)
    except Exception:  # an optimisation only: the page and its charts are served without it
        logger.exception("charts warm-up not enqueued for territory %s", territory.pk)
        return False
    return True
