"""The territorial diagnostic as one result object, rendered by the dashboard, PDF, DOCX and CSV.

Built (and cached per territory ``data_version``) by
:func:`maillage.diagnostic.selectors.diagnostic_build`; rendered by :mod:`maillage.reports`.
This module holds data and row shapes only: it queries nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .report_audit import AuditedFigure, figures_audit

if TYPE_CHECKING:
    from maillage.directory.results import ChildcareSupply
    from maillage.territory.map_frame import MapFrame
    from maillage.territory.selectors import Diagnostic, Figure

    from .childcare import ChildcareRate
    from .report_access import AccessSection, ScenarioSection
    from .report_reference import Reconciliation, ReferencePopulation
    from .report_sections import EquipmentRow, QpvComparison, QualityPanel, Series, ZonePopulation

__all__ = ["DiagnosticError", "DiagnosticReport"]


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
    qpv: list[QpvComparison]
    ages: list[Series]
    families: list[Series]
    childcare: ChildcareSupply
    zones: list[ZonePopulation]
    equipment: list[EquipmentRow]
    quality: QualityPanel
    access: AccessSection | None
    frame: MapFrame  # outlines the static maps are drawn on
    scenario: ScenarioSection | None = None
    notes: list[str] = field(default_factory=list)
    childcare_rate: ChildcareRate | None = None
    populations: list[ReferencePopulation] = field(default_factory=list)
    reconciliation: Reconciliation | None = None

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

    def audit(self) -> list[AuditedFigure]:
        """Every figure the diagnostic shows, with source, vintage, perimeter, denominator."""
        return figures_audit(self)

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
