"""Reads of the directory: search, map, data quality, childcare supply, parcours.

The search itself lives in :mod:`maillage.directory.search` and is re-exported here
(``structure_search``, ``structure_get``, ``structure_geojson``), so callers import every
directory read from this module.

Age ranges are in years, minimum included and maximum excluded (0-3 = before 3 years).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from maillage.territory.models import Statistic, Territory, Zone
from maillage.text import fold

from .grouped import grouped_shares
from .models import CtgTheme, Service, Structure
from .results import (
    ChildcareByTypology,
    ChildcareSite,
    ChildcareSupply,
    DataQuality,
    Parcours,
    ParcoursGroup,
    QualityItem,
    StructureSummary,
)
from .search import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    StructureNotFound,
    age_range,
    base_queryset,
    service_matches,
    structure_geojson,
    structure_get,
    structure_search,
)
from .summaries import service_summary, structure_summary

__all__ = [
    "AGE_BANDS",
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "StructureNotFound",
    "childcare_supply",
    "data_quality",
    "directory_drafts",
    "parcours",
    "service_summary",
    "structure_geojson",
    "structure_get",
    "structure_search",
    "structure_summary",
]


AGE_BANDS: dict[str, tuple[Any, float | None, float | None]] = {
    "0-3": (_lazy("Avant 3 ans"), 0.0, 3.0),
    "3-6": (_lazy("De 3 à 6 ans"), 3.0, 6.0),
    "6-11": (_lazy("De 6 à 11 ans"), 6.0, 11.0),
    "11-17": (_lazy("De 11 à 17 ans"), 11.0, 18.0),
    "parents": (_lazy("Parents"), None, None),
}
PARENTS = "famille--soutien-a-la-parentalite-et-a-leducation"


# --------------------------------------------------------------------------- data quality


def _overlaps(rng: tuple[Any, Any], lo: float, hi: float) -> bool:
    a, b = rng
    if a is None and b is None:
        return False
    return (a if a is not None else 0) < hi and (b if b is not None else 200) > lo


def _item(s: Structure, problems: list[str], *, public: bool = False) -> QualityItem:
    return QualityItem(
        id=s.pk,
        slug=s.slug,
        name=s.name,
        typology_label=s.typology.label if s.typology else "",
        source_label=(s.public_source or s.source_label) if public else s.source_label,
        problems=problems,
    )


def data_quality(*, territory: Territory, published_only: bool = True) -> DataQuality:
    """Structures missing a position, hours, a capacity (childcare) or any contact.

    ``published_only=False`` (coordinators, observers, the command line) adds the drafts and
    lists them as unpublished; the public never sees a draft's name.
    """
    qs = base_queryset(territory=territory, published_only=published_only)
    if published_only:  # the public never sees the CTG's declared-only supply as a fiche
        qs = qs.filter(declared_only=False)
    structures = list(qs)
    structures.sort(key=lambda s: (fold(s.name), s.pk))
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
            lists[p].append(_item(s, problems, public=published_only))
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
    qs = base_queryset(territory=territory, published_only=True).filter(typology__childcare=True)
    by_typology: dict[str, dict[str, Any]] = {}
    sites: list[ChildcareSite] = []
    without = 0
    shares = grouped_shares(territory=territory)  # grouped records split into parts
    typed = [(s, s.typology) for s in qs if s.typology is not None]  # all: childcare typology
    for s, typology in sorted(typed, key=lambda st: (st[1].position, fold(st[0].name), st[0].pk)):
        share = shares.get(s.pk)
        if share is not None and share.complete:  # its parts replace it
            continue
        services = [sv for sv in s.services.all() if sv.capacity is not None]
        row = by_typology.setdefault(
            typology.code,
            {"label": typology.label, "structures": 0, "places": 0, "sites": 0},
        )
        row["structures"] += 1
        row["sites"] += share.left_lieux if share else s.grouped_count or 1
        if not services:
            without += 1
            continue
        places = sum(sv.capacity or 0 for sv in services)  # none is None (filtered above)
        if share is not None and share.left_places is not None:
            places = share.left_places  # what its parts don't count
        public = [sv.places_open_to_public for sv in services if sv.places_open_to_public]
        row["places"] += places
        sites.append(
            ChildcareSite(
                structure_id=s.pk,
                name=s.name,
                typology_code=typology.code,
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
    # Two passes: which structures are kept is read from a light query (the ages and
    # thematiques of structures, typologies and published services); only the kept ones are
    # then loaded whole for their summaries (the page asks for five bands: most structures
    # are kept by one or two of them).
    light = (
        Structure.objects.filter(territory=territory, published=True, declared_only=False)
        .select_related("typology")
        .only(
            "pk",
            "typology__theme",
            "typology__age_min",
            "typology__age_max",
            "typology__thematiques",
        )
        .prefetch_related(
            Prefetch(
                "services",
                queryset=Service.objects.filter(published=True).only(
                    "pk", "structure_id", "age_min", "age_max", "thematiques"
                ),
            )
        )
    )
    kept = []
    for s in light:
        services: list[Service | None] = [*s.services.all()] or [None]
        if lo is None or hi is None:
            parent_theme = s.typology is not None and s.typology.theme == CtgTheme.PARENTALITE
            keep = parent_theme or any(
                service_matches(sv, s.typology, thematique=PARENTS, public=None, age=None)
                for sv in services
            )
        else:
            keep = any(_overlaps(age_range(sv, s.typology), lo, hi) for sv in services)
        if keep:
            kept.append(s.pk)
    qs = (
        base_queryset(territory=territory, published_only=True)
        .filter(declared_only=False, pk__in=kept)
        .prefetch_related(None)  # the services were read above; the summaries need the zones
        .prefetch_related(
            Prefetch(
                "zones", Zone.objects.only("id", "kind", "code", "name").order_by("kind", "code")
            )
        )
    )
    groups: dict[str, list[StructureSummary]] = {}
    for s in sorted(qs, key=lambda s: (fold(s.name), s.pk)):
        theme = s.typology.theme if s.typology else ""
        groups.setdefault(theme, []).append(structure_summary(s, public=True))
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


# --------------------------------------------------------------------------- drafts


def directory_drafts(*, territory: Territory) -> tuple[list[Structure], list[Service]]:
    """The territory's unpublished structures (with their services), and the unpublished
    services of published structures — what the coordinator has to publish."""
    structures = list(
        Structure.objects.filter(territory=territory, published=False)
        .select_related("organisation", "typology", "commune")
        .prefetch_related(Prefetch("services", queryset=Service.objects.order_by("name", "pk")))
        .order_by("-updated_at", "pk")
    )
    services = list(
        Service.objects.filter(
            structure__territory=territory, structure__published=True, published=False
        )
        .select_related("structure__organisation")
        .order_by("-updated_at", "pk")
    )
    return structures, services
