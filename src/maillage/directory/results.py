"""Result objects of the directory selectors, rendered as they are by every surface."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

from . import opening_hours


@dataclass(frozen=True)
class ServiceSummary:
    id: int
    name: str
    description: str
    type: str
    thematiques: list[str]
    publics: list[str]
    frais: str
    modes_accueil: list[str]
    age_min: float | None  # years, inclusive
    age_max: float | None  # years, exclusive
    capacity: int | None  # places
    places_open_to_public: int | None
    childcare_modes: list[str]
    insertion_places: int | None
    opening_hours: str
    source: str
    source_id: str
    source_label: str
    note: str
    # Orientation (data·inclusion v1): how to get in, for the professionals who orient people.
    conditions_acces: str
    publics_precisions: str
    frais_precisions: str
    modes_mobilisation: list[str]
    mobilisable_par: list[str]
    mobilisation_precisions: str


@dataclass(frozen=True)
class StructureSummary:
    id: int
    slug: str
    name: str
    typology_code: str
    typology_label: str
    typology_family: str
    theme: str
    organisation: str
    organisation_kind: str
    sector: str
    address: str
    postcode: str
    commune_code: str
    commune_name: str
    lon: float | None  # WGS84 degrees
    lat: float | None
    x_l93: float | None  # Lambert-93 metres
    y_l93: float | None
    position_precision: str  # exact | approximate | unknown
    position_source: str
    opening_hours: str
    phone: str
    email: str
    website: str
    acceslibre_url: str
    uai: str
    siret: str
    finess: str
    source: str  # data·inclusion source slug
    source_id: str
    source_label: str
    source_url: str
    data_updated_on: date | None
    grouped_count: int | None
    note: str
    published: bool
    zones: list[str] = field(default_factory=list)  # zone codes (IRIS, QPV, quartiers)

    @property
    def located(self) -> bool:
        return self.x_l93 is not None and self.y_l93 is not None

    @property
    def to_locate(self) -> bool:
        """« À localiser »: no source gives a position."""
        return not self.located

    @property
    def is_grouped(self) -> bool:
        return bool(self.grouped_count and self.grouped_count > 1)

    @property
    def data_inclusion_id(self) -> str:
        return f"{self.source}--{self.source_id}"

    def is_open(self, at: datetime) -> bool | None:
        """« Ouvert maintenant » from the OSM hours; None when the hours are unknown."""
        return opening_hours.is_open(self.opening_hours, at=at, commune=self.commune_code)


@dataclass(frozen=True)
class SearchHit:
    structure: StructureSummary
    services: list[ServiceSummary]  # the services matching the service filters (all if none)
    distance_m: float | None  # Lambert-93 metres from ``near``; None without ``near``

    @property
    def services_key(self) -> str:
        """The ids of the services shown, e.g. to key a cached rendering of the hit."""
        return ".".join(str(sv.id) for sv in self.services)


@dataclass(frozen=True)
class SearchPage:
    results: list[SearchHit]
    total: int  # matching structures, before limit/offset
    limit: int
    offset: int
    unlocated_excluded: int  # matching structures « à localiser » left out by near/bbox
    warnings: list[str]

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.results) < self.total

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict (dates as ISO 8601 text)."""
        data = asdict(self)
        for hit, raw in zip(self.results, data["results"], strict=True):
            raw["structure"]["located"] = hit.structure.located
        return jsonable(data)


def jsonable(value: Any) -> Any:
    """Dates as ISO 8601 text, recursively, for JSON output."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class QualityItem:
    id: int
    slug: str
    name: str
    typology_label: str
    source_label: str
    problems: list[str]


@dataclass(frozen=True)
class DataQuality:
    """What is missing in the directory of a territory (lists of structures and counts)."""

    total: int
    missing_position: list[QualityItem]
    missing_hours: list[QualityItem]
    missing_capacity: list[QualityItem]  # childcare structures without a known capacity
    missing_contact: list[QualityItem]  # no phone, email nor website
    grouped: list[QualityItem]  # records standing for several places known by a total
    unpublished: list[QualityItem]

    @property
    def counts(self) -> dict[str, int]:
        return {
            "structures": self.total,
            "sans_position": len(self.missing_position),
            "sans_horaires": len(self.missing_hours),
            "sans_capacite": len(self.missing_capacity),
            "sans_contact": len(self.missing_contact),
            "fiches_regroupees": len(self.grouped),
            "non_publiees": len(self.unpublished),
        }

    def rows(self) -> list[dict[str, Any]]:
        """One row per problem, for tables and exports."""
        sections = [
            (_("Position inconnue (à localiser)"), self.missing_position),
            (_("Horaires manquants"), self.missing_hours),
            (_("Capacité inconnue"), self.missing_capacity),
            (_("Aucun contact"), self.missing_contact),
            (_("Fiche regroupant plusieurs lieux"), self.grouped),
            (_("Non publiée"), self.unpublished),
        ]
        return [
            {
                "probleme": label,
                "structure": item.name,
                "typologie": item.typology_label,
                "source": item.source_label,
                "id": item.id,
            }
            for label, items in sections
            for item in items
        ]


@dataclass(frozen=True)
class ChildcareSite:
    structure_id: int
    name: str
    typology_code: str
    places: int
    places_open_to_public: int | None
    x_l93: float | None
    y_l93: float | None
    grouped_count: int | None

    @property
    def located(self) -> bool:
        return self.x_l93 is not None and self.y_l93 is not None


@dataclass(frozen=True)
class ChildcareByTypology:
    typology_code: str
    typology_label: str
    structures: int  # records (a grouped record counts once)
    places_known: int
    sites: int  # places represented (grouped records count for their grouped_count)


@dataclass(frozen=True)
class ChildcareSupply:
    """Places in childcare (EAJE and similar) for the CNAF coverage rate."""

    by_typology: list[ChildcareByTypology]
    total_places: int
    sites: list[ChildcareSite]  # every childcare structure with known places
    located_places: int
    unlocated_places: int
    structures_without_capacity: int
    children_under_3: float | None
    children_source: str
    children_vintage: str

    @property
    def coverage_per_100(self) -> float | None:
        """Places per 100 children under 3 (EAJE only), or None without the children figure."""
        if not self.children_under_3:
            return None
        return round(100 * self.total_places / self.children_under_3, 1)


@dataclass(frozen=True)
class ParcoursGroup:
    theme: str
    theme_label: str
    structures: list[StructureSummary]


@dataclass(frozen=True)
class Parcours:
    age_band: str
    label: str
    age_min: float | None
    age_max: float | None
    groups: list[ParcoursGroup]

    @property
    def count(self) -> int:
        return sum(len(g.structures) for g in self.groups)
