"""A structure's derived data, computed and written in one place.

What a user or a file gives — ``lon``/``lat``, names, typology, organisation, address, commune,
services — determines the rest:

- the **position** in Lambert-93 metres (``x_l93``/``y_l93``, rounded to the centimetre) and the
  precision: « inconnue (à localiser) » without a position, « approchée » for a position given
  without a precision (:func:`position_fields`);
- the **zones** (IRIS, QPV, quartiers of the territory's communes and neighbours, and the
  territory's own zones) containing the position (:class:`ZoneIndex`); they are placed when a
  position is written — zones picked by hand in the admin are kept while the position stays;
- the **search text** and sort name (:func:`maillage.directory.search_text.build_search_text`);
- the territory's **data version** (:func:`maillage.territory.services.territory_touch`), which
  keys the in-memory search index and the cached pages.

Every writer of a structure goes through here: the services (:mod:`.services`:
:func:`prepare_position` before the save, :func:`structure_derived` after it), the dataset loader
(:mod:`.loading`: :func:`position_fields` and :func:`structure_derived`; ``load_dataset`` bumps the
data version once), the Django admin and every bulk write (:func:`structures_refreshed`,
:func:`structure_reindex_territory`). :func:`stale_structures` says which stored structures differ
from what this module derives (``tests/directory/test_derived.py`` checks every write path).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from shapely import STRtree
from shapely.geometry import Point

from maillage.territory.geo import geojson_to_l93, lonlat_to_l93
from maillage.territory.models import Territory, Zone
from maillage.territory.services import territory_touch
from maillage.text import fold

from .models import Structure
from .search_text import build_search_text, refresh_search_text

Precision = Structure.Precision
POSITION_COLUMNS = ("x_l93", "y_l93", "position_precision")


def position_fields(lon: float | None, lat: float | None, precision: str) -> dict[str, Any]:
    """The stored position columns for ``lon``/``lat`` (WGS84 degrees) and a precision."""
    if lon is None or lat is None:
        return {"x_l93": None, "y_l93": None, "position_precision": Precision.UNKNOWN}
    x, y = lonlat_to_l93(lon, lat)
    if not precision or precision == Precision.UNKNOWN:
        precision = Precision.APPROXIMATE
    return {
        "x_l93": round(float(x), 2),
        "y_l93": round(float(y), 2),
        "position_precision": precision,
    }


def prepare_position(structure: Structure) -> bool:
    """Set ``structure``'s position columns (in memory) from its ``lon``/``lat``; return
    whether they changed."""
    wanted = position_fields(structure.lon, structure.lat, structure.position_precision)
    changed = any(getattr(structure, k) != v for k, v in wanted.items())
    for key, value in wanted.items():
        setattr(structure, key, value)
    return changed


class ZoneIndex:
    """The zones a structure of ``territory`` may lie in, as a spatial index (Lambert-93)."""

    def __init__(self, territory: Territory) -> None:
        codes = list(territory.communes.values_list("insee_code", flat=True))
        codes += list(territory.neighbours.values_list("insee_code", flat=True))
        zones = [
            (z.pk, z.boundary)
            for z in Zone.objects.filter(Q(commune__insee_code__in=codes) | Q(territory=territory))
            if z.boundary
        ]
        self.territory_id = territory.pk
        self.ids = [pk for pk, _boundary in zones]
        geoms = [geojson_to_l93(boundary) for _pk, boundary in zones]
        self.tree = STRtree(geoms) if geoms else None

    def zone_ids(self, structure: Structure) -> set[int]:
        """The ids of the zones containing ``structure``'s Lambert-93 position (none when it
        is not located)."""
        if not structure.located or self.tree is None:
            return set()
        hits = self.tree.query(Point(structure.x_l93, structure.y_l93), predicate="intersects")
        return {self.ids[i] for i in hits}


def _index_for(structure: Structure, index: ZoneIndex | None) -> ZoneIndex:
    if index is not None and index.territory_id == structure.territory_id:
        return index
    return ZoneIndex(structure.territory)


@dataclass(frozen=True)
class Derived:
    """What :func:`structure_derived` changed."""

    position: bool = False
    zones: bool = False
    search: bool = False


def structure_derived(
    structure: Structure,
    *,
    place: bool = False,
    index: ZoneIndex | None = None,
    touch: bool = False,
) -> Derived:
    """Bring a saved structure's derived data up to date; return what changed.

    The position columns are re-projected from ``lon``/``lat`` (stored when they differ); the
    zones are placed when ``place`` is true or the position moved (zones picked by hand are
    kept otherwise); the search text and sort name are rebuilt. ``index``: a
    :class:`ZoneIndex` shared by a bulk write; ``touch``: bump the territory's data version.
    """
    moved = prepare_position(structure)
    if moved:
        Structure.objects.filter(pk=structure.pk).update(
            **{k: getattr(structure, k) for k in POSITION_COLUMNS}
        )
    zones = False
    if place or moved:
        wanted = _index_for(structure, index).zone_ids(structure)
        if set(structure.zones.values_list("pk", flat=True)) != wanted:
            structure.zones.set(wanted)
            zones = True
    search = refresh_search_text(structure)
    if touch:
        territory_touch(territory=structure.territory)
    return Derived(position=moved, zones=zones, search=search)


def structure_reindex_territory(*, territory: Territory) -> int:
    """Rebuild the search text, sort name, Lambert-93 position and zones (when the position
    moved) of every structure of ``territory`` (after bulk writes that bypassed the services);
    return how many changed (a structure whose position and search text changed counts twice)."""
    changed = 0
    structures = Structure.objects.filter(territory=territory).select_related(
        "territory", "typology", "organisation", "commune"
    )
    index = ZoneIndex(territory)
    with transaction.atomic():
        for structure in structures.prefetch_related("services", "zones"):
            done = structure_derived(structure, index=index)
            changed += done.position + done.search
        if changed:
            territory_touch(territory=territory)
    return changed


@contextmanager
def structures_refreshed(
    *,
    structure_ids: Iterable[int | None] = (),
    typology_ids: Iterable[int | None] = (),
    organisation_ids: Iterable[int | None] = (),
    territory_ids: Iterable[int | None] = (),
) -> Iterator[None]:
    """Keep the directory's derived data right around writes that bypass the services (the
    Django admin edits or deletes models directly).

    After the block: each structure of ``structure_ids`` still stored gets its Lambert-93
    position from lon/lat (and its zones, when the position moved; zones picked by hand are
    kept otherwise), its search text and sort name; every territory that held structures of
    ``typology_ids`` or ``organisation_ids`` before the block is reindexed
    (:func:`structure_reindex_territory`: a typology's label, ages and publics, an
    organisation's name are read by the search); every territory concerned, including those of
    deleted structures, is touched, so the search index (keyed on ``data_version``) and the
    cached pages are rebuilt at once; ``territory_ids`` are touched too (one a structure moved
    out of).
    """
    structures = {pk for pk in structure_ids if pk is not None}
    typologies = {pk for pk in typology_ids if pk is not None}
    organisations = {pk for pk in organisation_ids if pk is not None}
    related = Structure.objects.filter(
        Q(typology_id__in=typologies) | Q(organisation_id__in=organisations)
    )
    reindexed = set(related.values_list("territory_id", flat=True))
    touched = reindexed | set(
        Structure.objects.filter(pk__in=structures).values_list("territory_id", flat=True)
    )
    touched |= {pk for pk in territory_ids if pk is not None}  # e.g. one a structure left
    yield
    with transaction.atomic():
        for structure in Structure.objects.filter(pk__in=structures).select_related(
            "territory", "typology", "organisation", "commune"
        ):
            structure_derived(structure)
            touched.add(structure.territory_id)  # also the territory a structure moved to
        for territory in Territory.objects.filter(pk__in=touched).order_by("pk"):
            if territory.pk in reindexed:
                structure_reindex_territory(territory=territory)
            territory_touch(territory=territory)


# --------------------------------------------------------------------------- checking


def stale_structures(*, territory: Territory, zones: bool = True) -> dict[str, dict[str, tuple]]:
    """The structures of ``territory`` whose stored derived data differ from what this module
    derives: ``{slug: {column: (stored, derived)}}`` (empty when everything is right).

    ``zones``: also compare the zones with those containing the position (false where zones
    were picked by hand in the admin)."""
    index = ZoneIndex(territory)
    stale: dict[str, dict[str, tuple]] = {}
    structures = Structure.objects.filter(territory=territory).select_related(
        "typology", "organisation", "commune"
    )
    for structure in structures.prefetch_related("services", "zones"):
        stored = {k: getattr(structure, k) for k in POSITION_COLUMNS}
        wanted = position_fields(structure.lon, structure.lat, structure.position_precision)
        differences = {k: (stored[k], wanted[k]) for k in wanted if stored[k] != wanted[k]}
        derived: dict[str, Any] = {
            "search_text": build_search_text(structure),
            "sort_name": fold(structure.name)[:200],
        }
        if zones:
            for key, value in wanted.items():
                setattr(structure, key, value)
            derived["zones"] = sorted(index.zone_ids(structure))
            stored["zones"] = sorted(z.pk for z in structure.zones.all())
        for key, value in derived.items():
            current = stored.get(key, getattr(structure, key, None))
            if current != value:
                differences[key] = (current, value)
        if differences:
            stale[structure.slug] = differences
    return stale
