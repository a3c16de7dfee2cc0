"""The frame of a territory's static maps: its communes' outlines and its neighbours'.

A selector (it reads the database once) returning a plain result object, so that
:func:`maillage.reports.charts.static_map` draws maps without querying anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Territory


@dataclass(frozen=True)
class MapFrame:
    """GeoJSON (WGS84) outlines of the CTG's communes and of the neighbouring communes."""

    communes: tuple[dict, ...]
    neighbours: tuple[dict, ...] = ()


def map_frame(*, territory: Territory) -> MapFrame:
    """The outlines a static map of ``territory`` is framed on (communes without one left out)."""
    return MapFrame(
        communes=tuple(c.boundary for c in territory.communes.all() if c.boundary),
        neighbours=tuple(c.boundary for c in territory.neighbours.all() if c.boundary),
    )
