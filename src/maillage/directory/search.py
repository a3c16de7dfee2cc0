"""Search of the directory: filters, page, map and one structure, for every surface.

The matching runs on the territory's in-memory index (:mod:`.search_index`, rebuilt when the
territory's ``data_version`` changes), so it is the same on SQLite and PostgreSQL and costs no
SQL per search. The rules (free text, thématique, public, age, quartier…) are documented there;
:func:`service_matches` is their Python twin on model instances (parcours).

Distances are computed in Lambert-93 metres (``x_l93``/``y_l93``), never in degrees. Structures
« à localiser » are left out of position searches (``near``/``bbox``) and counted in
:attr:`SearchPage.unlocated_excluded`, with a warning.

Age ranges are in years, minimum included and maximum excluded (0-3 = before 3 years).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from maillage.territory.geo import lonlat_to_l93
from maillage.territory.models import Territory, Zone

from . import search_index
from .models import Service, Structure, Typology
from .results import SearchHit, SearchPage

MAX_LIMIT = 500
DEFAULT_LIMIT = 50


class StructureNotFound(LookupError):
    def __init__(self, ref: Any) -> None:
        super().__init__(_("Structure « %(ref)s » introuvable.") % {"ref": ref})


def base_queryset(*, territory: Territory, published_only: bool) -> QuerySet[Structure]:
    """Structures with what summaries need (typology, organisation, commune without its
    boundary, services, zones without their boundaries)."""
    services = Service.objects.order_by("name", "pk").defer("zone_eligibilite")
    if published_only:
        services = services.filter(published=True)
    zones = Zone.objects.only("id", "kind", "code", "name").order_by("kind", "code")
    qs = (
        Structure.objects.filter(territory=territory)
        .select_related("typology", "organisation", "commune")
        .defer("commune__boundary", "search_text")
        .prefetch_related(Prefetch("services", queryset=services), Prefetch("zones", zones))
    )
    return qs.filter(published=True) if published_only else qs


# --------------------------------------------------------------------------- service filters


def age_range(service: Service | None, typology: Typology | None) -> tuple[Any, Any]:
    """A service's age range in years, else its structure's typology default."""
    if service is not None and (service.age_min is not None or service.age_max is not None):
        return service.age_min, service.age_max
    if typology is not None:
        return typology.age_min, typology.age_max
    return None, None


def _contains_age(rng: tuple[Any, Any], age: float) -> bool:
    lo, hi = rng
    if lo is None and hi is None:
        return False
    return (lo is None or lo <= age) and (hi is None or age < hi)


def _thematique_match(values: Iterable[str], wanted: str) -> bool:
    return any(v == wanted or v.startswith(f"{wanted}--") for v in values)


def service_matches(
    service: Service | None,
    typology: Typology | None,
    *,
    thematique: str | None,
    public: str | None,
    age: float | None,
) -> bool:
    """Python twin of :func:`_service_q` (same rules), used on the page's services."""
    if thematique:
        values = list(service.thematiques or []) if service else []
        if not values and typology is not None:
            values = list(typology.thematiques or [])
        if not _thematique_match(values, thematique):
            return False
    if public:
        values = list(service.publics or []) if service else []
        if not values and typology is not None:
            values = list(getattr(typology, "publics", None) or [])
        if public not in values and "tous-publics" not in values:
            return False
    return age is None or _contains_age(age_range(service, typology), age)


def _selection(
    index: search_index.DirectoryIndex,
    *,
    bbox: tuple[float, float, float, float] | None,
    near: tuple[float, float] | None,
    radius_m: float | None,
    **filters: Any,
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None, int]:
    """(rows in result order, distances of those rows or None, service mask, unlocated count)."""
    found = index.match(**filters)
    rows, unlocated = found.rows, 0
    if bbox is not None or near is not None:
        located = index.located[rows]
        unlocated = int((~located).sum())
        rows = rows[located]
    if bbox is not None:
        lon, lat = index.lon[rows], index.lat[rows]
        inside = (lon >= bbox[0]) & (lon <= bbox[2]) & (lat >= bbox[1]) & (lat <= bbox[3])
        rows = rows[inside]
    if near is None:
        return rows, None, found.service_mask, unlocated
    ox, oy = (float(v) for v in lonlat_to_l93(near[0], near[1]))
    dist = np.round(np.hypot(index.x[rows] - ox, index.y[rows] - oy), 1)
    keep = np.arange(len(rows)) if radius_m is None else np.flatnonzero(dist <= radius_m)
    order = keep[np.argsort(dist[keep], kind="stable")]  # rows come sorted by name, then id
    return rows[order], dist[order], found.service_mask, unlocated


def _warnings(unlocated: int) -> list[str]:
    if not unlocated:
        return []
    return [
        _(
            "%(n)d structure(s) correspondant à la recherche ne sont pas localisées "
            "(« à localiser ») et n'apparaissent pas dans ces résultats."
        )
        % {"n": unlocated}
    ]


def structure_search(
    *,
    territory: Territory,
    q: str | None = None,
    thematique: str | None = None,
    public: str | None = None,
    age: float | None = None,
    commune: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    near: tuple[float, float] | None = None,
    radius_m: float | None = None,
    typology: str | None = None,
    quartier: str | None = None,
    published_only: bool = True,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> SearchPage:
    """Search the structures of a territory.

    Parameters
    ----------
    q : words, each contained in the structure's search text (accent- and case-insensitive).
    thematique : data·inclusion v1 thématique slug or category (``famille``).
    public : data·inclusion v1 public slug (``tous-publics`` services match every public);
        a service without publics takes its typology's default publics.
    age : age in years; matches services (or the typology default) whose range contains it.
    commune : INSEE code or name. typology : typology code or family (``EAJE``).
    quartier : zone code (IRIS, QPV or quartier) containing the structure.
    bbox : (min_lon, min_lat, max_lon, max_lat) in WGS84 degrees.
    near : (lon, lat) in WGS84; results sorted by distance in Lambert-93 metres.
    radius_m : with ``near``, keep structures within this distance (metres).
    limit, offset : page; the order (distance, then name, then id) is stable.
    """
    limit = max(0, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    index = search_index.get(territory=territory, published_only=published_only)
    rows, dist, service_mask, unlocated = _selection(
        index,
        bbox=bbox,
        near=near,
        radius_m=radius_m,
        q=q,
        thematique=thematique,
        public=public,
        age=age,
        commune=commune,
        typology=typology,
        quartier=quartier,
    )
    page = range(offset, min(offset + limit, len(rows)))
    results = [
        SearchHit(
            structure=index.summaries[rows[i]],
            services=index.services_of(int(rows[i]), service_mask),
            distance_m=None if dist is None else float(dist[i]),
        )
        for i in page
    ]
    return SearchPage(
        results=results,
        total=len(rows),
        limit=limit,
        offset=offset,
        unlocated_excluded=unlocated,
        warnings=_warnings(unlocated),
    )


def structure_get(
    *,
    territory: Territory,
    id: int | None = None,
    slug: str | None = None,
    published_only: bool = True,
) -> SearchHit:
    """One structure with all its (published) services; raise :class:`StructureNotFound`."""
    index = search_index.get(territory=territory, published_only=published_only)
    row = index.row_of.get(id) if id is not None else index.row_of_slug.get(slug or "")
    if row is None:
        raise StructureNotFound(id if id is not None else slug)
    return SearchHit(
        structure=index.summaries[row], services=index.services_of(row, None), distance_m=None
    )


def structure_geojson(
    *,
    territory: Territory,
    q: str | None = None,
    thematique: str | None = None,
    public: str | None = None,
    age: float | None = None,
    commune: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    near: tuple[float, float] | None = None,
    radius_m: float | None = None,
    typology: str | None = None,
    quartier: str | None = None,
    published_only: bool = True,
) -> dict[str, Any]:
    """FeatureCollection (WGS84 points) of the located structures matching the filters of
    :func:`structure_search`; ``unlocated`` counts the matching structures « à localiser »."""
    index = search_index.get(territory=territory, published_only=published_only)
    rows, dist, _mask, unlocated = _selection(
        index,
        bbox=bbox,
        near=near,
        radius_m=radius_m,
        q=q,
        thematique=thematique,
        public=public,
        age=age,
        commune=commune,
        typology=typology,
        quartier=quartier,
    )
    if dist is None:
        located = index.located[rows]
        unlocated += int((~located).sum())
        rows = rows[located]
    features = []
    for i, row in enumerate(rows.tolist()):
        s = index.summaries[row]
        features.append(
            {
                "type": "Feature",
                "id": s.id,
                "geometry": {"type": "Point", "coordinates": [s.lon, s.lat]},
                "properties": {
                    "id": s.id,
                    "slug": s.slug,
                    "name": s.name,
                    "typology": s.typology_code,
                    "typology_label": s.typology_label,
                    "theme": s.theme,
                    "address": s.address,
                    "commune": s.commune_name,
                    "position_precision": s.position_precision,
                    "places": index.places[row],
                    "distance_m": None if dist is None else float(dist[i]),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features, "unlocated": unlocated}


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance in metres between two WGS84 (lon, lat) points, computed in Lambert-93."""
    (x0, x1), (y0, y1) = lonlat_to_l93([a[0], b[0]], [a[1], b[1]])
    return float(math.hypot(x1 - x0, y1 - y0))
