"""Indicator trend charts drawn once, in a cache shared by the web processes and the worker.

Issue 20: the indicators page shows one small chart per indicator (≈ 24 at Armentières), each
drawn by matplotlib on its first request; the default cache is per process (LocMemCache), so each
web process and each data change drew them all again while the first visitor waited. Here:

- the SVG is stored in the ``charts`` cache (a FileBasedCache under ``MAILLAGE_VAR_DIR``,
  ``settings.CACHES``; the default cache when that alias is absent);
- its key is a hash of what is drawn (years, values, targets, title, unit, size) and of
  :data:`CHART_VERSION`: a chart of other figures can never be served, whatever the database or
  its ``data_version`` (a database recreated with the same ids and versions is no trap);
- :func:`charts_draw_missing` draws the missing ones of a list of results; the background worker
  runs it for a whole plan (:func:`maillage.jobs.charts.charts_warm`) as soon as a page finds some
  missing; a request still draws the chart it asks for on a miss. Like every module of
  ``reports``, this one reads no database: it is handed the results.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import TYPE_CHECKING, Any

import matplotlib
from django.core.cache import InvalidCacheBackendError, caches
from django.utils.translation import get_language

if TYPE_CHECKING:
    from django.core.cache.backends.base import BaseCache

    from maillage.plan.bilan import IndicatorLine
    from maillage.plan.indicators import IndicatorResult

ALIAS = "charts"
#: Bumped when the drawing changes, so charts drawn by older code are not read.
CHART_VERSION = 3
#: The indicators table's chart (shown 14rem wide, text kept readable) and the indicator page's.
SPARK_SIZE = (3.0, 1.8)
TIMEOUT = 30 * 24 * 3600  # nothing stale can be read (content-keyed): the timeout only frees room


logger = logging.getLogger(__name__)


def chart_cache() -> BaseCache:
    try:
        return caches[ALIAS]
    except InvalidCacheBackendError:
        return caches["default"]


# The cache is an optimisation: a folder that cannot be read or written (read-only, full disk,
# another owner) costs a drawing, never an error page.


def cache_get_many(keys: list[str]) -> dict[str, Any]:
    try:
        return chart_cache().get_many(keys)
    except OSError:
        logger.warning("charts cache unreadable", exc_info=True)
        return {}


def cache_set(key: str, value: Any) -> None:
    try:
        chart_cache().set(key, value, TIMEOUT)
    except OSError:
        logger.warning("charts cache not written", exc_info=True)


def cache_add(key: str, value: Any, timeout: int) -> bool:
    """``cache.add``; ``False`` (not added) when the cache cannot be written."""
    try:
        return chart_cache().add(key, value, timeout)
    except OSError:
        logger.warning("charts cache not written", exc_info=True)
        return False


def _line(result: IndicatorResult) -> IndicatorLine:
    from maillage.plan.bilan import indicator_line

    return indicator_line(result, None)


def trend_key(line: IndicatorLine, size: tuple[float, float] = SPARK_SIZE) -> str:
    """The cache key of ``line``'s chart: a hash of every input of the drawing."""
    drawn: list[Any] = [
        CHART_VERSION,
        matplotlib.__version__,  # another matplotlib may draw other pixels
        list(size),
        [list(t) for t in line.trend],
        line.result.code,
        line.result.unit,
        get_language(),  # the title « Indicateur … » is translated
    ]
    digest = hashlib.sha256(json.dumps(drawn, default=str).encode()).hexdigest()[:32]
    return f"plan-trend:{digest}"


def _draw(line: IndicatorLine, size: tuple[float, float]) -> bytes:
    from .bilan_figures import indicator_trend

    return indicator_trend(line, fmt="svg", width_in=size[0], height_in=size[1])


def trend_svg(result: IndicatorResult, size: tuple[float, float] = SPARK_SIZE) -> bytes:
    """The SVG trend of ``result``: from the shared cache, else drawn now and stored."""
    line = _line(result)
    key = trend_key(line, size)
    svg = cache_get_many([key]).get(key)
    if svg is None:
        svg = _draw(line, size)
        cache_set(key, svg)
    return svg


def charts_missing(results: list[IndicatorResult]) -> int:
    """How many of these indicators' charts are not in the shared cache yet (one read)."""
    keys = [trend_key(_line(r)) for r in results]
    return len(keys) - len(cache_get_many(keys))


def charts_draw_missing(results: list[IndicatorResult]) -> int:
    """Draw and store the charts of ``results`` not cached yet; how many were drawn."""
    lines = [_line(r) for r in results]
    keys = [trend_key(line) for line in lines]
    present = cache_get_many(keys)
    drawn = 0
    for line, key in zip(lines, keys, strict=True):
        if key not in present:
            cache_set(key, _draw(line, SPARK_SIZE))
            drawn += 1
    return drawn
