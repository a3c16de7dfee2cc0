"""The échéancier as rows: one row per échéance (milestone), filtered, for the table page, its
spreadsheet export, the timeline (frise) and its text alternative.

Every surface renders the same :class:`ScheduleRow` list from :func:`schedule_rows`, so the
export holds exactly the rows of the filtered table. « En retard » follows the échéancier page's
rule: due before today and still « prévu » or « en cours ».
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from maillage.territory.models import Territory
from maillage.text import fold

from .models import Milestone
from .selectors import milestones

#: The status filter's extra value: open échéances past their date.
LATE = "en-retard"

#: Export columns (key, header), in the order of the table page.
SCHEDULE_COLUMNS: list[tuple[str, str]] = [
    ("axis", "Axe"),
    ("objective", "Objectif"),
    ("title", "Intitulé"),
    ("owner", "Porteur"),
    ("status", "Statut"),
    ("late", "En retard"),
    ("due_date", "Échéance"),
    ("note", "Note"),
]


@dataclass(frozen=True)
class ScheduleRow:
    """One échéance as every surface shows it."""

    pk: int
    axis_number: int | None
    axis_title: str
    objective_code: str
    objective_title: str
    title: str
    owner: str
    status: str
    status_label: str
    due_date: dt.date
    late: bool
    note: str

    @property
    def axis_label(self) -> str:
        return f"{self.axis_number}. {self.axis_title}" if self.axis_number is not None else ""

    @property
    def objective_label(self) -> str:
        return f"{self.objective_code} {self.objective_title}".strip()

    def cells(self) -> dict[str, Any]:
        """The row for :func:`maillage.interop.tabular.write_table` (:data:`SCHEDULE_COLUMNS`)."""
        return {
            "axis": self.axis_label,
            "objective": self.objective_label,
            "title": self.title,
            "owner": self.owner,
            "status": self.status_label,
            "late": self.late,
            "due_date": self.due_date,
            "note": self.note,
        }


@dataclass(frozen=True)
class ScheduleFilters:
    """What the table keeps: axis number, objective code (« 1.2 »), owner (compared folded),
    a :class:`Milestone.Status` value or :data:`LATE`, and a period (both ends included)."""

    axis: int | None = None
    objective: str | None = None
    owner: str | None = None
    status: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None


def _row(m: Milestone, today: dt.date) -> ScheduleRow:
    objective = m.objective
    return ScheduleRow(
        pk=m.pk,
        axis_number=m.axis.number if m.axis is not None else None,
        axis_title=m.axis.title if m.axis is not None else "",
        objective_code=objective.code if objective is not None else "",
        objective_title=objective.title if objective is not None else "",
        title=m.title,
        owner=m.owner,
        status=m.status,
        status_label=str(m.get_status_display()),
        due_date=m.due_date,
        late=m.is_late(today),
        note=m.note,
    )


def _keeps(row: ScheduleRow, f: ScheduleFilters) -> bool:
    if f.axis is not None and row.axis_number != f.axis:
        return False
    if f.objective and row.objective_code != f.objective:
        return False
    if f.owner and fold(row.owner) != fold(f.owner):
        return False
    if f.status == LATE and not row.late:
        return False
    if f.status and f.status != LATE and row.status != f.status:
        return False
    if f.start is not None and row.due_date < f.start:
        return False
    return f.end is None or row.due_date <= f.end


def schedule_rows(
    *,
    territory: Territory,
    filters: ScheduleFilters | None = None,
    today: dt.date | None = None,
) -> list[ScheduleRow]:
    """The territory's échéances kept by ``filters``, by due date (one query)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    rows = [_row(m, today) for m in milestones(territory=territory)]
    return [r for r in rows if _keeps(r, filters or ScheduleFilters())]


def schedule_owners(*, territory: Territory) -> list[str]:
    """The distinct owners (« qui ») of the territory's échéances, alphabetical (folded)."""
    seen: dict[str, str] = {}
    for owner in (
        Milestone.objects.filter(convention__territory=territory)
        .exclude(owner="")
        .values_list("owner", flat=True)
    ):
        seen.setdefault(fold(owner), owner)
    return [seen[k] for k in sorted(seen)]


# --------------------------------------------------------------------------- réalisées (journal)

#: Export columns of the « réalisées » view (journal activities), in the order of the page.
DONE_COLUMNS: list[tuple[str, str]] = [
    ("axes", "Axes"),
    ("objectives", "Objectifs"),
    ("title", "Intitulé"),
    ("kind", "Type d'activité"),
    ("date", "Date"),
    ("fictional", "Exemple fictif"),
]


@dataclass(frozen=True)
class DoneRow:
    """A journal activity in the « réalisées » view of the table."""

    pk: int
    date: dt.date
    title: str
    kind: str
    axes: str
    objectives: str
    is_fictional: bool

    def cells(self) -> dict[str, Any]:
        """The row for :func:`maillage.interop.tabular.write_table` (:data:`DONE_COLUMNS`)."""
        return {
            "axes": self.axes,
            "objectives": self.objectives,
            "title": self.title,
            "kind": self.kind,
            "date": self.date,
            "fictional": self.is_fictional,
        }


def done_rows(*, territory: Territory, filters: ScheduleFilters | None = None) -> list[DoneRow]:
    """The journal's activities kept by the axis, objective and period of ``filters`` (owner
    and status are the échéances' and do not apply), oldest first."""
    from .selectors import journal_queryset

    f = filters or ScheduleFilters()
    qs = journal_queryset(territory=territory, axis=f.axis, objective=f.objective)
    if f.start is not None:
        qs = qs.filter(date__gte=f.start)
    if f.end is not None:
        qs = qs.filter(date__lte=f.end)
    return [
        DoneRow(
            pk=a.pk,
            date=a.date,
            title=a.title,
            kind=a.kind.name,
            axes=", ".join(str(x.number) for x in sorted(a.axes.all(), key=lambda x: x.number)),
            objectives=", ".join(sorted(f"{o.axis.number}.{o.number}" for o in a.objectives.all())),
            is_fictional=a.is_fictional,
        )
        for a in qs.order_by("date", "pk")
    ]
