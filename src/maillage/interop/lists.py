"""Every list of a territory as a spreadsheet (CSV, XLSX, ODS), rendered from the selectors'
result objects: structures (re-importable), zones, figures, indicators, milestones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from maillage.plan.schedule_table import SCHEDULE_COLUMNS
from maillage.territory.models import Territory

from .tabular import write_table


@dataclass(frozen=True)
class SheetList:
    """A list: its French title, columns (key, header) and a function giving its rows."""

    title: str
    columns: list[tuple[str, str]]
    rows: Callable[[Territory], list[dict[str, Any]]]


def _structures(territory: Territory) -> list[dict[str, Any]]:
    from .structures_sheet import structure_rows

    return structure_rows(territory=territory)


def _zones(territory: Territory) -> list[dict[str, Any]]:
    from maillage.territory.selectors import territory_diagnostic

    return [vars(z) for z in territory_diagnostic(territory=territory).zones]


def _figures(territory: Territory) -> list[dict[str, Any]]:
    from maillage.territory.selectors import territory_diagnostic

    return [vars(f) for f in territory_diagnostic(territory=territory).figures]


def _indicators(territory: Territory) -> list[dict[str, Any]]:
    from maillage.plan.selectors import PlanNotFound, indicator_results

    try:
        results = indicator_results(territory=territory)
    except PlanNotFound:
        return []
    rows = []
    for r in results:
        for year in r.years:
            rows.append(
                {
                    "code": r.code,
                    "label": r.label,
                    "kind": r.kind_label,
                    "unit": r.unit,
                    "year": year,
                    "value": r.values_by_year.get(year),
                    "target": r.target_by_year.get(year),
                    "status": r.status_by_year.get(year, ""),
                    "fictional": r.includes_fictional,
                }
            )
    return rows


def _milestones(territory: Territory) -> list[dict[str, Any]]:
    """The échéancier as its table page exports it (same rows, same « en retard » rule)."""
    from maillage.plan.schedule_table import schedule_rows

    return [row.cells() for row in schedule_rows(territory=territory)]


def _structure_columns() -> list[tuple[str, str]]:
    from .structures_sheet import COLUMNS

    return COLUMNS


LISTS: dict[str, SheetList] = {
    "structures": SheetList("Structures et services", [], _structures),
    "zones": SheetList(
        "Zones (IRIS, QPV, quartiers)",
        [
            ("kind", "Type"),
            ("code", "Code"),
            ("name", "Nom"),
            ("zone_type", "Sous-type"),
            ("commune", "Commune (INSEE)"),
            # The census' year is a column of its own (« RP 2016 », « RP 2019 »…), read from
            # the dataset: a header « Population RP 2016 » would mislabel another year's figures.
            ("population_rp", "Population du recensement (IRIS)"),
            ("rp_vintage", "Millésime du recensement"),
            ("cells_population", "Population des carreaux (Filosofi)"),
        ],
        _zones,
    ),
    "chiffres": SheetList(
        "Chiffres du diagnostic",
        [
            ("subject", "Sujet"),
            ("theme", "Thème"),
            ("key", "Clé"),
            ("label", "Libellé"),
            ("value", "Valeur"),
            ("unit", "Unité"),
            ("vintage", "Millésime"),
            ("source", "Source"),
            ("source_url", "URL de la source"),
            ("note", "Note"),
        ],
        _figures,
    ),
    "indicateurs": SheetList(
        "Indicateurs de la CTG par année",
        [
            ("code", "Code"),
            ("label", "Indicateur"),
            ("kind", "Mode de calcul"),
            ("unit", "Unité"),
            ("year", "Année"),
            ("value", "Valeur"),
            ("target", "Cible"),
            ("status", "Statut"),
            ("fictional", "Inclut des exemples fictifs"),
        ],
        _indicators,
    ),
    "echeancier": SheetList(
        "Échéancier",
        SCHEDULE_COLUMNS,
        _milestones,
    ),
}


def list_table(*, territory: Territory, name: str, fmt: str) -> bytes:
    """The list ``name`` (a key of :data:`LISTS`) of ``territory`` in ``fmt``."""
    sheet = LISTS[name]
    columns = sheet.columns or _structure_columns()
    return write_table(sheet.rows(territory), columns=columns, fmt=fmt)
