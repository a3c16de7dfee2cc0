"""Charts and static maps of the diagnostic, drawn from a :class:`DiagnosticReport`.

Every figure has a data table next to it on the web page and in the documents (accessibility).
Images are cached with the report's ``data_version``, so a cached dashboard draws nothing.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from django.core.cache import cache

from .charts import (
    _RC,
    BLUE,
    GREEN,
    LIGHT_BLUE,
    ORANGE,
    ImageFormat,
    MapZone,
    _to_bytes,
    bar_chart,
    french_axis,
    static_map,
)

if TYPE_CHECKING:
    from maillage.diagnostic.report import DiagnosticReport
    from maillage.diagnostic.report_sections import Series

SERIES_COLOURS = (LIGHT_BLUE, BLUE, ORANGE, GREEN)
CONTOURS = "Contours : IGN Admin Express, INSEE IRIS, ANCT QPV."


def grouped_bars(
    *, series: Sequence[Series], title: str = "", unit: str = "", fmt: ImageFormat = "svg"
) -> bytes:
    """Bars grouped by series (e.g. age bands), one bar per census year."""
    import matplotlib
    from matplotlib import pyplot as plt

    years = sorted({y for s in series for y in s.years})
    with matplotlib.rc_context(_RC):
        fig, ax = plt.subplots(figsize=(6.4, 2.8))
        width = 0.8 / max(len(years), 1)
        for i, year in enumerate(years):
            xs = [k + (i - (len(years) - 1) / 2) * width for k in range(len(series))]
            values = [dict(s.points).get(year, 0) for s in series]
            ax.bar(
                xs,
                values,
                width=width * 0.95,
                label=str(year),
                color=SERIES_COLOURS[i % len(SERIES_COLOURS)],
            )
        labels = [textwrap.fill(s.label, 14) for s in series]
        ax.set_xticks(range(len(series)), labels, rotation=0, fontsize=8)
        french_axis(
            ax.yaxis,
            integer=all(float(v).is_integer() for s in series for _y, v in s.points),
        )
        if unit:
            ax.set_ylabel(unit)
        if title:
            ax.set_title(title, loc="left", fontsize=10)
        ax.legend(frameon=False, fontsize=8, ncols=len(years), loc="upper right")
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
    return _to_bytes(fig, fmt)


def ages_chart(report: DiagnosticReport, *, fmt: ImageFormat = "svg") -> bytes:
    source = report.ages[0].source if report.ages else ""
    return grouped_bars(
        series=report.ages,
        title=f"Population par tranche d'âge — {source.split('—')[0].strip()}",
        unit="habitants",
        fmt=fmt,
    )


def families_chart(report: DiagnosticReport, *, fmt: ImageFormat = "svg") -> bytes:
    return grouped_bars(
        series=report.families, title="Ménages selon leur composition", unit="ménages", fmt=fmt
    )


def childcare_chart(report: DiagnosticReport, *, fmt: ImageFormat = "svg") -> bytes:
    rows = report.childcare.by_typology
    return bar_chart(
        labels=[r.typology_label for r in rows],
        values=[r.places_known for r in rows],
        title="Places d'accueil du jeune enfant par type",
        unit="places",
        fmt=fmt,
    )


def equipment_chart(report: DiagnosticReport, *, fmt: ImageFormat = "svg") -> bytes:
    rows = [e for e in report.equipment if e.per_1000 is not None]
    return bar_chart(
        labels=[e.theme_label for e in rows],
        values=[float(e.per_1000 or 0) for e in rows],
        themes=[e.theme for e in rows],
        title="Structures pour 1 000 habitants, par thème CTG",
        unit="structures pour 1 000 habitants",
        fmt=fmt,
    )


def coverage_map(
    report: DiagnosticReport, *, fmt: ImageFormat = "png", when: str = "actuel"
) -> bytes:
    """IRIS coloured by their 2SFCA value: the current childcare coverage (places per 100
    children under 3), or the scenario's value ``when`` = ``"avant"`` / ``"apres"``."""
    access, scenario = report.access, report.scenario
    if when in ("avant", "apres") and scenario is not None:
        values = scenario.zone_after if when == "apres" else scenario.zone_before
        what = scenario.comparison.value_label
        label = "après le scénario" if when == "apres" else "avant le scénario"
        title = f"{scenario.name} — {label}"
    else:
        values = access.zone_coverage if access else {}
        what = "Places pour 100 enfants de moins de 3 ans accessibles (2SFCA)"
        title = "Couverture petite enfance par IRIS"
    zones = [
        MapZone(geometry=z.geometry, label=z.name, value=values.get(z.code))
        for z in report.zones
        if z.kind == "iris" and z.geometry and values.get(z.code) is not None
    ]
    return static_map(
        frame=report.frame,
        zones=zones,
        title=title,
        legend=f"{what}, par IRIS (valeur inscrite dans chaque IRIS). {CONTOURS}",
        fmt=fmt,
    )


def white_zones_map(report: DiagnosticReport, *, fmt: ImageFormat = "png") -> bytes:
    """The zones blanches of the main theme, outlined in orange, over the QPV."""
    access = report.access
    zones = [
        MapZone(geometry=g, label=label)
        for g, label in (access.white_zone_geometries if access else [])
    ]
    title = access.white_zones_title if access else "Zones blanches"
    return static_map(
        frame=report.frame,
        zones=zones,
        title=title,
        legend="Zones blanches (contour orange) : population cible sans structure à portée. "
        + CONTOURS,
        fmt=fmt,
    )


FIGURES: dict[str, Callable[..., bytes]] = {
    "ages": ages_chart,
    "familles": families_chart,
    "accueil": childcare_chart,
    "equipements": equipment_chart,
    "couverture": coverage_map,
    "zones-blanches": white_zones_map,
}


def figure(report: DiagnosticReport, name: str, *, fmt: ImageFormat = "svg", **kw) -> bytes:
    """A figure of the report, cached with its data version (``KeyError`` if unknown)."""
    draw = FIGURES[name]
    scenario = report.scenario.slug if report.scenario else ""
    extra = "|".join(f"{k}={v}" for k, v in sorted(kw.items()))
    key = (
        f"diagnostic-figure:{report.territory_slug}:{report.data_version}:{scenario}:"
        f"{name}:{fmt}:{extra}"
    )
    data = cache.get(key)
    if data is None:
        data = draw(report, fmt=fmt, **kw)
        cache.set(key, data, 24 * 3600)
    return data
