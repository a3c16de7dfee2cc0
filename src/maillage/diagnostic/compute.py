"""Computations from in-memory inputs (:class:`Demand`, :class:`SiteRow`) to result objects.

No database access here: the selectors load the inputs (cached) and the scenarios change them
in memory, then both call these functions. Distances are straight lines in Lambert-93 metres.

Every spatial result first gets its :class:`~maillage.diagnostic.results.Validity`
(:mod:`maillage.diagnostic.validity`); when it is « non calculable » the spatial figures are
not computed at all (``None`` / empty), so no surface can show them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.analysis import (
    MIN_WHITE_ZONE_CELLS,
    MIN_WHITE_ZONE_POPULATION,
    aggregate_to_zones,
    catchments,
    coverage_rate,
    equity,
    nearest_site,
    population_within,
    two_step_fca,
    white_zones,
)
from maillage.territory.geo import l93_to_geojson, l93_to_lonlat

from .inputs import Demand, SiteRow
from .results import (
    Accessibility,
    Coverage,
    DistanceShare,
    EquitySummary,
    ExcludedStructure,
    Influence,
    SiteCatchment,
    WhiteZone,
    WhiteZones,
    ZoneValue,
)
from .themes import PUBLICS, Theme, site_matches, uses_places
from .validity import coverage_validity, supply_validity_for

DISTANCE_THRESHOLDS_M = (500.0, 1000.0, 2000.0)
BAND_ORDER = ("0-2", "3-5", "6-10", "11-17", "parents", "tous")


def _num(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def _unlocated(site: SiteRow) -> ExcludedStructure:
    places = _(" (%(n)d places non réparties par zone)") % {"n": site.places} if site.places else ""
    return ExcludedStructure(site.id, site.slug, site.public_name, _("à localiser") + places)


def _no_capacity(site: SiteRow) -> ExcludedStructure:
    return ExcludedStructure(site.id, site.slug, site.public_name, _("capacité (places) inconnue"))


def excluded_warning(excluded: Sequence[ExcludedStructure]) -> list[str]:
    if not excluded:
        return []
    return [
        _("%(n)d structure(s) laissée(s) de côté : %(list)s.")
        % {
            "n": len(excluded),
            "list": " ; ".join(f"{e.name} ({e.reason})" for e in excluded),
        }
    ]


def select_sites(
    sites: Sequence[SiteRow], *, theme: Theme, public: str, need_places: bool
) -> tuple[list[SiteRow], list[ExcludedStructure]]:
    """Located matching sites (with places when ``need_places``) and those left out."""
    kept, excluded = [], []
    for s in sites:
        if not site_matches(s, theme=theme, public=public):
            continue
        if not s.located:
            excluded.append(_unlocated(s))
        elif need_places and s.places is None:
            excluded.append(_no_capacity(s))
        else:
            kept.append(s)
    return kept, excluded


def _xy(sites: Sequence[SiteRow]) -> np.ndarray:
    return np.array([[s.x, s.y] for s in sites], dtype=np.float64).reshape(-1, 2)


def _zone_values(demand: Demand, cell_values: np.ndarray, target: np.ndarray) -> list[ZoneValue]:
    if not demand.zones:
        return []
    agg = aggregate_to_zones(
        values=cell_values, population=target, zone_weights=demand.zone_weights
    )
    return [
        ZoneValue(z.kind, z.code, z.name, float(agg.population[j]), _num(agg.values[j]))
        for j, z in enumerate(demand.zones)
    ]


def _zones_unknown(demand: Demand, target: np.ndarray) -> list[ZoneValue]:
    """Zones with their target population and an unknown value (result non calculable)."""
    return [
        ZoneValue(z.kind, z.code, z.name, z.target_population, None)
        for z in _zone_values(demand, np.zeros(demand.n_cells), target)
    ]


def _equity_unknown(target: np.ndarray, demand: Demand) -> EquitySummary:
    qpv = float(target @ demand.qpv_share) if demand.n_cells else 0.0
    return EquitySummary(None, None, None, qpv, float(target.sum()) - qpv, None)


def _equity(values: np.ndarray, target: np.ndarray, demand: Demand) -> EquitySummary:
    if target.sum() <= 0:
        return EquitySummary(None, None, None, 0.0, 0.0, None)
    e = equity(values=values, population=target, qpv=demand.qpv_share)
    gini = _num(e.gini) if values.any() else None
    return EquitySummary(
        _num(e.qpv_mean),
        _num(e.non_qpv_mean),
        _num(e.qpv_ratio),
        float(e.qpv_population),
        float(e.non_qpv_population),
        gini,
    )


def _capacities(sites: Sequence[SiteRow]) -> list[int]:
    """Places of the sites whose capacity is known (callers pass only those)."""
    return [s.places for s in sites if s.places is not None]


def compute_coverage(
    *,
    demand: Demand,
    sites: Sequence[SiteRow],
    territory: str,
    data_version: int,
    max_distance_m: float,
    weights: list[tuple[float, float]] | None = None,
) -> Coverage:
    childcare = [s for s in sites if s.childcare]
    with_places = [s for s in childcare if s.places is not None]
    located = [s for s in with_places if s.located]
    excluded = [_unlocated(s) for s in with_places if not s.located]
    excluded += [_no_capacity(s) for s in childcare if s.places is None]
    target = demand.bands["0-2"]
    children = float(target.sum())
    places_total = sum(_capacities(with_places))
    rate = (
        coverage_rate(places=_capacities(with_places) or [0], children_under_3=children)
        if children > 0
        else None
    )
    warnings = excluded_warning(excluded)
    validity = coverage_validity(sites=sites, territory=territory)
    zones: list[ZoneValue]
    located_rate: float | None
    if not validity.computable:
        located_rate, zones = None, _zones_unknown(demand, target)
    elif located and children > 0:
        acc = two_step_fca(
            demand_xy=demand.xy,
            demand=target,
            supply_xy=_xy(located),
            supply=_capacities(located),
            max_distance_m=max_distance_m,
            weights=weights,
        )
        located_rate = float(acc.values @ target) * 100.0 / children
        zones = _zone_values(demand, acc.values * 100.0, target)
    else:
        located_rate, zones = None, _zones_unknown(demand, target)
    assumptions = [
        _(
            "Taux d'équipement en EAJE = 100 × places en EAJE connues de l'annuaire "
            "(%(places)d, localisées ou non) / enfants de moins de 3 ans (%(children).0f)."
        )
        % {"places": places_total, "children": children},
        _(
            "Taux par zone : 2SFCA (Luo & Wang 2003) sur les seules places localisées, rayon "
            "%(d).0f m à vol d'oiseau ; moyenne des carreaux pondérée par les enfants de moins "
            "de 3 ans."
        )
        % {"d": max_distance_m},
        validity.rule,
        *demand.assumptions,
    ]
    return Coverage(
        territory=territory,
        data_version=data_version,
        max_distance_m=max_distance_m,
        weights=[cast("tuple[float, float]", tuple(w)) for w in weights] if weights else None,
        places_total=places_total,
        places_located=sum(_capacities(located)),
        children_under_3=children,
        children_source=demand.children_source,
        children_vintage=demand.children_vintage,
        rate=rate,
        located_rate=located_rate,
        zones=zones,
        excluded=excluded,
        validity=validity,
        warnings=warnings + list(demand.warnings),
        assumptions=assumptions,
    )


def compute_accessibility(
    *,
    demand: Demand,
    sites: Sequence[SiteRow],
    territory: str,
    data_version: int,
    theme: Theme,
    public: str,
    max_distance_m: float,
    weights: list[tuple[float, float]] | None = None,
) -> Accessibility:
    places = uses_places(theme, public)
    target = demand.bands[public]
    all_located, excluded = select_sites(sites, theme=theme, public=public, need_places=False)
    supply_sites = [s for s in all_located if s.places is not None] if places else all_located
    if places:
        excluded += [_no_capacity(s) for s in all_located if s.places is None]
    scale, unit = (100.0, "places") if places else (1000.0, "structures")
    label = (
        _("places pour 100 enfants de moins de 3 ans")
        if places
        else _("structures pour 1 000 %(public)s") % {"public": PUBLICS[public][0]}
    )
    total = float(target.sum())
    validity = supply_validity_for(sites=sites, theme=theme, public=public, territory=territory)
    computable = validity.computable and bool(supply_sites) and total > 0
    if computable:
        acc = two_step_fca(
            demand_xy=demand.xy,
            demand=target,
            supply_xy=_xy(supply_sites),
            supply=_capacities(supply_sites) if places else np.ones(len(supply_sites)),
            max_distance_m=max_distance_m,
            weights=weights,
        )
        values = acc.values * scale
        dist = nearest_site(cell_xy=demand.xy, site_xy=_xy(all_located)).distance_m
        shares = population_within(
            distance_m=dist, population=target, thresholds_m=DISTANCE_THRESHOLDS_M
        )
        distance_shares = [
            DistanceShare(float(t), float(p), _num(s))
            for t, p, s in zip(shares.thresholds_m, shares.population, shares.share, strict=True)
        ]
        territory_value: float | None = float(values @ target) / total
        zones = _zone_values(demand, values, target)
        equity_summary = _equity(values, target, demand)
    else:
        distance_shares, territory_value = [], None
        zones = _zones_unknown(demand, target)
        equity_summary = _equity_unknown(target, demand)
    return Accessibility(
        territory=territory,
        data_version=data_version,
        theme=theme.slug,
        public=public,
        max_distance_m=max_distance_m,
        target_label=str(PUBLICS[public][0]),
        target_population=total,
        supply_unit=unit,
        value_label=str(label),
        territory_value=territory_value,
        zones=zones,
        equity=equity_summary,
        distance_shares=distance_shares,
        sites_used=len(supply_sites),
        excluded=excluded,
        validity=validity,
        warnings=excluded_warning(excluded) + list(demand.warnings),
        assumptions=[
            _(
                "Accessibilité 2SFCA (Luo & Wang 2003), rayon %(d).0f m à vol d'oiseau, offre = "
                "%(unit)s ; valeur de zone = moyenne des carreaux pondérée par la population "
                "cible ; distances au site le plus proche à vol d'oiseau."
            )
            % {"d": max_distance_m, "unit": unit},
            validity.rule,
            *demand.assumptions,
        ],
    )


def _zones_touched(demand: Demand, members: np.ndarray) -> list[str]:
    if not demand.zones or members.size == 0:
        return []
    cols = np.unique(demand.zone_weights[members].nonzero()[1])
    return [demand.zones[j].code for j in cols]


def compute_white_zones(
    *,
    demand: Demand,
    sites: Sequence[SiteRow],
    territory: str,
    data_version: int,
    theme: Theme,
    public: str,
    max_distance_m: float,
) -> WhiteZones:
    target = demand.bands[public]
    located, excluded = select_sites(sites, theme=theme, public=public, need_places=False)
    warnings = excluded_warning(excluded) + list(demand.warnings)
    validity = supply_validity_for(sites=sites, theme=theme, public=public, territory=territory)
    polygons: Any = []
    labels: Any = np.array([], int)
    pops: Any = []
    counts: Any = []
    concerned: float | None = None
    dropped_count, dropped_population = 0, 0.0
    if validity.computable and located and demand.n_cells:
        wz = white_zones(
            population=target,
            cell_xy=demand.xy,
            site_xy=_xy(located),
            max_distance_m=max_distance_m,
            min_population=MIN_WHITE_ZONE_POPULATION,
            min_cells=MIN_WHITE_ZONE_CELLS,
        )
        polygons, labels, pops = wz.polygons, wz.cell_zone, wz.population
        counts, concerned = wz.cell_count, float(wz.total_population)
        dropped_count, dropped_population = wz.dropped_count, float(wz.dropped_population)
        if dropped_count:
            warnings.append(
                ngettext(
                    "%(n)d zone de moins d'une personne ou d'un seul carreau isolé n'est pas "
                    "retenue comme zone blanche (%(pop).1f personne(s) au total).",
                    "%(n)d zones de moins d'une personne ou d'un seul carreau isolé ne sont "
                    "pas retenues comme zones blanches (%(pop).1f personne(s) au total).",
                    dropped_count,
                )
                % {"n": dropped_count, "pop": dropped_population}
            )
    qpv_pop = target * demand.qpv_share
    zones = []
    for k, poly in enumerate(polygons):
        members = np.flatnonzero(labels == k)
        zones.append(
            WhiteZone(
                rank=k + 1,
                population=float(pops[k]),
                qpv_population=float(qpv_pop[members].sum()),
                cell_count=int(counts[k]),
                area_km2=float(poly.area / 1e6),
                zones=_zones_touched(demand, members),
                geometry=l93_to_geojson(poly),
            )
        )
    total = float(target.sum())
    return WhiteZones(
        territory=territory,
        data_version=data_version,
        theme=theme.slug,
        public=public,
        max_distance_m=max_distance_m,
        target_label=str(PUBLICS[public][0]),
        target_population=total,
        concerned_population=concerned,
        share=concerned / total if concerned is not None and total > 0 else None,
        sites_used=len(located),
        zones=zones,
        excluded=excluded,
        validity=validity,
        dropped_count=dropped_count,
        dropped_population=dropped_population,
        warnings=warnings,
        assumptions=[
            _(
                "Zone blanche : carreaux de 200 m où vit la population cible sans aucune "
                "structure localisée à moins de %(d).0f m à vol d'oiseau, regroupés par côté "
                "commun et classés par population concernée ; une zone de moins de "
                "%(min_pop).0f personne ou d'un seul carreau isolé n'est pas retenue."
            )
            % {"d": max_distance_m, "min_pop": MIN_WHITE_ZONE_POPULATION},
            validity.rule,
            *demand.assumptions,
        ],
    )


def compute_influence(
    *,
    demand: Demand,
    sites: Sequence[SiteRow],
    territory: str,
    data_version: int,
    theme: Theme,
    public: str,
    max_distance_m: float,
) -> Influence:
    target = demand.bands[public]
    located, excluded = select_sites(sites, theme=theme, public=public, need_places=False)
    warnings = excluded_warning(excluded) + list(demand.warnings)
    out: list[SiteCatchment] = []
    validity = supply_validity_for(sites=sites, theme=theme, public=public, territory=territory)
    unserved: float | None = None
    if validity.computable and located and demand.n_cells:
        bands = np.column_stack([demand.bands[b] for b in BAND_ORDER])
        c = catchments(
            cell_xy=demand.xy,
            population=bands,
            site_xy=_xy(located),
            max_distance_m=max_distance_m,
            qpv=demand.qpv_share,
            mode="nearest",
        )
        col = BAND_ORDER.index(public)
        assert c.cell_site is not None  # given in mode « nearest »
        served = c.cell_site >= 0
        unserved = float(target[~served].sum())
        for i, s in enumerate(located):
            pop = float(c.population[i, col])
            qpop = float(c.qpv_population[i, col])
            poly = c.polygons[i]
            lon, lat = (
                (s.lon, s.lat)
                if s.lon is not None and s.lat is not None
                else l93_to_lonlat(s.x, s.y)
            )
            out.append(
                SiteCatchment(
                    structure_id=s.id,
                    slug=s.slug,
                    name=s.name,
                    typology=s.typology,
                    lon=float(lon),
                    lat=float(lat),
                    places=s.places,
                    population=pop,
                    population_by_band={
                        b: float(c.population[i, k]) for k, b in enumerate(BAND_ORDER)
                    },
                    qpv_population=qpop,
                    qpv_share=qpop / pop if pop > 0 else None,
                    cell_count=int(c.cell_count[i]),
                    geometry=None if poly.is_empty else l93_to_geojson(poly),
                )
            )
        out.sort(key=lambda s: (-s.population, s.name))
    return Influence(
        territory=territory,
        data_version=data_version,
        theme=theme.slug,
        public=public,
        max_distance_m=max_distance_m,
        target_label=str(PUBLICS[public][0]),
        target_population=float(target.sum()),
        unserved_population=unserved,
        sites=out,
        excluded=excluded,
        validity=validity,
        warnings=warnings,
        assumptions=[
            _(
                "Zone d'influence : carreaux rattachés à la structure localisée la plus proche, "
                "à moins de %(d).0f m à vol d'oiseau (partition de type Voronoï coupée au rayon)."
            )
            % {"d": max_distance_m},
            validity.rule,
            *demand.assumptions,
        ],
    )
