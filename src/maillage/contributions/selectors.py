"""Reads of the residents' contributions (the coordinator's queue)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from maillage.accounts import permissions
from maillage.territory.models import Territory

from .models import ResidentReport


def reports_pending(*, territory: Territory, user: Any) -> QuerySet[ResidentReport]:
    """The contributions waiting for a decision (the coordinator's; nobody else's)."""
    if not permissions.is_coordinator(user, territory):
        return ResidentReport.objects.none()
    return ResidentReport.objects.filter(
        territory=territory, status=ResidentReport.Status.PENDING
    ).select_related("structure")


def reports_recent(*, territory: Territory, user: Any, limit: int = 30) -> list[ResidentReport]:
    """The last contributions examined."""
    if not permissions.is_coordinator(user, territory):
        return []
    return list(
        ResidentReport.objects.filter(territory=territory)
        .exclude(status=ResidentReport.Status.PENDING)
        .select_related("reviewed_by", "created_structure")
        .order_by("-reviewed_at", "-pk")[:limit]
    )


def report_get(*, territory: Territory, user: Any, pk: int) -> ResidentReport | None:
    """One contribution of the territory, for its coordinator."""
    if not permissions.is_coordinator(user, territory):
        return None
    return (
        ResidentReport.objects.filter(territory=territory, pk=pk)
        .select_related("structure", "reviewed_by", "created_structure")
        .first()
    )
