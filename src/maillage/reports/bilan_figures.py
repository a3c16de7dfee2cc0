"""Figures of the bilan (indicator trends, map of activities by quartier), from a :class:`Bilan`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from .charts import ImageFormat, MapPoint, MapZone, bar_chart, static_map, trend_chart

if TYPE_CHECKING:
    from maillage.plan.bilan import Bilan, IndicatorLine
    from maillage.plan.selectors import ZoneCount
    from maillage.territory.map_frame import MapFrame

ZONE_DRAW_ORDER = {"iris": 0, "quartier": 1, "qpv": 2}


def indicator_trend(
    line: IndicatorLine,
    *,
    fmt: ImageFormat = "svg",
    width_in: float = 4.6,
    height_in: float = 2.2,
) -> bytes:
    """Values by year (bars) against targets (dashed line) of one indicator; the web pages ask
    for a smaller drawing, so that its text stays readable when shown as a sparkline."""
    trend = line.trend
    targets = [t for _, _, t in trend]
    return trend_chart(
        years=[y for y, _, _ in trend],
        values=[v for _, v, _ in trend],
        targets=targets if any(t is not None for t in targets) else None,
        title=_("Indicateur %(code)s") % {"code": line.result.code},
        unit=line.result.unit,
        fmt=fmt,
        width_in=width_in,
        height_in=height_in,
    )


def zones_map(
    *,
    frame: MapFrame,
    zone_counts: list[ZoneCount],
    points: list[tuple[float, float, str]] = (),  # type: ignore[assignment]
    title: str = "",
    fmt: ImageFormat = "png",
) -> bytes:
    """Activities per zone as a choropleth (IRIS first, QPV on top), with located activities."""
    zones = [
        MapZone(geometry=z.geometry, label=z.name, value=float(z.count))
        for z in sorted(zone_counts, key=lambda z: ZONE_DRAW_ORDER.get(z.kind, 1))
        if z.geometry and (z.count or z.kind != "qpv")
    ]
    zones += [
        MapZone(geometry=z.geometry, label=z.name)
        for z in zone_counts
        if z.geometry and z.kind == "qpv" and not z.count
    ]
    return static_map(
        frame=frame,
        zones=zones,
        points=[MapPoint(lon=lon, lat=lat, label=label) for lon, lat, label in points],
        title=title,
        legend=_(
            "Nombre d'activités du journal par IRIS et quartier prioritaire (QPV, contour "
            "orange si aucune). Points : activités localisées. Contours : IGN, INSEE, ANCT."
        ),
        fmt=fmt,
    )


def bilan_map(bilan: Bilan, *, fmt: ImageFormat = "png") -> bytes:
    return zones_map(
        frame=bilan.frame,
        zone_counts=bilan.zone_counts,
        points=bilan.points,
        title=_("Actions par quartier — %(scope)s") % {"scope": bilan.scope_label},
        fmt=fmt,
    )


def axes_chart(bilan: Bilan, *, fmt: ImageFormat = "svg") -> bytes:
    """Journal activities per axis of the convention (horizontal bars)."""
    rows = bilan.activities_by_axis
    return bar_chart(
        labels=[_("Axe %(n)s") % {"n": n} for n, _title, _count in rows],
        values=[float(count) for _n, _title, count in rows],
        title=_("Activités du journal par axe — %(scope)s") % {"scope": bilan.scope_label},
        unit=_("activités"),
        fmt=fmt,
        width_in=5.5,
    )
