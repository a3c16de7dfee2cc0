"""Result objects of the diagnostic computations (computed once, rendered by every surface).

All are frozen dataclasses of plain Python values (no numpy, no ORM objects), so they can be
cached, pickled, serialised to JSON (:meth:`as_dict`) and, when spatial, to a GeoJSON
FeatureCollection in WGS84 (:meth:`to_geojson`). Distances are in metres; positions in WGS84.

Shared fields:

* ``territory`` — slug of the territory; ``data_version`` — :attr:`Territory.data_version`
  the result was computed from;
* ``excluded`` — structures left out (« à localiser », capacity unknown), with the reason;
* ``warnings`` — French sentences to show next to the result;
* ``assumptions`` — French sentences stating the method and its assumptions (sources, ratios);
* ``validity`` — :class:`Validity`: whether enough of the theme's declared supply is located
  for the spatial figures to mean anything (computed once by
  :mod:`maillage.diagnostic.validity` from :func:`maillage.analysis.supply_validity`). When
  it is « non calculable », every spatial figure of the result is ``None`` (or an empty list):
  renderers print « non calculable » / « inconnu » from it, never 0, and never decide it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class ExcludedStructure:
    """A structure left out of a computation, and why (``reason`` in French)."""

    id: int
    slug: str
    name: str
    reason: str


@dataclass(frozen=True)
class RecordToLocate:
    """A declared record of the theme without a position; ``locate_path`` is the page where a
    coordinator places it (the quality page's placing form)."""

    id: int
    slug: str
    name: str
    places: int | None
    lieux: int
    locate_path: str


@dataclass(frozen=True)
class Validity:
    """Share of the theme's declared supply (CTG perimeter) that is located, and the verdict.

    ``status`` is ``"calculable"`` or ``"non calculable"``; ``share`` the binding share in
    [0, 1] (``None`` when nothing is declared); ``min_share`` the threshold
    (:data:`maillage.analysis.MIN_LOCATED_SHARE`). ``summary`` states the measure in French
    (always); ``reason`` says why it is not computable (empty when computable);
    ``to_locate`` lists the declared records without a position; ``fix_path`` is the page
    where inputs are completed.
    """

    computable: bool
    status: str
    theme: str
    unit: str
    share: float | None
    min_share: float
    declared_places: int | None
    located_places: int | None
    declared_lieux: int
    located_lieux: int
    summary: str
    reason: str
    to_locate: list[RecordToLocate]
    fix_path: str
    rule: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ZoneValue:
    """A value for one IRIS or QPV (``kind`` = ``"iris"`` | ``"qpv"``).

    ``value`` is ``None`` when the zone has no target population. ``target_population`` is the
    estimated target population of the zone (cells weighted by their area share in the zone).
    """

    kind: str
    code: str
    name: str
    target_population: float
    value: float | None


@dataclass(frozen=True)
class DistanceShare:
    """Target population whose nearest site is within ``threshold_m`` metres (straight line)."""

    threshold_m: float
    population: float
    share: float | None


@dataclass(frozen=True)
class EquitySummary:
    """QPV vs non-QPV population-weighted means of the per-cell value, ratio and Gini index."""

    qpv_mean: float | None
    non_qpv_mean: float | None
    qpv_ratio: float | None
    qpv_population: float
    non_qpv_population: float
    gini: float | None


def display_rows(
    rows: list[dict[str, Any]], validity: Validity, first_key: str | None = None
) -> list[dict[str, Any]]:
    """Rows for a table, a CSV or an XLSX sheet: an unknown value reads « inconnu », or
    « non calculable » when the result is; a non calculable result without rows gets one row
    stating the reason (a sheet never looks empty-but-valid). Values themselves stay ``None``
    in :meth:`rows` and in JSON."""
    word = "inconnu" if validity.computable else "non calculable"
    out = [{k: word if v is None else v for k, v in r.items()} for r in rows]
    if not out and not validity.computable:
        out = [{first_key or "validite": f"non calculable : {validity.reason}"}]
    return out


def _feature_collection(features: list[dict[str, Any]], **properties: Any) -> dict[str, Any]:
    out = {"type": "FeatureCollection", "features": features, "properties": properties}
    if "validity" in properties:  # also a top-level foreign member (RFC 7946 § 6.1)
        out["validity"] = properties["validity"]
    return out


@dataclass(frozen=True)
class Coverage:
    """CNAF coverage rate of the territory (places per 100 children under 3) and per zone.

    ``rate`` = 100 × ``places_total`` / ``children_under_3`` (every known place, located or
    not, as the CNAF counts them). ``located_rate`` and ``zones`` come from 2SFCA over the
    located places only within ``max_distance_m`` (``None`` values when no place is located).
    """

    territory: str
    data_version: int
    max_distance_m: float
    weights: list[tuple[float, float]] | None
    places_total: int
    places_located: int
    children_under_3: float
    children_source: str
    children_vintage: str
    rate: float | None
    located_rate: float | None
    zones: list[ZoneValue]
    excluded: list[ExcludedStructure]
    validity: Validity
    warnings: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)

    def zone(self, code: str) -> ZoneValue | None:
        return next((z for z in self.zones if z.code == code), None)

    @property
    def rate_label(self) -> str:
        """What ``rate`` is: the directory's EAJE places per 100 children under 3 (of the CAF
        allocataire households, the territory's count), never the CNAF global rate (see
        :func:`maillage.diagnostic.childcare.childcare_rate` for that)."""
        from .childcare import eaje_rate_label

        return eaje_rate_label(self.children_source)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"rate_label": self.rate_label}

    def display_rows(self, first_key: str | None = None) -> list[dict[str, Any]]:
        return display_rows(self.rows(), self.validity, first_key)

    def rows(self) -> list[dict[str, Any]]:
        head = {
            "zone": "territoire",
            "code": self.territory,
            "nom": self.territory,
            "enfants_0_2": round(self.children_under_3, 1),
            "taux": None if self.rate is None else round(self.rate, 1),
        }
        return [head] + [
            {
                "zone": z.kind,
                "code": z.code,
                "nom": z.name,
                "enfants_0_2": round(z.target_population, 1),
                "taux": None if z.value is None else round(z.value, 1),
            }
            for z in self.zones
        ]


@dataclass(frozen=True)
class SiteCatchment:
    """Zone d'influence of one site: the cells nearer to it than to any other site, within
    the radius. ``population_by_band`` maps each public (``"0-2"``, …) to the population
    served; ``geometry`` is a GeoJSON geometry in WGS84 (``None`` when it serves no cell)."""

    structure_id: int
    slug: str
    name: str
    typology: str
    lon: float
    lat: float
    places: int | None
    population: float
    population_by_band: dict[str, float]
    qpv_population: float
    qpv_share: float | None
    cell_count: int
    geometry: dict[str, Any] | None


@dataclass(frozen=True)
class Influence:
    """Zones d'influence of the located sites of a theme, for a public."""

    territory: str
    data_version: int
    theme: str
    public: str
    max_distance_m: float
    target_label: str
    target_population: float
    unserved_population: float | None
    sites: list[SiteCatchment]
    excluded: list[ExcludedStructure]
    validity: Validity
    warnings: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_geojson(self) -> dict[str, Any]:
        features = []
        for s in self.sites:
            if s.geometry is None:
                continue
            props = asdict(s)
            props.pop("geometry")
            features.append({"type": "Feature", "geometry": s.geometry, "properties": props})
        return _feature_collection(
            features,
            kind="zones-d-influence",
            territory=self.territory,
            theme=self.theme,
            public=self.public,
            max_distance_m=self.max_distance_m,
            validity=self.validity.as_dict(),
            excluded=[asdict(e) for e in self.excluded],
            warnings=self.warnings,
            assumptions=self.assumptions,
        )

    def display_rows(self, first_key: str | None = None) -> list[dict[str, Any]]:
        return display_rows(self.rows(), self.validity, first_key)

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "structure": s.name,
                "places": s.places,
                "population": round(s.population, 1),
                "en_qpv": round(s.qpv_population, 1),
                "part_qpv": None if s.qpv_share is None else round(100 * s.qpv_share, 1),
                "carreaux": s.cell_count,
            }
            for s in self.sites
        ]


@dataclass(frozen=True)
class WhiteZone:
    """One zone blanche: contiguous populated cells with no site within the radius.

    ``rank`` 1 = most target population concerned; ``zones`` = IRIS/QPV codes it touches."""

    rank: int
    population: float
    qpv_population: float
    cell_count: int
    area_km2: float
    zones: list[str]
    geometry: dict[str, Any]


@dataclass(frozen=True)
class WhiteZones:
    """Zones blanches of a theme for a public, ranked by target population concerned."""

    territory: str
    data_version: int
    theme: str
    public: str
    max_distance_m: float
    target_label: str
    target_population: float
    concerned_population: float | None
    share: float | None
    sites_used: int
    zones: list[WhiteZone]
    excluded: list[ExcludedStructure]
    validity: Validity
    dropped_count: int = 0
    dropped_population: float = 0.0
    warnings: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_geojson(self) -> dict[str, Any]:
        features = []
        for z in self.zones:
            props = asdict(z)
            props.pop("geometry")
            features.append({"type": "Feature", "geometry": z.geometry, "properties": props})
        return _feature_collection(
            features,
            kind="zones-blanches",
            territory=self.territory,
            theme=self.theme,
            public=self.public,
            max_distance_m=self.max_distance_m,
            concerned_population=self.concerned_population,
            share=self.share,
            validity=self.validity.as_dict(),
            excluded=[asdict(e) for e in self.excluded],
            warnings=self.warnings,
            assumptions=self.assumptions,
        )

    def display_rows(self, first_key: str | None = None) -> list[dict[str, Any]]:
        return display_rows(self.rows(), self.validity, first_key)

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "rang": z.rank,
                "population": round(z.population, 1),
                "en_qpv": round(z.qpv_population, 1),
                "carreaux": z.cell_count,
                "km2": round(z.area_km2, 2),
                "zones": ", ".join(z.zones),
            }
            for z in self.zones
        ]


@dataclass(frozen=True)
class Accessibility:
    """2SFCA accessibility of a theme for a public, per IRIS/QPV, with equity and distances.

    ``supply_unit`` is ``"places"`` (petite enfance, 0-2 ans: values in places per 100
    children) or ``"structures"`` (values in structures per 1 000 people of the public);
    ``value_label`` states it in French.
    """

    territory: str
    data_version: int
    theme: str
    public: str
    max_distance_m: float
    target_label: str
    target_population: float
    supply_unit: str
    value_label: str
    territory_value: float | None
    zones: list[ZoneValue]
    equity: EquitySummary
    distance_shares: list[DistanceShare]
    sites_used: int
    excluded: list[ExcludedStructure]
    validity: Validity
    warnings: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)

    def zone(self, code: str) -> ZoneValue | None:
        return next((z for z in self.zones if z.code == code), None)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def display_rows(self, first_key: str | None = None) -> list[dict[str, Any]]:
        return display_rows(self.rows(), self.validity, first_key)

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "zone": z.kind,
                "code": z.code,
                "nom": z.name,
                "population": round(z.target_population, 1),
                "valeur": None if z.value is None else round(z.value, 2),
            }
            for z in self.zones
        ]


@dataclass(frozen=True)
class ZoneDelta:
    """Before/after value of one IRIS/QPV in a scenario (``delta`` = after − before)."""

    kind: str
    code: str
    name: str
    before: float | None
    after: float | None
    delta: float | None
    population_before: float
    population_after: float


@dataclass(frozen=True)
class ScenarioComparison:
    """A scenario's effect, computed in memory against the current data (never written).

    ``zones`` holds coverage (petite enfance, 0-2 ans) or accessibility per zone, before and
    after. ``white_zones_*`` are the zones blanches of the scenario's theme and public.
    ``validity_before`` / ``validity_after`` are those of the current and scenario supply;
    ``validity`` (the deltas') is computable only when both are: otherwise every delta, zone
    value, equity figure and zone blanche is ``None`` / empty.
    """

    scenario: str
    description: str
    territory: str
    data_version: int
    theme: str
    public: str
    max_distance_m: float
    value_label: str
    changes: list[str]
    coverage_before: float | None
    coverage_after: float | None
    children_before: float
    children_after: float
    territory_before: float | None
    territory_after: float | None
    zones: list[ZoneDelta]
    equity_before: EquitySummary
    equity_after: EquitySummary
    white_population_before: float | None
    white_population_after: float | None
    white_zones_before: list[WhiteZone]
    white_zones_after: list[WhiteZone]
    validity: Validity
    validity_before: Validity
    validity_after: Validity
    warnings: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)

    @property
    def coverage_delta(self) -> float | None:
        if self.coverage_before is None or self.coverage_after is None:
            return None
        return self.coverage_after - self.coverage_before

    def zone(self, code: str) -> ZoneDelta | None:
        return next((z for z in self.zones if z.code == code), None)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["coverage_delta"] = self.coverage_delta
        return data

    def to_geojson(self) -> dict[str, Any]:
        features = []
        for when, zones in (("avant", self.white_zones_before), ("après", self.white_zones_after)):
            for z in zones:
                props = asdict(z)
                props.pop("geometry")
                props["scenario"] = when
                features.append({"type": "Feature", "geometry": z.geometry, "properties": props})
        return _feature_collection(
            features,
            kind="scenario-zones-blanches",
            scenario=self.scenario,
            validity=self.validity.as_dict(),
        )

    def display_rows(self, first_key: str | None = None) -> list[dict[str, Any]]:
        return display_rows(self.rows(), self.validity, first_key)

    def rows(self) -> list[dict[str, Any]]:
        def r(v: float | None, n: int = 2) -> float | None:
            return None if v is None else round(v, n)

        head = {
            "zone": "territoire",
            "code": self.territory,
            "nom": self.territory,
            "avant": r(self.territory_before),
            "apres": r(self.territory_after),
            "ecart": r(
                None
                if self.territory_before is None or self.territory_after is None
                else self.territory_after - self.territory_before
            ),
        }
        return [head] + [
            {
                "zone": z.kind,
                "code": z.code,
                "nom": z.name,
                "avant": r(z.before),
                "apres": r(z.after),
                "ecart": r(z.delta),
            }
            for z in self.zones
        ]


@dataclass(frozen=True)
class ScenarioSet:
    """Several scenarios run against the same data, side by side."""

    comparisons: list[ScenarioComparison]

    def as_dict(self) -> dict[str, Any]:
        return {"comparisons": [c.as_dict() for c in self.comparisons]}

    def rows(self) -> list[dict[str, Any]]:
        def r(v: float | None, n: int = 2) -> float | None:
            return None if v is None else round(v, n)

        return [
            {
                "scenario": c.scenario,
                "couverture_avant": r(c.coverage_before, 1),
                "couverture_apres": r(c.coverage_after, 1),
                "valeur_avant": r(c.territory_before),
                "valeur_apres": r(c.territory_after),
                "zones_blanches_avant": r(c.white_population_before, 0),
                "zones_blanches_apres": r(c.white_population_after, 0),
                "validite": c.validity.status,
            }
            for c in self.comparisons
        ]
