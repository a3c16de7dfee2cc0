"""The territorial diagnostic's renderings: PDF and DOCX documents, CSV tables.

The result object, :class:`maillage.diagnostic.report.DiagnosticReport`, is built (and cached
per territory ``data_version``) by :func:`maillage.diagnostic.selectors.diagnostic_build`, which
the dashboard, the CLI and every document call. Renderers never recompute:
:func:`diagnostic_render` looks the format up in :data:`maillage.reports.renderers.RENDERERS`;
:func:`table_for` gives the rows and columns of a downloadable table.
"""

from __future__ import annotations

from maillage.diagnostic.report import DiagnosticError, DiagnosticReport

from . import renderers
from .bilan import fr_number

FORMATS = renderers.formats("diagnostic")
CONTENT_TYPES = renderers.content_types("diagnostic")
Progress = renderers.Progress

__all__ = [
    "CONTENT_TYPES",
    "FORMATS",
    "DiagnosticError",
    "DiagnosticReport",
    "diagnostic_render",
    "fr_number",
    "table_for",
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


RECONCILIATION_COLUMNS = [
    ("type", "Type d'accueil"),
    ("ctg_lieux", "Lieux cités par la CTG"),
    ("ctg_places", "Places (CTG)"),
    ("annuaire_fiches", "Fiches de l'annuaire"),
    ("annuaire_lieux", "Lieux de l'annuaire"),
    ("annuaire_places", "Places (annuaire)"),
    ("etat", "État"),
    ("hors_liste_ctg", "Fiches absentes de la liste de la CTG"),
]

AUDIT_COLUMNS = [
    ("section", "Section"),
    ("label", "Chiffre"),
    ("value", "Valeur"),
    ("unit", "Unité"),
    ("source", "Source"),
    ("vintage", "Millésime"),
    ("perimeter", "Périmètre"),
    ("denominator", "Dénominateur"),
]

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
        return report.reconciliation.as_rows(), RECONCILIATION_COLUMNS
    if name == "audit":
        return report.audit_rows(), AUDIT_COLUMNS
    if name in ("couverture", "zones-blanches") and report.access is not None:
        return report.access.table(name)
    method, columns = TABLES[name]
    return getattr(report, method)(), columns


def diagnostic_render(
    report: DiagnosticReport, *, fmt: str, progress: Progress = lambda m: None
) -> bytes:
    data = renderers.render("diagnostic", report, fmt=fmt, progress=progress)
    if data is None:
        raise DiagnosticError(f"Format « {fmt} » inconnu (pdf ou docx).")
    return data
