"""``{% resident_reports_waiting territory as n %}``: how many residents' contributions wait for
the coordinator (``None`` for anyone else), for the partners' space pages."""

from __future__ import annotations

from typing import Any

from django import template

from maillage.contributions.selectors import reports_pending

register = template.Library()


@register.simple_tag(takes_context=True)
def resident_reports_waiting(context: dict[str, Any], territory: Any) -> int | None:
    request = context.get("request")
    user = getattr(request, "user", None)
    if territory is None or user is None or not user.is_authenticated:
        return None
    from maillage.accounts.permissions import is_coordinator

    if not is_coordinator(user, territory):
        return None
    return reports_pending(territory=territory, user=user).count()
