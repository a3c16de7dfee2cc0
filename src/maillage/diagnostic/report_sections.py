"""Sections of the territorial diagnostic read from the database (no accessibility engine here).

Each function takes a territory and returns frozen dataclasses;
:func:`maillage.diagnostic.selectors.diagnostic_build` assembles them into the one result object
(:class:`maillage.diagnostic.report.DiagnosticReport`) that every surface (web, PDF, DOCX, CSV)
renders.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from maillage.territory.models import Territory
    from maillage.territory.selectors import Diagnostic, Figure

OLD_AFTER_YEARS = 5
_YEAR = re.compile(r"(19|20)\d{2}")

# Headline figures of the dashboard (territory statistics), in display order.
HEADLINE_KEYS = (
    "population_ctg",
    "population_qpv",
    "enfants_0_2_ans",
    "foyers_allocataires",
    "personnes_couvertes",
    "foyers_monoparentaux",
    "ecoliers",
    "eleves_second_degre",
)
# (label, key for the whole territory, key for the QPV)
QPV_PAIRS = (
    ("Part de la population de moins de 25 ans", "part_moins_25_ans", "part_moins_25_ans_qpv"),
    ("Part de la population de 60 ans et plus", "part_60_ans_et_plus", "part_60_ans_et_plus_qpv"),
)
# RP series shown as evolutions: (key, short label)
AGE_SERIES = (
    ("population_0_a_14_ans", "0-14 ans"),
    ("population_15_a_29_ans", "15-29 ans"),
    ("population_30_a_44_ans", "30-44 ans"),
    ("population_45_a_59_ans", "45-59 ans"),
    ("population_60_a_74_ans", "60-74 ans"),
    ("population_75_ans_ou_plus", "75 ans ou plus"),
)
FAMILY_SERIES = (
    ("menages_ensemble", "Ménages"),
    ("menages_menages_d_une_personne", "Ménages d'une personne"),
    ("menages_un_couple_avec_enfant_s", "Couples avec enfant(s)"),
    ("menages_une_famille_monoparentale", "Familles monoparentales"),
)


def int_fr(value: float) -> str:
    """An integer with the French thousands separator (narrow no-break space)."""
    return f"{value:,.0f}".replace(",", "\u202f")


def vintage_year(vintage: str) -> int | None:
    """The (last) year named in a vintage such as « RP 2016 », « 2020 » or « 2011-2016 »."""
    years = [int(m.group(0)) for m in _YEAR.finditer(vintage or "")]
    return max(years) if years else None


@dataclass(frozen=True)
class Series:
    """One figure over several census vintages (RP 2011, 2016, 2022…)."""

    key: str
    label: str
    unit: str
    source: str
    points: list[tuple[int, float]]  # (year, value), by year

    @property
    def years(self) -> list[int]:
        return [y for y, _ in self.points]

    @property
    def change(self) -> float | None:
        """Relative change (%) from the first to the last vintage."""
        if len(self.points) < 2 or not self.points[0][1]:
            return None
        first, last = self.points[0][1], self.points[-1][1]
        return round(100 * (last - first) / first, 1)


@dataclass(frozen=True)
class QpvComparison:
    label: str
    territory: float | None
    qpv: float | None
    unit: str
    vintage: str
    source: str
    denominator: str = ""  # the population a share divides by (empty: a figure as published)


@dataclass(frozen=True)
class EquipmentRow:
    """Structures of a CTG theme in the CTG's communes: count, count per 1 000 inhabitants of
    those communes (``denominator``), located ones by zone. ``neighbours`` counts the fiches of
    the neighbouring communes, shown apart and never divided by the CTG's population."""

    theme: str
    theme_label: str
    structures: int
    located: int
    per_1000: float | None
    by_zone: dict[str, int] = field(default_factory=dict)  # zone code → located structures
    neighbours: int = 0
    denominator: str = ""


@dataclass(frozen=True)
class ZonePopulation:
    code: str
    name: str
    kind: str
    population: float  # Filosofi 2017 200 m cells (share of area)
    geometry: dict | None


@dataclass(frozen=True)
class OldFigure:
    label: str
    vintage: str
    age_years: int
    source: str


@dataclass(frozen=True)
class QualityPanel:
    """What is missing or old in the data behind the diagnostic's figures."""

    structures: int
    to_locate: list[str]  # structure names (« à localiser »)
    structures_without_hours: int
    services: int
    services_without_hours: int
    childcare_services_without_capacity: int
    childcare_structures_without_capacity: list[str]
    old_figures: list[OldFigure]
    old_sources: list[OldFigure]
    reference_year: int

    @property
    def rows(self) -> list[dict]:
        """One row per problem, for tables and downloads."""
        rows = [
            {"probleme": "Structure à localiser (exclue des calculs d'accessibilité)", "objet": n}
            for n in self.to_locate
        ]
        rows += [
            {"probleme": "Accueil du jeune enfant sans capacité connue", "objet": n}
            for n in self.childcare_structures_without_capacity
        ]
        rows += [
            {
                "probleme": f"Millésime de plus de {OLD_AFTER_YEARS} ans ({o.age_years} ans)",
                "objet": f"{o.label} — {o.vintage} — {o.source}",
            }
            for o in [*self.old_figures, *self.old_sources]
        ]
        return rows


def headline_figures(diag: Diagnostic) -> list[Figure]:
    return [f for key in HEADLINE_KEYS if (f := diag.figure(key)) is not None]


def qpv_comparisons(diag: Diagnostic) -> list[QpvComparison]:
    rows = []
    population = diag.figure("population_ctg")
    qpv = diag.figure("population_qpv")
    if population and qpv:
        # A share of the territory's population (not a QPV-vs-territory comparison).
        rows.append(
            QpvComparison(
                label="Part de la population résidant en QPV",
                territory=round(100 * qpv.value / population.value, 1),
                qpv=None,
                unit="%",
                vintage=population.vintage,
                source=population.source,
                denominator=(
                    f"{int_fr(qpv.value)} habitants en QPV / {int_fr(population.value)} habitants "
                    f"({population.source}, {population.vintage})"
                ),
            )
        )
    for label, key, key_qpv in QPV_PAIRS:
        a, b = diag.figure(key), diag.figure(key_qpv)
        ref = a or b
        if ref:
            rows.append(
                QpvComparison(
                    label=label,
                    territory=a.value if a else None,
                    qpv=b.value if b else None,
                    unit=ref.unit,
                    vintage=ref.vintage,
                    source=ref.source,
                )
            )
    return rows


def census_series(diag: Diagnostic, keys: tuple[tuple[str, str], ...]) -> list[Series]:
    """Series over the census vintages of the CTG's communes (figures « commune … »)."""
    found: dict[str, list] = defaultdict(list)
    meta: dict[str, Figure] = {}
    for f in diag.figures:
        if f.subject.startswith("commune") and f.key in dict(keys):
            year = vintage_year(f.vintage)
            if year is not None:
                found[f.key].append((year, f.value))
                meta.setdefault(f.key, f)
    return [
        Series(
            key=key,
            label=label,
            unit=meta[key].unit,
            source=meta[key].source,
            points=sorted(found[key]),
        )
        for key, label in keys
        if key in found
    ]


def zone_populations(*, territory: Territory, diag: Diagnostic) -> list[ZonePopulation]:
    from maillage.territory.selectors import territory_zones

    geometries = {(z.kind, z.code): z.boundary for z in territory_zones(territory=territory)}
    return [
        ZonePopulation(
            code=z.code,
            name=z.name,
            kind=z.kind,
            population=z.cells_population,
            geometry=geometries.get((z.kind, z.code)),
        )
        for z in diag.zones
        if z.kind in ("iris", "qpv")
    ]


def equipment(
    *,
    territory: Territory,
    population: float | None,
    zones: list[ZonePopulation],
    population_label: str = "",
) -> list[EquipmentRow]:
    """Published structures by CTG theme in the CTG's communes (a fiche without commune counts
    there), per 1 000 inhabitants of those communes, located ones by zone; the neighbouring
    communes' fiches are counted apart (``neighbours``), never in the ratio."""
    from shapely.geometry import Point
    from shapely.prepared import prep

    from maillage.directory.models import CtgTheme, Structure
    from maillage.territory.geo import geojson_to_l93

    prepared = [(z.code, prep(geojson_to_l93(z.geometry))) for z in zones if z.geometry]
    counts: dict[str, dict] = {}
    neighbours = set(territory.neighbours.values_list("pk", flat=True))
    qs = Structure.objects.filter(territory=territory, published=True).select_related("typology")
    for s in qs:
        theme = s.typology.theme if s.typology else ""
        if not theme:
            continue
        row = counts.setdefault(
            theme, {"n": 0, "located": 0, "zones": defaultdict(int), "neighbours": 0}
        )
        weight = s.grouped_count or 1
        if s.commune_id in neighbours:
            row["neighbours"] += weight
            continue
        row["n"] += weight
        if s.x_l93 is not None and s.y_l93 is not None:
            row["located"] += weight
            point = Point(s.x_l93, s.y_l93)
            for code, geom in prepared:
                if geom.contains(point):
                    row["zones"][code] += weight
    labels = dict(CtgTheme.choices)
    return [
        EquipmentRow(
            theme=theme,
            theme_label=str(labels.get(theme, theme)),
            structures=counts[theme]["n"],
            located=counts[theme]["located"],
            per_1000=round(1000 * counts[theme]["n"] / population, 2) if population else None,
            by_zone=dict(counts[theme]["zones"]),
            neighbours=counts[theme]["neighbours"],
            denominator=population_label,
        )
        for theme in labels
        if theme in counts
    ]


def quality_panel(*, territory: Territory, diag: Diagnostic, today: dt.date) -> QualityPanel:
    from maillage.directory.models import Service
    from maillage.directory.selectors import data_quality

    # The diagnostic is public: published structures and services only.
    report = data_quality(territory=territory, published_only=True)
    services = Service.objects.filter(
        structure__territory=territory, published=True, structure__published=True
    )
    childcare = services.filter(structure__typology__childcare=True)
    groups: dict[tuple[str, str], list[str]] = {}
    for f in diag.figures:
        year = vintage_year(f.vintage)
        if year is not None and today.year - year > OLD_AFTER_YEARS:
            labels = groups.setdefault((f.vintage, f.source), [])
            if f.label not in labels:
                labels.append(f.label)
    old_figures = [
        OldFigure(
            label=labels[0] if len(labels) == 1 else f"{len(labels)} chiffres ({labels[0]}…)",
            vintage=vintage,
            age_years=today.year - (vintage_year(vintage) or today.year),
            source=source,
        )
        for (vintage, source), labels in groups.items()
    ]
    old_sources = []
    for s in diag.sources:
        year = vintage_year(s.vintage)
        if year is not None and today.year - year > OLD_AFTER_YEARS:
            old_sources.append(
                OldFigure(
                    label=s.title, vintage=s.vintage, age_years=today.year - year, source=s.producer
                )
            )
    return QualityPanel(
        structures=report.total,
        to_locate=[i.name for i in report.missing_position],
        structures_without_hours=len(report.missing_hours),
        services=services.count(),
        services_without_hours=services.filter(opening_hours="").count(),
        childcare_services_without_capacity=childcare.filter(capacity__isnull=True).count(),
        childcare_structures_without_capacity=[i.name for i in report.missing_capacity],
        old_figures=old_figures,
        old_sources=old_sources,
        reference_year=today.year,
    )
