"""``{% unanswered_searches territory %}``: the directory's searches without result by need and
quartier (``usage/_unanswered.html``), a need signal beside the diagnostic's zones blanches."""

from __future__ import annotations

from typing import Any

from django import template

from maillage.usage.selectors import unanswered_searches as unanswered_searches_select

register = template.Library()


@register.inclusion_tag("usage/_unanswered.html")
def unanswered_searches(territory: Any) -> dict[str, Any]:
    return {"territory": territory, "unanswered": unanswered_searches_select(territory=territory)}
