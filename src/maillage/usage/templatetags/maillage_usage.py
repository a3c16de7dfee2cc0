"""``{% unanswered_searches territory %}``: the directory's searches without result by need and
quartier (``usage/_unanswered.html``), a need signal beside the diagnostic's zones blanches."""

from __future__ import annotations

from typing import Any

from django import template

from maillage.usage.selectors import unanswered_searches as unanswered_searches_select

register = template.Library()


#: Rows shown on the diagnostic; the audience page lists them all.
SHOWN = 15


@register.inclusion_tag("usage/_unanswered.html")
def unanswered_searches(territory: Any) -> dict[str, Any]:
    found = unanswered_searches_select(territory=territory)
    return {
        "territory": territory,
        "unanswered": found,
        "rows": found.rows[:SHOWN],
        "hidden": max(len(found.rows) - SHOWN, 0),
    }
