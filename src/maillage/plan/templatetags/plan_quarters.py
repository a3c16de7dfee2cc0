"""``{% indicator_quarters territory indicator_id as quarters %}``: an indicator's values by
quarter (:func:`maillage.plan.quarters.indicator_quarters`), or why it is followed by year only."""

from __future__ import annotations

from typing import Any

from django import template

from maillage.plan.quarters import QuarterSeries
from maillage.plan.quarters import indicator_quarters as _quarters

register = template.Library()


@register.simple_tag
def indicator_quarters(territory: Any, indicator_id: int) -> QuarterSeries | None:
    return _quarters(territory=territory, indicator_id=indicator_id)
