"""``{% coordinator_week territory %}``: the coordinator's « Cette semaine » on the space home —
indicators of the current year still « non renseigné » and the next steps of the schedule
(late ones first). Pending validations and fiches to check come from the page's own context."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.cache import cache
from django.utils import timezone

from maillage.plan.models import Milestone
from maillage.plan.selectors import indicator_results, milestones
from maillage.plan.status import Status
from maillage.territory.models import Territory

register = template.Library()

SHOWN = 6


def not_filled(territory: Territory, year: int) -> list[Any]:
    """Indicators whose value for ``year`` is « non renseigné » (never counted as 0), cached
    with the territory's data version like the indicator pages."""
    key = f"dashboard-not-filled:{territory.pk}:{territory.data_version}:{year}"
    found = cache.get(key)
    if found is None:
        found = [
            (r.indicator_id, r.code, r.label)
            for r in indicator_results(territory=territory)
            if year in r.years and r.status_by_year.get(year) == Status.NOT_FILLED
        ]
        cache.set(key, found, 600)
    return found


@register.inclusion_tag("accounts/_week.html", takes_context=True)
def coordinator_week(context: template.Context, territory: Territory) -> dict[str, Any]:
    today = timezone.localdate()
    steps = [m for m in milestones(territory=territory) if m.status in Milestone.OPEN_STATUSES]
    late = [m for m in steps if m.is_late(today)]
    upcoming = [m for m in steps if m.due_date >= today]
    indicators = not_filled(territory, today.year)
    return {
        "territory": territory,
        "year": today.year,
        "pending": context.get("pending", []),
        "due": context.get("due", []),
        "months": context.get("months"),
        "indicators": indicators[:SHOWN],
        "indicators_more": max(0, len(indicators) - SHOWN),
        "indicators_total": len(indicators),
        "late": late,
        "upcoming": upcoming[:SHOWN],
    }
