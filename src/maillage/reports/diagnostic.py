"""The territorial diagnostic: one result object, rendered by the dashboard, PDF, DOCX and CSV.

:func:`diagnostic_build` gathers the key figures with source and vintage
(:func:`maillage.territory.selectors.territory_diagnostic`), their census evolution, the
childcare supply (:func:`maillage.directory.selectors.childcare_supply`), equipment per 1 000
inhabitants, the accessibility results of :mod:`maillage.diagnostic` (CNAF coverage by IRIS
through 2SFCA, zones blanches) and the data-quality panel. The result is cached per territory
``data_version`` (any write calling ``territory_touch`` invalidates it). Renderers never
recompute: :func:`diagnostic_render` turns it into PDF or DOCX.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.cache import cache

from . import diagnostic_reference as reference
from . import diagnostic_sections as sections
from .bilan import fr_number

if TYPE_CHECKING:
    from maillage.diagnostic.childcare import ChildcareRate
    from maillage.directory.results import ChildcareSupply
    from maillage.territory.models import Territory
    from maillage.territory.selectors import Diagnostic, Figure

    from .diagnostic_access import AccessSection, ScenarioSection

FORMATS = ("pdf", "docx")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
CACHE_SECONDS = 24 * 3600
Progress = Callable[[str], None]

__all__ = ["CONTENT_TYPES", "FORMATS", "DiagnosticReport", "diagnostic_build", "fr_number"]


class DiagnosticError(ValueError):
    """The diagnostic cannot be built (unknown scenario…); French message."""


@dataclass(frozen=True)
class DiagnosticReport:
    territory_slug: str
    territory_name: str
    period: tuple[int, int]
    generated_on: dt.date
    data_version: int
    diag: Diagnostic
    headline: list[Figure]
    qpv: list[sections.QpvComparison]
    ages: list[sections.Series]
    families: list[sections.Series]
    childcare: ChildcareSupply
    zones: list[sections.ZonePopulation]
    equipment: list[sections.EquipmentRow]
    quality: sections.QualityPanel
    access: AccessSection | None
    scenario: ScenarioSection | None = None
    notes: list[str] = field(default_factory=list)
    childcare_rate: ChildcareRate | None = None
    populations: list[reference.ReferencePopulation] = field(default_factory=list)
    reconciliation: reference.Reconciliation | None = None

    @property
    def title(self) -> str:
        return f"Diagnostic territorial — {self.territory_name}"

    @property
    def filename_stem(self) -> str:
        suffix = f"-scenario-{self.scenario.slug}" if self.scenario else ""
        return f"diagnostic-{self.territory_slug}{suffix}"

    @property
    def population(self) -> float | None:
        f = self.diag.figure("population_ctg")
        return f.value if f else None

    @property
    def territory_figures(self) -> dict[str, list[Figure]]:
        """Territory figures grouped by theme (for the « toutes les données » tables)."""
        themes: dict[str, list[Figure]] = {}
        for f in self.diag.figures:
            if f.subject == "territoire":
                themes.setdefault(f.theme or "autres", []).append(f)
        return themes

    # ------------------------------------------------------------------ table rows (downloads)

    def figure_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "sujet": f.subject,
                "indicateur": f.label,
                "valeur": f.value,
                "unite": f.unit,
                "millesime": f.vintage,
                "source": f.source,
                "note": f.note,
            }
            for f in self.diag.figures
        ]

    def evolution_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "indicateur": s.label,
                "annee": year,
                "valeur": value,
                "unite": s.unit,
                "source": s.source,
            }
            for s in [*self.ages, *self.families]
            for year, value in s.points
        ]

    def childcare_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "type": t.typology_label,
                "structures": t.structures,
                "lieux": t.sites,
                "places": t.places_known,
            }
            for t in self.childcare.by_typology
        ]

    def population_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "population": p.label,
                "valeur": p.value,
                "source": p.source,
                "millesime": p.vintage,
                "perimetre": p.perimeter,
                "usage": p.used_for,
            }
            for p in self.populations
        ]

    def audit(self) -> list[reference.AuditedFigure]:
        """Every figure the diagnostic shows, with source, vintage, perimeter, denominator."""
        return reference.figures_audit(self)

    def audit_rows(self) -> list[dict[str, Any]]:
        return [f.as_dict() for f in self.audit()]

    def equipment_rows(self) -> list[dict[str, Any]]:
        rows = []
        for e in self.equipment:
            row: dict[str, Any] = {
                "theme": e.theme_label,
                "structures": e.structures,
                "localisees": e.located,
                "pour_1000": e.per_1000,
                "voisines": e.neighbours,
            }
            for z in self.zones:
                if z.kind == "iris":
                    row[f"zone_{z.code}"] = e.by_zone.get(z.code, 0)
            rows.append(row)
        return rows

    def equipment_columns(self) -> list[tuple[str, str]]:
        return [
            ("theme", "Thème CTG"),
            ("structures", "Structures (communes de la CTG)"),
            ("localisees", "Localisées"),
            ("pour_1000", "Pour 1 000 habitants (CTG)"),
            ("voisines", "Communes voisines (hors ratio)"),
            *((f"zone_{z.code}", f"{z.name} ({z.code})") for z in self.zones if z.kind == "iris"),
        ]


TABLES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "chiffres": (
        "figure_rows",
        [
            ("sujet", "Sujet"),
            ("indicateur", "Indicateur"),
            ("valeur", "Valeur"),
            ("unite", "Unité"),
            ("millesime", "Millésime"),
            ("source", "Source"),
            ("note", "Note"),
        ],
    ),
    "evolution": (
        "evolution_rows",
        [
            ("indicateur", "Indicateur"),
            ("annee", "Année"),
            ("valeur", "Valeur"),
            ("unite", "Unité"),
            ("source", "Source"),
        ],
    ),
    "accueil-jeune-enfant": (
        "childcare_rows",
        [
            ("type", "Type d'accueil"),
            ("structures", "Fiches"),
            ("lieux", "Lieux"),
            ("places", "Places connues"),
        ],
    ),
}


POPULATION_COLUMNS = [
    ("population", "Population"),
    ("valeur", "Valeur"),
    ("source", "Source"),
    ("millesime", "Millésime"),
    ("perimetre", "Périmètre"),
    ("usage", "Utilisée pour"),
]


def table_for(report: DiagnosticReport, name: str) -> tuple[list[dict], list[tuple[str, str]]]:
    """Rows and columns of a downloadable table of the report (``KeyError`` if unknown)."""
    if name == "equipements":
        return report.equipment_rows(), report.equipment_columns()
    if name == "qualite":
        return report.quality.rows, [("probleme", "Problème"), ("objet", "Donnée concernée")]
    if name == "populations":
        return report.population_rows(), POPULATION_COLUMNS
    if name == "rapprochement" and report.reconciliation is not None:
        return report.reconciliation.as_rows(), reference.RECONCILIATION_COLUMNS
    if name == "audit":
        return report.audit_rows(), reference.AUDIT_COLUMNS
    if name in ("couverture", "zones-blanches") and report.access is not None:
        return report.access.table(name)
    method, columns = TABLES[name]
    return getattr(report, method)(), columns


def _cache_key(territory: Territory, **params: Any) -> str:
    parts = "|".join(f"{k}={v}" for k, v in sorted(params.items()))
    return f"diagnostic-report:{territory.slug}:{territory.data_version}:{parts}"


def diagnostic_build(
    *,
    territory: Territory,
    scenario: Any = None,
    with_access: bool = True,
    use_cache: bool = True,
    today: dt.date | None = None,
    progress: Progress = lambda m: None,
) -> DiagnosticReport:
    """The diagnostic of ``territory`` (and the comparison with ``scenario`` when given).

    ``scenario`` is a saved scenario (model instance) or a scenario object from a file, as
    accepted by :func:`maillage.diagnostic.services.scenario_run`.
    """
    from maillage.diagnostic.childcare import childcare_rate
    from maillage.directory.selectors import childcare_supply
    from maillage.territory.selectors import territory_diagnostic

    from . import diagnostic_access

    territory.refresh_from_db(fields=["data_version"])
    today = today or dt.date.today()
    key = _cache_key(territory, access=with_access, today=today.isoformat())
    report = cache.get(key) if use_cache else None
    if report is None:
        progress("chiffres clés et évolutions")
        diag = territory_diagnostic(territory=territory)
        population = diag.figure("population_ctg")
        zones = sections.zone_populations(territory=territory, diag=diag)
        progress("offre d'accueil et équipements")
        childcare = childcare_supply(territory=territory)
        equipment = sections.equipment(
            territory=territory,
            population=population.value if population else None,
            zones=zones,
            population_label=(
                f"{sections.int_fr(population.value)} habitants ({population.source}, "
                f"{population.vintage})"
                if population
                else ""
            ),
        )
        access = None
        if with_access:
            progress("accessibilité (2SFCA) et zones blanches")
            access = diagnostic_access.access_section(territory=territory, zones=zones)
        report = DiagnosticReport(
            territory_slug=territory.slug,
            territory_name=territory.name,
            period=(territory.period_start, territory.period_end),
            generated_on=today,
            data_version=territory.data_version,
            diag=diag,
            headline=sections.headline_figures(diag),
            qpv=sections.qpv_comparisons(diag),
            ages=sections.census_series(diag, sections.AGE_SERIES),
            families=sections.census_series(diag, sections.FAMILY_SERIES),
            childcare=childcare,
            zones=zones,
            equipment=equipment,
            quality=sections.quality_panel(territory=territory, diag=diag, today=today),
            access=access,
            childcare_rate=childcare_rate(territory=territory),
            populations=reference.reference_populations(diag),
            reconciliation=reference.reconciliation(territory=territory),
        )
        if use_cache:
            cache.set(key, report, CACHE_SECONDS)
    if scenario is not None:
        progress("scénario")
        try:
            section = diagnostic_access.scenario_section(scenario=scenario, zones=report.zones)
        except ValueError as exc:
            raise DiagnosticError(str(exc)) from exc
        report = _with_scenario(report, section)
    return report


def _with_scenario(report: DiagnosticReport, section: ScenarioSection) -> DiagnosticReport:
    from dataclasses import replace

    return replace(report, scenario=section)


def diagnostic_render(
    report: DiagnosticReport, *, fmt: str, progress: Progress = lambda m: None
) -> bytes:
    if fmt == "pdf":
        from .diagnostic_pdf import diagnostic_pdf

        return diagnostic_pdf(report, progress=progress)
    if fmt == "docx":
        from .diagnostic_docx import diagnostic_docx

        return diagnostic_docx(report, progress=progress)
    raise DiagnosticError(f"Format « {fmt} » inconnu (pdf ou docx).")
