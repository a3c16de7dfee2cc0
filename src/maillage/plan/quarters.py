"""Indicators by quarter: the same kind strategy, run on each quarter's part of the journal.

A kind computed from the journal (a count of activities or of bodies,
:class:`maillage.plan.indicator_kinds.journal.CountKind`) can be computed on any date range: the
quarter's value is :meth:`IndicatorKind.compute` given only the journal entries dated in that
quarter — no second computation path. The other kinds (values entered by year, figures of the
data, audience totals by year, presence of a document) are followed by year only
(« suivi annuel uniquement »).

For an *additive* kind (the period's value is the sum of the years: its ``target_total`` sums
the yearly targets), the four quarters add up to the year's value; a count of distinct bodies
is not additive (a body meeting in two quarters counts once in the year).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from .indicator_kinds import IndicatorKind, KindContext, kind_get
from .indicator_kinds.journal import CountKind
from .status import Status

if TYPE_CHECKING:
    from maillage.territory.models import Territory

    from .indicators import JournalEntry

__all__ = [
    "QuarterSeries",
    "QuarterValue",
    "indicator_quarters",
    "is_additive",
    "is_quarterly",
    "quarter_bounds",
    "quarter_series",
]

YEARLY_ONLY = "suivi annuel uniquement"


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of quarter ``quarter`` (1–4) of ``year``."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter {quarter!r}: 1 to 4")
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return start, end - dt.timedelta(days=1)


def is_quarterly(kind: IndicatorKind) -> bool:
    """Whether ``kind`` computes on a date range (the journal counts)."""
    return isinstance(kind, CountKind)


def is_additive(kind: IndicatorKind) -> bool:
    """Whether the kind's values add up over time (its period target is the sum of the years)."""
    return is_quarterly(kind) and kind.target_total([1.0, 1.0]) == 2.0


@dataclass(frozen=True)
class QuarterValue:
    year: int
    quarter: int
    value: float | None  # None: the year's journal is not declared complete, or not begun
    partial: float | None = None  # what the journal already holds (year not declared complete)
    started: bool = True
    computable: bool = True  # False: the kind cannot answer (e.g. zones blanches not computed)

    @property
    def label(self) -> str:
        return _("T%(q)s %(y)s") % {"q": self.quarter, "y": self.year}

    @property
    def display(self) -> str:
        from .indicator_methods import fr_number

        if not self.started:
            return _("à venir")
        if not self.computable:
            return _("non calculable")
        if self.value is not None:
            return fr_number(self.value)
        if self.partial:
            return _("non renseigné (%(n)s au journal)") % {"n": fr_number(self.partial)}
        return _("non renseigné")


@dataclass(frozen=True)
class QuarterSeries:
    """An indicator's values by quarter, or why it is followed by year only."""

    indicator_id: int
    code: str
    unit: str
    quarterly: bool
    additive: bool
    quarters: list[QuarterValue] = field(default_factory=list)
    year_targets: dict[int, float | None] = field(default_factory=dict)
    reason: str = ""

    def of_year(self, year: int) -> list[QuarterValue]:
        return [q for q in self.quarters if q.year == year]


def _yearly_only(indicator: Any, kind: IndicatorKind) -> QuarterSeries:
    return QuarterSeries(
        indicator_id=indicator.pk,
        code=indicator.code,
        unit=indicator.unit,
        quarterly=False,
        additive=False,
        reason=_(
            "Suivi annuel uniquement : le mode de calcul « %(kind)s » donne une valeur par année."
        )
        % {"kind": kind.label},
    )


def quarter_series(
    *,
    territory: Territory,
    indicator: Any,
    activities: list[JournalEntry],
    complete: set[int],
    today: dt.date,
    years: list[int] | None = None,
    cache: dict[Any, Any] | None = None,
) -> QuarterSeries:
    """The values of ``indicator`` (targets prefetched) by quarter of ``years`` (the
    convention's by default): its kind's :meth:`compute` on the entries of each quarter."""
    kind = kind_get(indicator.kind)
    if not is_quarterly(kind):
        return _yearly_only(indicator, kind)
    years = list(years if years is not None else territory.convention.years)
    rule = indicator.rule or {}
    shared: dict[Any, Any] = cache if cache is not None else {}
    out = []
    notes: list[str] = []
    for year in years:
        for quarter in (1, 2, 3, 4):
            start, end = quarter_bounds(year, quarter)
            if start > today:
                out.append(QuarterValue(year, quarter, None, None, started=False))
                continue
            ctx = KindContext(
                territory=territory,
                years=[year],
                today=today,
                complete=complete,
                activities=[a for a in activities if start <= a.date <= end],
                cache=shared,
            )
            computed = kind.compute(indicator, rule, ctx)
            if not notes and computed.missing == Status.NOT_COMPUTABLE.value:
                notes = [n for n in computed.notes if n]
            out.append(
                QuarterValue(
                    year,
                    quarter,
                    computed.values[year],
                    computed.partial.get(year),
                    computable=computed.missing != Status.NOT_COMPUTABLE.value,
                )
            )
    targets = {t.year: t.value for t in indicator.targets.all()}
    return QuarterSeries(
        indicator_id=indicator.pk,
        code=indicator.code,
        unit=indicator.unit,
        quarterly=True,
        additive=is_additive(kind),
        quarters=out,
        year_targets={y: targets.get(y) for y in years},
        reason=" ".join(notes),
    )


def indicator_quarters(
    *, territory: Territory, indicator_id: int, today: dt.date | None = None
) -> QuarterSeries | None:
    """One indicator's quarter series (``None`` if it is not in this territory's plan)."""
    from .indicators import journal_complete_years
    from .models import Indicator
    from .selectors import journal_entries

    indicator = (
        Indicator.objects.filter(axis__convention__territory=territory, pk=indicator_id)
        .select_related("axis")
        .prefetch_related("targets", "values")
        .first()
    )
    if indicator is None:
        return None
    kind = kind_get(indicator.kind)
    if not is_quarterly(kind):
        return _yearly_only(indicator, kind)
    return quarter_series(
        territory=territory,
        indicator=indicator,
        activities=journal_entries(territory=territory),
        complete=journal_complete_years(territory),
        today=today or timezone.localdate(),
    )
