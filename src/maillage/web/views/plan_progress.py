"""An indicator's values by quarter as an SVG curve against its target (the indicator page's
« Par trimestre »); computed by :func:`maillage.plan.quarters.indicator_quarters`."""

from __future__ import annotations

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _g

from maillage.plan.quarters import indicator_quarters
from maillage.territory.models import Territory

from ..csp import SVG_CSP
from ..decorators import territory_view


@territory_view
def indicator_quarters_chart(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    """The quarter curve (404 for an indicator followed by year only, or of another plan)."""
    from maillage.reports.copil_charts import quarter_chart

    today = timezone.localdate()
    key = f"plan-quarters:{territory.pk}:{territory.data_version}:{pk}:{today.isoformat()}"
    svg = cache.get(key)
    if svg is None:
        series = indicator_quarters(territory=territory, indicator_id=pk, today=today)
        if series is None or not series.quarterly:
            raise Http404(_g("Pas de suivi par trimestre pour cet indicateur."))
        svg = quarter_chart(series, fmt="svg")
        cache.set(key, svg, 3600)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SVG_CSP
    return response
