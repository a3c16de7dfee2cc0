"""Reads of the directory: search, map, data quality, childcare supply, parcours.

Distances are computed in Lambert-93 metres (``x_l93``/``y_l93``), never in degrees. Structures
« à localiser » (no position) are left out of distance and map results, and counted in
:attr:`SearchPage.unlocated_excluded` with a warning.

Age ranges are in years, minimum included and maximum excluded (0-3 = before 3 years).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from maillage.territory.geo import lonlat_to_l93
from maillage.territory.models import Statistic, Territory

from .models import CtgTheme, Service, Structure, Typology
from .results import (
    ChildcareByTypology,
    ChildcareSite,
    ChildcareSupply,
    DataQuality,
    Parcours,
    ParcoursGroup,
    QualityItem,
    SearchHit,
    SearchPage,
    ServiceSummary,
    StructureSummary,
)
from .search_text import normalize, tokens

MAX_LIMIT = 500
DEFAULT_LIMIT = 50

AGE_BANDS: dict[str, tuple[Any, float | None, float | None]] = {
    "0-3": (_lazy("Avant 3 ans"), 0.0, 3.0),
    "3-6": (_lazy("De 3 à 6 ans"), 3.0, 6.0),
    "6-11": (_lazy("De 6 à 11 ans"), 6.0, 11.0),
    "11-17": (_lazy("De 11 à 17 ans"), 11.0, 18.0),
    "parents": (_lazy("Parents"), None, None),
}
PARENTS = "famille--soutien-a-la-parentalite-et-a-leducation"


class StructureNotFound(LookupError):
    def __init__(self, ref: Any) -> None:
        super().__init__(_("Structure « %(ref)s » introuvable.") % {"ref": ref})


# --------------------------------------------------------------------------- summaries


def service_summary(service: Service) -> ServiceSummary:
    return ServiceSummary(
        id=service.pk,
        name=service.name,
        description=service.description,
        type=service.type,
        thematiques=list(service.thematiques or []),
        publics=list(service.publics or []),
        frais=service.frais,
        modes_accueil=list(service.modes_accueil or []),
        age_min=service.age_min,
        age_max=service.age_max,
        capacity=service.capacity,
        places_open_to_public=service.places_open_to_public,
        childcare_modes=list(service.childcare_modes or []),
        insertion_places=service.insertion_places,
        opening_hours=service.opening_hours,
        source=service.source,
        source_id=service.source_id,
        source_label=service.source_label,
        note=service.note,
    )


def structure_summary(s: Structure) -> StructureSummary:
    t, org, commune = s.typology, s.organisation, s.commune
    return StructureSummary(
        id=s.pk,
        slug=s.slug,
        name=s.name,
        typology_code=t.code if t else "",
        typology_label=t.label if t else "",
        typology_family=t.family if t else "",
        theme=t.theme if t else "",
        organisation=org.name if org else "",
        organisation_kind=org.kind if org else "",
        sector=s.sector,
        address=s.address,
        postcode=s.postcode,
        commune_code=commune.insee_code if commune else "",
        commune_name=commune.name if commune else "",
        lon=s.lon,
        lat=s.lat,
        x_l93=s.x_l93,
        y_l93=s.y_l93,
        position_precision=s.position_precision,
        position_source=s.position_source,
        opening_hours=s.opening_hours,
        phone=s.phone,
        email=s.email,
        website=s.website,
        acceslibre_url=s.acceslibre_url,
        uai=s.uai,
        siret=s.siret,
        finess=s.finess,
        source=s.source,
        source_id=s.source_id,
        source_label=s.source_label,
        source_url=s.source_url,
        data_updated_on=s.data_updated_on,
        grouped_count=s.grouped_count,
        note=s.note,
        published=s.published,
        zones=sorted(z.code for z in s.zones.all()),
    )


def _base_queryset(*, territory: Territory, published_only: bool) -> QuerySet[Structure]:
    services = Service.objects.order_by("name", "pk")
    if published_only:
        services = services.filter(published=True)
    qs = (
        Structure.objects.filter(territory=territory)
        .select_related("typology", "organisation", "commune")
        .prefetch_related(Prefetch("services", queryset=services), "zones")
    )
    return qs.filter(published=True) if published_only else qs


# --------------------------------------------------------------------------- service filters


def _age_range(service: Service | None, typology: Typology | None) -> tuple[Any, Any]:
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


def _overlaps(rng: tuple[Any, Any], lo: float, hi: float) -> bool:
    a, b = rng
    if a is None and b is None:
        return False
    return (a if a is not None else 0) < hi and (b if b is not None else 200) > lo


def _thematique_match(values: Iterable[str], wanted: str) -> bool:
    return any(v == wanted or v.startswith(f"{wanted}--") for v in values)


def _service_matches(
    service: Service | None,
    typology: Typology | None,
    *,
    thematique: str | None,
    public: str | None,
    age: float | None,
) -> bool:
    if thematique:
        values = list(service.thematiques or []) if service else []
        if not values and typology is not None:
            values = list(typology.thematiques or [])
        if not _thematique_match(values, thematique):
            return False
    if public:
        values = list(service.publics or []) if service else []
        if public not in values and "tous-publics" not in values:
            return False
    return age is None or _contains_age(_age_range(service, typology), age)


def _matching_services(
    s: Structure, *, thematique: str | None, public: str | None, age: float | None
) -> list[Service] | None:
    """Services matching the filters; ``[]`` when the structure matches without a service;
    ``None`` when it does not match."""
    services = list(s.services.all())
    if not (thematique or public or age is not None):
        return services
    matching = [
        sv
        for sv in services
        if _service_matches(sv, s.typology, thematique=thematique, public=public, age=age)
    ]
    if matching:
        return matching
    if not services and _service_matches(
        None, s.typology, thematique=thematique, public=public, age=age
    ):
        return []
    return None


# --------------------------------------------------------------------------- search


def _filtered(
    *,
    territory: Territory,
    q: str | None,
    commune: str | None,
    typology: str | None,
    quartier: str | None,
    published_only: bool,
) -> QuerySet[Structure]:
    qs = _base_queryset(territory=territory, published_only=published_only)
    for token in tokens(q):
        qs = qs.filter(search_text__contains=token)
    if commune:
        qs = qs.filter(Q(commune__insee_code=commune) | Q(commune__name__iexact=commune))
    if typology:
        qs = qs.filter(Q(typology__code=typology) | Q(typology__family__iexact=typology))
    if quartier:
        qs = qs.filter(zones__code=quartier).distinct()
    return qs


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
    public : data·inclusion v1 public slug (``tous-publics`` services match every public).
    age : age in years; matches services (or the typology default) whose range contains it.
    commune : INSEE code or name. typology : typology code or family (``EAJE``).
    quartier : zone code (IRIS, QPV or quartier) containing the structure.
    bbox : (min_lon, min_lat, max_lon, max_lat) in WGS84 degrees.
    near : (lon, lat) in WGS84; results sorted by distance in Lambert-93 metres.
    radius_m : with ``near``, keep structures within this distance (metres).
    limit, offset : page; the order (distance or name, then id) is stable.
    """
    limit = max(0, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    qs = _filtered(
        territory=territory,
        q=q,
        commune=commune,
        typology=typology,
        quartier=quartier,
        published_only=published_only,
    )
    origin = None
    if near is not None:
        x, y = lonlat_to_l93(near[0], near[1])
        origin = (float(x), float(y))
    hits: list[tuple[Structure, list[Service], float | None]] = []
    unlocated = 0
    for s in qs:
        services = _matching_services(s, thematique=thematique, public=public, age=age)
        if services is None:
            continue
        distance = None
        if bbox is not None or origin is not None:
            if not s.located:
                unlocated += 1
                continue
            if bbox is not None and not (
                bbox[0] <= s.lon <= bbox[2] and bbox[1] <= s.lat <= bbox[3]
            ):
                continue
            if origin is not None:
                distance = round(math.hypot(s.x_l93 - origin[0], s.y_l93 - origin[1]), 1)
                if radius_m is not None and distance > radius_m:
                    continue
        hits.append((s, services, distance))
    if origin is not None:
        hits.sort(key=lambda h: (h[2], normalize(h[0].name), h[0].pk))
    else:
        hits.sort(key=lambda h: (normalize(h[0].name), h[0].pk))
    warnings = []
    if unlocated:
        warnings.append(
            _(
                "%(n)d structure(s) correspondant à la recherche ne sont pas localisées "
                "(« à localiser ») et n'apparaissent pas dans ces résultats."
            )
            % {"n": unlocated}
        )
    page = hits[offset : offset + limit]
    return SearchPage(
        results=[
            SearchHit(
                structure=structure_summary(s),
                services=[service_summary(sv) for sv in services],
                distance_m=distance,
            )
            for s, services, distance in page
        ],
        total=len(hits),
        limit=limit,
        offset=offset,
        unlocated_excluded=unlocated,
        warnings=warnings,
    )


def structure_get(
    *,
    territory: Territory,
    id: int | None = None,
    slug: str | None = None,
    published_only: bool = True,
) -> SearchHit:
    """One structure with all its (published) services; raise :class:`StructureNotFound`."""
    qs = _base_queryset(territory=territory, published_only=published_only)
    s = qs.filter(pk=id).first() if id is not None else qs.filter(slug=slug).first()
    if s is None:
        raise StructureNotFound(id if id is not None else slug)
    return SearchHit(
        structure=structure_summary(s),
        services=[service_summary(sv) for sv in s.services.all()],
        distance_m=None,
    )


def structure_geojson(*, territory: Territory, **filters: Any) -> dict[str, Any]:
    """FeatureCollection (WGS84) of the located structures matching ``filters``
    (the keyword arguments of :func:`structure_search`, without limit/offset)."""
    filters.pop("limit", None)
    filters.pop("offset", None)
    page = structure_search(territory=territory, limit=MAX_LIMIT, **filters)
    results = list(page.results)
    offset = len(results)
    while offset < page.total:
        more = structure_search(territory=territory, limit=MAX_LIMIT, offset=offset, **filters)
        results += more.results
        offset += len(more.results) or page.total
    features = []
    unlocated = 0
    for hit in results:
        s = hit.structure
        if not s.located:
            unlocated += 1
            continue
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
                    "places": sum(sv.capacity or 0 for sv in hit.services) or None,
                    "distance_m": hit.distance_m,
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "features": features,
        "unlocated": unlocated + page.unlocated_excluded,
    }


# --------------------------------------------------------------------------- data quality


def _item(s: Structure, problems: list[str]) -> QualityItem:
    return QualityItem(
        id=s.pk,
        slug=s.slug,
        name=s.name,
        typology_label=s.typology.label if s.typology else "",
        source_label=s.source_label,
        problems=problems,
    )


def data_quality(*, territory: Territory) -> DataQuality:
    """Structures missing a position, hours, a capacity (childcare) or any contact."""
    structures = list(_base_queryset(territory=territory, published_only=False))
    structures.sort(key=lambda s: (normalize(s.name), s.pk))
    lists: dict[str, list[QualityItem]] = {
        k: [] for k in ("position", "hours", "capacity", "contact", "grouped", "unpublished")
    }
    for s in structures:
        services = list(s.services.all())
        problems = []
        if not s.located:
            problems.append("position")
        if not s.opening_hours and not any(sv.opening_hours for sv in services):
            problems.append("hours")
        if (
            s.typology
            and s.typology.childcare
            and not any(sv.capacity is not None for sv in services)
        ):
            problems.append("capacity")
        if not (s.phone or s.email or s.website):
            problems.append("contact")
        if s.is_grouped:
            problems.append("grouped")
        if not s.published:
            problems.append("unpublished")
        for p in problems:
            lists[p].append(_item(s, problems))
    return DataQuality(
        total=len(structures),
        missing_position=lists["position"],
        missing_hours=lists["hours"],
        missing_capacity=lists["capacity"],
        missing_contact=lists["contact"],
        grouped=lists["grouped"],
        unpublished=lists["unpublished"],
    )


# --------------------------------------------------------------------------- childcare supply


def childcare_supply(*, territory: Territory) -> ChildcareSupply:
    """Childcare places by typology and by site (published structures and services)."""
    qs = _base_queryset(territory=territory, published_only=True).filter(typology__childcare=True)
    by_typology: dict[str, dict[str, Any]] = {}
    sites: list[ChildcareSite] = []
    without = 0
    for s in sorted(qs, key=lambda s: (s.typology.position, normalize(s.name), s.pk)):
        services = [sv for sv in s.services.all() if sv.capacity is not None]
        row = by_typology.setdefault(
            s.typology.code,
            {"label": s.typology.label, "structures": 0, "places": 0, "sites": 0},
        )
        row["structures"] += 1
        row["sites"] += s.grouped_count or 1
        if not services:
            without += 1
            continue
        places = sum(sv.capacity for sv in services)
        public = [sv.places_open_to_public for sv in services if sv.places_open_to_public]
        row["places"] += places
        sites.append(
            ChildcareSite(
                structure_id=s.pk,
                name=s.name,
                typology_code=s.typology.code,
                places=places,
                places_open_to_public=sum(public) if public else None,
                x_l93=s.x_l93,
                y_l93=s.y_l93,
                grouped_count=s.grouped_count,
            )
        )
    children = (
        Statistic.objects.filter(territory=territory, key="enfants_0_2_ans")
        .order_by("-vintage")
        .first()
    )
    return ChildcareSupply(
        by_typology=[
            ChildcareByTypology(
                typology_code=code,
                typology_label=r["label"],
                structures=r["structures"],
                places_known=r["places"],
                sites=r["sites"],
            )
            for code, r in by_typology.items()
        ],
        total_places=sum(site.places for site in sites),
        sites=sites,
        located_places=sum(site.places for site in sites if site.located),
        unlocated_places=sum(site.places for site in sites if not site.located),
        structures_without_capacity=without,
        children_under_3=children.value if children else None,
        children_source=children.source if children else "",
        children_vintage=children.vintage if children else "",
    )


# --------------------------------------------------------------------------- parcours


def parcours(*, territory: Territory, age_band: str) -> Parcours:
    """The offer for an age band (``0-3``, ``3-6``, ``6-11``, ``11-17``) or for ``parents``,
    grouped by CTG theme. Raise ``ValueError`` for an unknown band."""
    if age_band not in AGE_BANDS:
        raise ValueError(
            _("Tranche « %(band)s » inconnue (attendu : %(known)s).")
            % {"band": age_band, "known": ", ".join(AGE_BANDS)}
        )
    label, lo, hi = AGE_BANDS[age_band]
    groups: dict[str, list[StructureSummary]] = {}
    qs = _base_queryset(territory=territory, published_only=True)
    for s in sorted(qs, key=lambda s: (normalize(s.name), s.pk)):
        services = list(s.services.all()) or [None]
        if lo is None or hi is None:
            parent_theme = s.typology is not None and s.typology.theme == CtgTheme.PARENTALITE
            keep = parent_theme or any(
                _service_matches(sv, s.typology, thematique=PARENTS, public=None, age=None)
                for sv in services
            )
        else:
            keep = any(_overlaps(_age_range(sv, s.typology), lo, hi) for sv in services)
        if keep:
            theme = s.typology.theme if s.typology else ""
            groups.setdefault(theme, []).append(structure_summary(s))
    order = [c.value for c in CtgTheme]
    return Parcours(
        age_band=age_band,
        label=str(label),
        age_min=lo,
        age_max=hi,
        groups=[
            ParcoursGroup(
                theme=theme,
                theme_label=str(CtgTheme(theme).label) if theme else _("Autres"),
                structures=items,
            )
            for theme, items in sorted(
                groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99
            )
        ],
    )
