"""The figures audit of the diagnostic: every figure it shows (dashboard, PDF, DOCX), with the
source, vintage, perimeter and denominator a reader needs to check it.

Pure: reads a built :class:`~maillage.diagnostic.report.DiagnosticReport`, queries nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .report import DiagnosticReport

NOT_STATED = "millésime non précisé"


@dataclass(frozen=True)
class AuditedFigure:
    """A figure the diagnostic shows, with what a reader needs to check it."""

    section: str
    label: str
    value: float | None
    unit: str
    source: str
    vintage: str
    perimeter: str
    denominator: str  # « — » for a count (no division)

    @property
    def problems(self) -> list[str]:
        return [
            name
            for name, text in (
                ("source", self.source),
                ("millésime", self.vintage),
                ("périmètre", self.perimeter),
                ("dénominateur", self.denominator),
            )
            if not (text or "").strip()
        ]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"problemes": self.problems}


def _figure_denominator(unit: str, source: str) -> str:
    if unit.strip() in ("%", "points"):
        return f"population de référence de la source ({source})"
    return "—"


def figures_audit(report: DiagnosticReport) -> list[AuditedFigure]:
    """Every figure the diagnostic (dashboard, PDF, DOCX) shows, as a reader checks it."""
    ctg = ", ".join(c.name for c in report.diag.communes if c.role == "CTG")
    perimeter = f"Communes de la CTG : {ctg}"
    out: list[AuditedFigure] = []
    for f in report.headline:
        out.append(
            AuditedFigure(
                "Chiffres clés",
                f.label,
                f.value,
                f.unit,
                f.source,
                f.vintage,
                perimeter,
                _figure_denominator(f.unit, f.source),
            )
        )
    for q in report.qpv:
        out.append(
            AuditedFigure(
                "QPV et territoire",
                q.label,
                q.territory if q.territory is not None else q.qpv,
                q.unit,
                q.source,
                q.vintage,
                f"{perimeter} ; QPV de la CTG",
                q.denominator or _figure_denominator(q.unit, q.source),
            )
        )
    rate = report.childcare_rate
    if rate is not None:
        out.append(
            AuditedFigure(
                "Petite enfance",
                rate.label,
                rate.value,
                rate.unit,
                rate.source,
                rate.vintage,
                rate.perimeter,
                rate.denominator,
            )
        )
        for c in rate.components:
            out.append(
                AuditedFigure(
                    "Petite enfance",
                    c.label,
                    c.value,
                    c.unit,
                    c.source,
                    c.vintage,
                    rate.perimeter,
                    "—",
                )
            )
        if rate.official is not None:
            o = rate.official
            out.append(
                AuditedFigure(
                    "Petite enfance", o.label, o.value, "%", o.source, o.vintage, ctg, "INSEE"
                )
            )
    directory = f"Annuaire Maillage, état au {report.generated_on:%d/%m/%Y}"
    for t in report.childcare.by_typology:
        out.append(
            AuditedFigure(
                "Petite enfance",
                f"Places connues — {t.typology_label}",
                t.places_known,
                "places",
                directory,
                f"{report.generated_on:%Y}",
                perimeter,
                "—",
            )
        )
    for e in report.equipment:
        out.append(
            AuditedFigure(
                "Équipements",
                f"{e.theme_label} : structures",
                e.structures,
                "structures",
                directory,
                f"{report.generated_on:%Y}",
                perimeter,
                "—",
            )
        )
        out.append(
            AuditedFigure(
                "Équipements",
                f"{e.theme_label} : pour 1 000 habitants",
                e.per_1000,
                "pour 1 000 habitants",
                directory,
                f"{report.generated_on:%Y}",
                perimeter,
                e.denominator,
            )
        )
        if e.neighbours:
            out.append(
                AuditedFigure(
                    "Équipements",
                    f"{e.theme_label} : communes voisines (hors ratio)",
                    e.neighbours,
                    "structures",
                    directory,
                    f"{report.generated_on:%Y}",
                    "Communes voisines",
                    "—",
                )
            )
    for p in report.populations:
        out.append(
            AuditedFigure(
                "Populations de référence",
                p.label,
                p.value,
                "habitants",
                p.source,
                p.vintage,
                p.perimeter,
                "—",
            )
        )
    for s in [*report.ages, *report.families]:
        for year, value in s.points:
            out.append(
                AuditedFigure(
                    "Évolution", s.label, value, s.unit, s.source, f"RP {year}", perimeter, "—"
                )
            )
    if report.reconciliation is not None:
        r = report.reconciliation
        for label, value, source in (
            ("Places d'accueil citées par la CTG (lieux)", r.ctg_total, "CTG 2023-2026"),
            ("Places d'accueil de l'annuaire (lieux)", r.directory_total, directory),
        ):
            vintage = NOT_STATED if source.startswith("CTG") else f"{report.generated_on:%Y}"
            out.append(
                AuditedFigure("Rapprochement", label, value, "lieux", source, vintage, ctg, "—")
            )
    return out
