"""Writes of the territory app."""

from __future__ import annotations

from django.db.models import F

from .models import Territory


def territory_touch(*, territory: Territory) -> None:
    """Mark the territory's data as changed, so cached computations are recomputed."""
    Territory.objects.filter(pk=territory.pk).update(data_version=F("data_version") + 1)
    territory.refresh_from_db(fields=["data_version"])
