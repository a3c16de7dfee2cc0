"""Reads of the diagnostic: coverage, zones d'influence, zones blanches, accessibility.

Each selector returns a frozen result object (:mod:`maillage.diagnostic.results`), computed
once and cached (Django cache) under a key holding the territory's ``data_version`` and the
parameters: :func:`maillage.territory.services.territory_touch` (called by every service that
changes structures, cells or statistics) makes the next call recompute.

Parameters are checked (:class:`~maillage.diagnostic.themes.ParameterError`, French message
naming the parameter). ``theme``: petite-enfance, enfance, jeunesse, parentalite, vie-sociale,
insertion; ``public``: 0-2, 3-5, 6-10, 11-17, parents, tous (default: the theme's public);
``max_distance_m``: straight-line radius in metres (50 to 50 000).

:func:`diagnostic_build` assembles the whole territorial diagnostic (key figures, evolutions,
childcare, equipment, accessibility, data quality, reference populations) into one
:class:`~maillage.diagnostic.report.DiagnosticReport`, the object every surface renders: web
dashboard, CLI, PDF/DOCX/CSV (:mod:`maillage.reports` only renders it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from django.core.cache import cache
from django.utils.translation import gettext

from maillage.territory.models import Territory

from . import report_access, report_reference, report_sections
from .compute import (
    compute_accessibility,
    compute_coverage,
    compute_influence,
    compute_white_zones,
)
from .inputs import Demand, SiteRow, load_demand, load_sites
from .report import DiagnosticError, DiagnosticReport
from .results import Accessibility, Coverage, Influence, WhiteZones
from .themes import ParameterError, distance_get, public_get, theme_get

__all__ = [
    "DiagnosticError",
    "DiagnosticReport",
    "ParameterError",
    "accessibility_by_zone",
    "coverage",
    "current_inputs",
    "diagnostic_build",
    "influence",
    "white_zones",
]

CACHE_SECONDS = 24 * 3600
DEFAULT_DISTANCE_M = 1000.0
T = TypeVar("T")
Progress = Callable[[str], None]


def data_version(territory: Territory) -> int:
    """The territory's current data version (read from the database, not the instance)."""
    version = (
        Territory.objects.filter(pk=territory.pk).values_list("data_version", flat=True).first()
    )
    return int(version or 0)


def _cached(
    kind: str, territory: Territory, params: tuple[Any, ...], compute: Callable[[int], T]
) -> T:
    version = data_version(territory)
    digest = hashlib.sha1(repr(params).encode()).hexdigest()[:16]
    key = f"maillage:diagnostic:{kind}:{territory.pk}:{version}:{digest}"
    value: T | None = cache.get(key)
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


# --------------------------------------------------------------------------- the whole diagnostic


def _report_cache_key(territory: Territory, **params: Any) -> str:
    parts = "|".join(f"{k}={v}" for k, v in sorted(params.items()))
    return f"diagnostic-report:{territory.slug}:{territory.data_version}:{parts}"


def diagnostic_build(
    *,
    territory: Territory,
    scenario: Any = None,
    with_access: bool = True,
    use_cache: bool = True,
    today: dt.date | None = None,
    progress: Progress = lambda m: None,
) -> DiagnosticReport:
    """The diagnostic of ``territory`` (and the comparison with ``scenario`` when given).

    ``scenario`` is a saved scenario (model instance) or a scenario object from a file, as
    accepted by :func:`maillage.diagnostic.services.scenario_run`. Cached per territory
    ``data_version`` (any write calling ``territory_touch`` invalidates it); raises
    :class:`DiagnosticError` (French message) when the scenario cannot be run.
    """
    from maillage.directory.selectors import childcare_supply
    from maillage.territory.map_frame import map_frame
    from maillage.territory.selectors import territory_diagnostic

    from .childcare import childcare_rate

    sections = report_sections
    territory.refresh_from_db(fields=["data_version"])
    today = today or dt.date.today()
    key = _report_cache_key(territory, access=with_access, today=today.isoformat())
    report = cache.get(key) if use_cache else None
    if report is None:
        progress("chiffres clés et évolutions")
        diag = territory_diagnostic(territory=territory)
        population = diag.figure("population_ctg")
        zones = sections.zone_populations(territory=territory, diag=diag)
        progress("offre d'accueil et équipements")
        childcare = childcare_supply(territory=territory)
        equipment = sections.equipment(
            territory=territory,
            population=population.value if population else None,
            zones=zones,
            population_label=(
                f"{sections.int_fr(population.value)} habitants ({population.source}, "
                f"{population.vintage})"
                if population
                else ""
            ),
        )
        access = None
        if with_access:
            progress("accessibilité (2SFCA) et zones blanches")
            access = report_access.access_section(territory=territory, zones=zones)
        report = DiagnosticReport(
            territory_slug=territory.slug,
            territory_name=territory.name,
            period=(territory.period_start, territory.period_end),
            generated_on=today,
            data_version=territory.data_version,
            diag=diag,
            headline=sections.headline_figures(diag),
            qpv=sections.qpv_comparisons(diag),
            ages=sections.census_series(diag, sections.AGE_SERIES),
            families=sections.census_series(diag, sections.FAMILY_SERIES),
            childcare=childcare,
            zones=zones,
            equipment=equipment,
            quality=sections.quality_panel(territory=territory, diag=diag, today=today),
            access=access,
            childcare_rate=childcare_rate(territory=territory),
            populations=report_reference.reference_populations(diag),
            reconciliation=report_reference.reconciliation(territory=territory),
            frame=map_frame(territory=territory),
        )
        if use_cache:
            cache.set(key, report, CACHE_SECONDS)
    if scenario is not None:
        progress("scénario")
        try:
            section = report_access.scenario_section(scenario=scenario, zones=report.zones)
        except ValueError as exc:
            raise DiagnosticError(str(exc)) from exc
        report = replace(report, scenario=section)
    return report
