"""Reads of the diagnostic: coverage, zones d'influence, zones blanches, accessibility.

Each selector returns a frozen result object (:mod:`maillage.diagnostic.results`), computed
once and cached (Django cache) under a key holding the territory's ``data_version`` and the
parameters: :func:`maillage.territory.services.territory_touch` (called by every service that
changes structures, cells or statistics) makes the next call recompute.

Parameters are checked (:class:`~maillage.diagnostic.themes.ParameterError`, French message
naming the parameter). ``theme``: petite-enfance, enfance, jeunesse, parentalite, vie-sociale,
insertion; ``public``: 0-2, 3-5, 6-10, 11-17, parents, tous (default: the theme's public);
``max_distance_m``: straight-line radius in metres (50 to 50 000).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.utils.translation import gettext

from maillage.territory.models import Territory

from .compute import (
    compute_accessibility,
    compute_coverage,
    compute_influence,
    compute_white_zones,
)
from .inputs import Demand, SiteRow, load_demand, load_sites
from .results import Accessibility, Coverage, Influence, WhiteZones
from .themes import ParameterError, distance_get, public_get, theme_get

__all__ = [
    "ParameterError",
    "accessibility_by_zone",
    "coverage",
    "current_inputs",
    "influence",
    "white_zones",
]

CACHE_SECONDS = 24 * 3600
DEFAULT_DISTANCE_M = 1000.0
T = TypeVar("T")


def data_version(territory: Territory) -> int:
    """The territory's current data version (read from the database, not the instance)."""
    version = (
        Territory.objects.filter(pk=territory.pk).values_list("data_version", flat=True).first()
    )
    return int(version or 0)


def _cached(kind: str, territory: Territory, params: tuple, compute: Callable[[int], T]) -> T:
    version = data_version(territory)
    digest = hashlib.sha1(repr(params).encode()).hexdigest()[:16]
    key = f"maillage:diagnostic:{kind}:{territory.pk}:{version}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute(version)
        cache.set(key, value, CACHE_SECONDS)
    return value


def current_inputs(*, territory: Territory) -> tuple[Demand, tuple[SiteRow, ...]]:
    """Demand and sites of the territory as stored now (cached per data version)."""
    return _cached(
        "inputs",
        territory,
        (),
        lambda _v: (load_demand(territory=territory), load_sites(territory=territory)),
    )


def _weights(weights: Any) -> list[tuple[float, float]] | None:
    if weights is None:
        return None
    try:
        return [(float(b), float(w)) for b, w in weights]
    except (TypeError, ValueError):
        raise ParameterError(
            "weights", gettext("liste de paires (borne en mètres, poids) attendue.")
        ) from None


def coverage(
    *,
    territory: Territory,
    max_distance_m: float | str | None = DEFAULT_DISTANCE_M,
    weights: list[tuple[float, float]] | None = None,
) -> Coverage:
    """CNAF coverage rate (places per 100 children under 3) of the territory and per IRIS/QPV
    (2SFCA over the located places; ``weights``: E2SFCA bands ``[(bound_m, weight), …]``)."""
    d = distance_get(max_distance_m, default=DEFAULT_DISTANCE_M)
    w = _weights(weights)

    def run(version: int) -> Coverage:
        demand, sites = current_inputs(territory=territory)
        return compute_coverage(
            demand=demand,
            sites=sites,
            territory=territory.slug,
            data_version=version,
            max_distance_m=d,
            weights=w,
        )

    return _cached("coverage", territory, (d, w), run)


def _themed(kind: str, fn: Callable[..., T], **extra: Any) -> Callable[..., T]:
    def selector(
        *,
        territory: Territory,
        theme: str,
        public: str | None = None,
        max_distance_m: float | str | None = DEFAULT_DISTANCE_M,
    ) -> T:
        t = theme_get(theme)
        p = public_get(public, theme=t)
        d = distance_get(max_distance_m, default=DEFAULT_DISTANCE_M)

        def run(version: int) -> T:
            demand, sites = current_inputs(territory=territory)
            return fn(
                demand=demand,
                sites=sites,
                territory=territory.slug,
                data_version=version,
                theme=t,
                public=p,
                max_distance_m=d,
                **extra,
            )

        return _cached(kind, territory, (t.slug, p, d), run)

    return selector


_influence = _themed("influence", compute_influence)
_white_zones = _themed("white-zones", compute_white_zones)
_accessibility = _themed("accessibility", compute_accessibility)


def influence(
    *,
    territory: Territory,
    theme: str,
    public: str | None = None,
    max_distance_m: float | str | None = DEFAULT_DISTANCE_M,
) -> Influence:
    """Zones d'influence (nearest located site within the radius) with population served."""
    return _influence(
        territory=territory, theme=theme, public=public, max_distance_m=max_distance_m
    )


def white_zones(
    *,
    territory: Territory,
    theme: str,
    public: str | None = None,
    max_distance_m: float | str | None = DEFAULT_DISTANCE_M,
) -> WhiteZones:
    """Zones blanches: populated cells with no located site within the radius, ranked."""
    return _white_zones(
        territory=territory, theme=theme, public=public, max_distance_m=max_distance_m
    )


def accessibility_by_zone(
    *,
    territory: Territory,
    theme: str,
    public: str | None = None,
    max_distance_m: float | str | None = DEFAULT_DISTANCE_M,
) -> Accessibility:
    """2SFCA accessibility per IRIS/QPV, QPV/non-QPV equity and Gini, distance shares."""
    return _accessibility(
        territory=territory, theme=theme, public=public, max_distance_m=max_distance_m
    )
