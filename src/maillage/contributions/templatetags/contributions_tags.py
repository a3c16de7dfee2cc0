"""``{% resident_reports_waiting territory as n %}``: how many residents' contributions wait for
the coordinator (``None`` for anyone else), for the partners' space pages;
``{% open_consultations territory as found %}``: the open consultations, for the directory."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.cache import cache

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


@register.simple_tag
def open_consultations(territory: Any) -> list[Any]:
    """The territory's open consultations, newest first (for the directory page, on every
    search): read once per version of the territory's data — opening or closing a
    consultation bumps it (:mod:`maillage.contributions.consultations`)."""
    from maillage.contributions.models import Consultation

    if territory is None:
        return []
    key = f"open-consultations:{territory.pk}:{territory.data_version}"
    found: list[Any] | None = cache.get(key)
    if found is None:
        found = list(
            Consultation.objects.filter(territory=territory, status=Consultation.Status.OPEN)
            .select_related("zone")
            .order_by("-created_at")[:3]
        )
        cache.set(key, found, 3600)
    return found
