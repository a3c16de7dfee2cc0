"""Where indicator evidence comes from, besides the journal: zones (QPV, zones blanches) and data.

Zones blanches come from providers tried in order (zones flagged by the coordinator, then the
diagnostic's computed zones blanches for a theme); more can be plugged with
:func:`register_zone_blanche_provider`. Data figures (``data`` indicators) query the directory
lazily and degrade to « non calculable » with an explanatory note when it cannot answer.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from maillage.territory.models import Territory

    from .indicators import JournalEntry

logger = logging.getLogger(__name__)
NOT_COMPUTABLE = "non calculable"


@dataclass(frozen=True)
class Evidence:
    """One item behind a value: an activity, a data row, a manual justification or a note."""

    kind: str  # "activité", "donnée", "saisie", "note"
    label: str
    activity_id: int | None = None
    date: dt.date | None = None
    value: float | None = None
    detail: str = ""
    is_fictional: bool = False


# --------------------------------------------------------------------------- zones


@dataclass(frozen=True)
class ZoneSet:
    """Zones (by id) and their polygons in Lambert-93, to test an activity's place."""

    zone_ids: frozenset[int]
    polygons_l93: tuple = ()
    source: str = ""

    def contains(self, activity: JournalEntry) -> Evidence | None:
        for zone_id, zone_name in activity.zones:
            if zone_id in self.zone_ids:
                return Evidence(kind="note", label=_("quartier {name}").format(name=zone_name))
        if activity.lon is not None and activity.lat is not None and self.polygons_l93:
            from shapely import Point

            from maillage.territory.geo import lonlat_to_l93

            x, y = lonlat_to_l93(activity.lon, activity.lat)
            point = Point(float(x), float(y))
            if any(p.covers(point) for p in self.polygons_l93):
                return Evidence(kind="note", label="position dans la zone")
        return None


def _zone_set(zones: Iterable[Any], source: str) -> ZoneSet:
    from maillage.territory.geo import geojson_to_l93

    zones = list(zones)
    polygons = tuple(geojson_to_l93(z.boundary) for z in zones if z.boundary)
    return ZoneSet(zone_ids=frozenset(z.pk for z in zones), polygons_l93=polygons, source=source)


def qpv_zones(territory: Territory) -> ZoneSet:
    from maillage.territory.models import Zone
    from maillage.territory.selectors import territory_zones

    return _zone_set(
        (z for z in territory_zones(territory=territory) if z.kind == Zone.Kind.QPV), "QPV"
    )


def flagged_zones_blanches(territory: Territory, theme: str | None = None) -> ZoneSet | None:
    """First provider: zones flagged as zones blanches by the coordinator (``ZoneBlanche``)."""
    from .models import ZoneBlanche

    flags = list(ZoneBlanche.objects.filter(territory=territory).select_related("zone"))
    if not flags:
        return None
    return _zone_set((f.zone for f in flags), "zones signalées comme zones blanches")


def computed_zones_blanches(
    territory: Territory, theme: str | None = None, *, min_share: float = 0.5
) -> ZoneSet | None:
    """Second provider: zones blanches computed by the diagnostic for ``theme``.

    A position counts when it lies inside a computed zone blanche; a tagged zone (IRIS, QPV,
    quartier) counts when at least ``min_share`` of its area lies in zones blanches. ``None``
    when the diagnostic is unavailable or its zones blanches are « non calculable » (too little
    of the theme's declared supply located: the count would mean nothing).
    """
    if not theme:
        return None
    try:
        from maillage.diagnostic.selectors import white_zones
        from maillage.diagnostic.themes import ParameterError
    except ImportError:
        return None
    try:
        with transaction.atomic():  # a failure must not break the other indicators
            result = white_zones(territory=territory, theme=theme)
    except ParameterError:
        return None
    except Exception:  # noqa: BLE001  (another area's computation: degrade, but log it)
        logger.exception("Zones blanches du diagnostic indisponibles pour %s", territory)
        return None
    if not result.validity.computable:  # the diagnostic's own verdict (validity guard)
        return None
    import shapely

    from maillage.territory.geo import geojson_to_l93
    from maillage.territory.selectors import territory_zones

    polygons = tuple(geojson_to_l93(z.geometry) for z in result.zones)
    zone_ids: set[int] = set()
    if polygons:
        blank = shapely.union_all(polygons)
        for zone in territory_zones(territory=territory):
            if zone.boundary:
                shape = geojson_to_l93(zone.boundary)
                if shape.area and shape.intersection(blank).area >= min_share * shape.area:
                    zone_ids.add(zone.pk)
    return ZoneSet(
        zone_ids=frozenset(zone_ids),
        polygons_l93=polygons,
        source=_(
            "zones blanches calculées par le diagnostic (thème « {theme} », {distance:.0f} m)"
        ).format(theme=result.theme, distance=result.max_distance_m),
    )


ZoneBlancheProvider = Callable[[Any, str | None], ZoneSet | None]
_zone_blanche_providers: list[ZoneBlancheProvider] = [
    flagged_zones_blanches,
    computed_zones_blanches,
]


def register_zone_blanche_provider(provider: ZoneBlancheProvider) -> None:
    """Add a provider of zones blanches, tried before the others.

    A provider takes ``(territory, theme)`` and returns a :class:`ZoneSet`, or ``None`` when it
    has nothing computed; the first non-``None`` answer is used.
    """
    _zone_blanche_providers.insert(0, provider)


def zones_blanches(territory: Territory, theme: str | None = None) -> ZoneSet | None:
    for provider in _zone_blanche_providers:
        found = provider(territory, theme)
        if found is not None:
            return found
    return None


# --------------------------------------------------------------------------- data sources


@dataclass(frozen=True)
class DataFigure:
    value: float | None
    evidence: list[Evidence]
    note: str = ""


def _directory_model(name: str) -> Any:
    from django.apps import apps

    try:
        return apps.get_model("directory", name)
    except LookupError:
        return None


def _field_names(model: Any) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


def data_cartography(territory: Territory) -> DataFigure:
    """Completeness of the cartography: share (%) of the territory's structures located."""
    model = _directory_model("Structure")
    if model is None or not {"territory", "x_l93", "y_l93"} <= _field_names(model):
        return DataFigure(
            None,
            [],
            _("non calculable : l'annuaire des structures n'est pas encore disponible."),
        )
    qs = model.objects.filter(territory=territory)
    if "published" in _field_names(model):
        qs = qs.filter(published=True)
    structures = list(qs.order_by("name", "pk"))
    if not structures:
        return DataFigure(None, [], _("non calculable : aucune structure dans l'annuaire."))
    located = {s.pk for s in structures if s.x_l93 is not None and s.y_l93 is not None}
    evidence = [
        Evidence(
            kind="donnée",
            label=s.name,
            value=1.0 if s.pk in located else 0.0,
            detail="localisée" if s.pk in located else "à localiser",
        )
        for s in structures
    ]
    share = round(100.0 * len(located) / len(structures), 1)
    return DataFigure(
        share,
        evidence,
        _("{located} structures localisées sur {total}.").format(
            located=len(located), total=len(structures)
        ),
    )


def data_insertion_places(territory: Territory) -> DataFigure:
    """Places with an insertion vocation, summed over the directory's services."""
    model = _directory_model("Service")
    if model is None or "insertion_places" not in _field_names(model):
        return DataFigure(
            None,
            [],
            _("non calculable : l'annuaire des services n'est pas encore disponible."),
        )
    services = list(
        model.objects.filter(structure__territory=territory, insertion_places__isnull=False)
        .select_related("structure")
        .order_by("structure__name", "name", "pk")
    )
    if not services:
        return DataFigure(
            None,
            [],
            _(
                "non calculable : aucun service de l'annuaire ne renseigne encore ses places à "
                "vocation d'insertion professionnelle."
            ),
        )
    evidence = [
        Evidence(kind="donnée", label=str(s), value=float(s.insertion_places)) for s in services
    ]
    total = float(sum(s.insertion_places for s in services))
    return DataFigure(total, evidence, _("{n} services renseignés.").format(n=len(services)))


DATA_SOURCES: dict[str, Callable[[Any], DataFigure]] = {
    "cartography": data_cartography,
    "insertion_places": data_insertion_places,
}
