"""Search of the directory, filtered in SQL (SQLite and PostgreSQL alike).

Free text: every word of the query is contained in the denormalised ``search_text`` column
(unaccented lowercase, see :mod:`.search_text`). Service filters (thématique, public, age) are
one ``EXISTS`` subquery on the services, falling back to the typology for structures without a
service. Only the requested page is turned into result objects.

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
from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from maillage.territory.geo import lonlat_to_l93
from maillage.territory.models import Territory, Zone

from .models import Service, Structure, Typology
from .results import SearchHit, SearchPage
from .search_text import tokens
from .summaries import page_summaries, service_summary, structure_summary

MAX_LIMIT = 500
DEFAULT_LIMIT = 50


class StructureNotFound(LookupError):
    def __init__(self, ref: Any) -> None:
        super().__init__(_("Structure « %(ref)s » introuvable.") % {"ref": ref})


def base_queryset(*, territory: Territory, published_only: bool) -> QuerySet[Structure]:
    """Structures with what summaries need (typology, organisation, commune without its
    boundary, services, zones without their boundaries)."""
    services = Service.objects.order_by("name", "pk").defer(
        "zone_eligibilite", "modes_mobilisation", "mobilisable_par", "mobilisation_precisions"
    )
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


def _json_has(field: str, slug: str, *, prefix: bool = False) -> Q:
    """A JSON list field contains ``slug`` (or a value starting with ``slug--``)."""
    q = Q(**{f"{field}__icontains": f'"{slug}"'})
    if prefix:
        q |= Q(**{f"{field}__icontains": f'"{slug}--'})
    return q


def _age_q(prefix: str, age: float) -> Q:
    lo, hi = f"{prefix}age_min", f"{prefix}age_max"
    has = Q(**{f"{lo}__isnull": False}) | Q(**{f"{hi}__isnull": False})
    return (
        has
        & (Q(**{f"{lo}__isnull": True}) | Q(**{f"{lo}__lte": age}))
        & (Q(**{f"{hi}__isnull": True}) | Q(**{f"{hi}__gt": age}))
    )


def _publics_q(field: str, public: str) -> Q:
    return _json_has(field, public) | _json_has(field, "tous-publics")


def _typology_q(
    prefix: str, *, thematique: str | None, age: float | None, public: str | None = None
) -> Q:
    q = Q()
    if thematique:
        q &= _json_has(f"{prefix}typology__thematiques", thematique, prefix=True)
    if public:
        q &= _publics_q(f"{prefix}typology__publics", public)
    if age is not None:
        q &= _age_q(f"{prefix}typology__", age)
    return q


def _service_q(*, thematique: str | None, public: str | None, age: float | None) -> Q:
    q = Q()
    if thematique:
        own = _json_has("thematiques", thematique, prefix=True)
        none = ~Q(thematiques__icontains='"')  # an empty list
        q &= own | (none & _typology_q("structure__", thematique=thematique, age=None))
    if public:
        none = ~Q(publics__icontains='"')  # an empty list: the typology's publics apply
        q &= _publics_q("publics", public) | (
            none & _typology_q("structure__", thematique=None, age=None, public=public)
        )
    if age is not None:
        no_range = Q(age_min__isnull=True, age_max__isnull=True)
        q &= _age_q("", age) | (no_range & _typology_q("structure__", thematique=None, age=age))
    return q


# --------------------------------------------------------------------------- search


def _filtered(
    *,
    territory: Territory,
    q: str | None,
    thematique: str | None,
    public: str | None,
    age: float | None,
    commune: str | None,
    typology: str | None,
    quartier: str | None,
    published_only: bool,
) -> QuerySet[Structure]:
    qs = Structure.objects.filter(territory=territory)
    if published_only:
        qs = qs.filter(published=True)
    for token in tokens(q):
        qs = qs.filter(search_text__contains=token)
    if commune:
        qs = qs.filter(Q(commune__insee_code=commune) | Q(commune__name__iexact=commune))
    if typology:
        qs = qs.filter(Q(typology__code=typology) | Q(typology__family__iexact=typology))
    if quartier:
        qs = qs.filter(
            pk__in=Structure.zones.through.objects.filter(zone__code=quartier).values(
                "structure_id"
            )
        )
    if thematique or public or age is not None:
        services = Service.objects.filter(structure__territory=territory)
        if published_only:
            services = services.filter(published=True)
        wanted = services.filter(_service_q(thematique=thematique, public=public, age=age))
        # Semi-joins (evaluated once), not correlated subqueries (one per structure).
        matching = Q(pk__in=wanted.values("structure_id"))
        without = ~Q(pk__in=services.values("structure_id"))
        by_typology = _typology_q("", thematique=thematique, age=age, public=public)
        qs = qs.filter(matching | (without & by_typology))
    return qs


def _search_ids(
    *,
    territory: Territory,
    bbox: tuple[float, float, float, float] | None,
    near: tuple[float, float] | None,
    radius_m: float | None,
    **filters: Any,
) -> tuple[QuerySet[Structure], list[tuple[int, float | None]] | None, int]:
    """Return (ordered queryset, ordered (id, distance) list when ``near``, unlocated count)."""
    qs = _filtered(territory=territory, **filters)
    unlocated = 0
    if bbox is not None or near is not None:
        unlocated = qs.filter(Q(x_l93__isnull=True) | Q(lon__isnull=True)).count()
        qs = qs.filter(x_l93__isnull=False, lon__isnull=False)
    if bbox is not None:
        qs = qs.filter(lon__gte=bbox[0], lon__lte=bbox[2], lat__gte=bbox[1], lat__lte=bbox[3])
    qs = qs.order_by("sort_name", "pk")
    if near is None:
        return qs, None, unlocated
    rows = list(qs.values_list("pk", "x_l93", "y_l93"))
    if not rows:
        return qs, [], unlocated
    ox, oy = (float(v) for v in lonlat_to_l93(near[0], near[1]))
    ids = np.array([r[0] for r in rows])
    xy = np.array([(r[1], r[2]) for r in rows], dtype=float)
    dist = np.round(np.hypot(xy[:, 0] - ox, xy[:, 1] - oy), 1)
    keep = np.arange(len(rows)) if radius_m is None else np.flatnonzero(dist <= radius_m)
    order = keep[np.argsort(dist[keep], kind="stable")]  # rows come sorted by name, then id
    return qs, [(int(ids[i]), float(dist[i])) for i in order], unlocated


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
    service_filters = {"thematique": thematique, "public": public, "age": age}
    qs, near_ids, unlocated = _search_ids(
        territory=territory,
        bbox=bbox,
        near=near,
        radius_m=radius_m,
        q=q,
        commune=commune,
        typology=typology,
        quartier=quartier,
        published_only=published_only,
        **service_filters,
    )
    if near_ids is None:
        all_ids = list(qs.values_list("pk", flat=True))  # one query for the count and the page
        total = len(all_ids)
        page_ids = all_ids[offset : offset + limit]
        distances: dict[int, float | None] = {}
    else:
        total = len(near_ids)
        page = near_ids[offset : offset + limit]
        page_ids = [pk for pk, _ in page]
        distances = dict(page)
    results = [
        SearchHit(structure=summary, services=services, distance_m=distances.get(pk))
        for pk, (summary, services) in page_summaries(
            page_ids, published_only=published_only, matches=service_matches, **service_filters
        ).items()
    ]
    return SearchPage(
        results=results,
        total=total,
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
    qs = base_queryset(territory=territory, published_only=published_only)
    s = qs.filter(pk=id).first() if id is not None else qs.filter(slug=slug).first()
    if s is None:
        raise StructureNotFound(id if id is not None else slug)
    return SearchHit(
        structure=structure_summary(s),
        services=[service_summary(sv) for sv in s.services.all()],
        distance_m=None,
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
    filters = {
        "q": q,
        "thematique": thematique,
        "public": public,
        "age": age,
        "commune": commune,
        "typology": typology,
        "quartier": quartier,
        "published_only": published_only,
    }
    qs, near_ids, unlocated = _search_ids(
        territory=territory, bbox=bbox, near=near, radius_m=radius_m, **filters
    )
    if near_ids is None:
        unlocated += qs.filter(x_l93__isnull=True).count()
        qs = qs.filter(x_l93__isnull=False)
    places = Sum(
        "services__capacity", filter=Q(services__published=True) if published_only else Q()
    )
    fields = ("pk", "slug", "name", "lon", "lat", "address", "position_precision")
    rows = {
        r["pk"]: r
        for r in qs.annotate(places=places).values(
            *fields,
            "places",
            "typology__code",
            "typology__label",
            "typology__theme",
            "commune__name",
        )
    }
    order = [pk for pk, _ in near_ids] if near_ids is not None else list(rows)
    distances = dict(near_ids or [])
    features = []
    for pk in order:
        r = rows[pk]
        features.append(
            {
                "type": "Feature",
                "id": pk,
                "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
                "properties": {
                    "id": pk,
                    "slug": r["slug"],
                    "name": r["name"],
                    "typology": r["typology__code"] or "",
                    "typology_label": r["typology__label"] or "",
                    "theme": r["typology__theme"] or "",
                    "address": r["address"],
                    "commune": r["commune__name"] or "",
                    "position_precision": r["position_precision"],
                    "places": r["places"],
                    "distance_m": distances.get(pk),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features, "unlocated": unlocated}


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance in metres between two WGS84 (lon, lat) points, computed in Lambert-93."""
    (x0, x1), (y0, y1) = lonlat_to_l93([a[0], b[0]], [a[1], b[1]])
    return float(math.hypot(x1 - x0, y1 - y0))
