"""Indicators of the CTG, computed once with their evidence.

Each :class:`~maillage.plan.models.Indicator` has a kind and a rule (data, from the plan YAML).
Every kind is a registered strategy of :mod:`maillage.plan.indicator_kinds` — it checks its rule,
computes its values and says in French how (``activity_count``, ``body_count``, ``document``:
:mod:`~maillage.plan.indicator_kinds.journal`; ``data``; ``manual``). This module runs them
and turns what a kind computed into an :class:`IndicatorResult`: targets, :class:`Status` by
year and over the period, display texts.

Every value carries its evidence: the activities counted, the data rows, or the justification.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from .evidence_sources import (  # noqa: F401  (re-exported)
    DATA_SOURCES,
    NOT_COMPUTABLE,
    DataFigure,
    Evidence,
    ZoneSet,
    computed_zones_blanches,
    flagged_zones_blanches,
    qpv_zones,
    register_zone_blanche_provider,
    zones_blanches,
)
from .indicator_kinds import Computed, KindContext, kind_get, registered_kinds
from .indicator_kinds.journal import (  # noqa: F401  (re-exported)
    ZONE_FILTERS,
    JournalEntry,
    activity_evidence,
    activity_matches,
)
from .indicator_methods import fr_number, value_display  # noqa: F401  (re-exported)
from .status import Status

if TYPE_CHECKING:
    from maillage.territory.models import Territory

    from .models import Indicator

NOT_FILLED = Status.NOT_FILLED.value
UPCOMING = Status.UPCOMING.value
YEAR_KEYS = (
    "values_by_year",
    "target_by_year",
    "status_by_year",
    "evidence_by_year",
    "display_by_year",
    "partial_by_year",
)


@dataclass(frozen=True)
class IndicatorResult:
    indicator_id: int
    code: str
    axis_number: int
    axis_title: str
    number: int
    label: str
    kind: str
    kind_label: str
    unit: str
    method: str
    rule: dict
    years: list[int]
    values_by_year: dict[int, float | None]
    total: float | None
    target_by_year: dict[int, float | None]
    target_total: float | None
    baseline: float | None
    baseline_year: int | None
    status: str
    status_by_year: dict[int, str]
    evidence_by_year: dict[int, list[Evidence]]
    evidence: list[Evidence]
    notes: list[str] = field(default_factory=list)
    includes_fictional: bool = False
    kind_doc: str = ""
    value_type: str = "number"  # "count", "presence" or "number"
    display_by_year: dict[int, str] = field(default_factory=dict)
    total_display: str = ""
    partial_by_year: dict[int, float | None] = field(default_factory=dict)
    complete_years: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: years as text keys, dates as ISO text."""
        data = asdict(self)
        for key in YEAR_KEYS:
            data[key] = {str(y): v for y, v in data[key].items()}
        for item in [*data["evidence"], *(e for v in data["evidence_by_year"].values() for e in v)]:
            if item["date"] is not None:
                item["date"] = item["date"].isoformat()
        return data


# --------------------------------------------------------------------------- rule validation


def rule_problem(
    *,
    kind: str,
    rule: Any,
    kind_names: set[str],
    axis_numbers: set[int],
    objective_codes: set[str],
) -> str | None:
    """Return a French message if ``rule`` is not valid for an indicator of ``kind``."""
    if not isinstance(rule, dict):
        return "la règle doit être un dictionnaire."
    try:
        strategy = kind_get(kind)
    except ValueError:
        return f"mode de calcul « {kind} » inconnu."
    return strategy.validate_rule(
        rule, kind_names=kind_names, axis_numbers=axis_numbers, objective_codes=objective_codes
    )


def kind_labels() -> dict[str, str]:
    """Label of every registered kind (« mode de calcul »), by name, in display order."""
    return {k.name: str(k.label) for k in registered_kinds()}


def current_year() -> int:
    return timezone.localdate().year


# --------------------------------------------------------------------------- computation


def _status(value: float | None, target: float | None, *, finished: bool, missing: str) -> str:
    if value is None:
        return missing
    if target is None:
        return Status.NO_TARGET.value
    if value >= target:
        return Status.REACHED.value
    return Status.NOT_REACHED.value if finished else Status.IN_PROGRESS.value


def journal_complete_years(territory: Territory) -> set[int]:
    """Years whose journal the coordinator declared complete."""
    from .models import JournalYear

    return set(JournalYear.objects.filter(territory=territory).values_list("year", flat=True))


def compute_indicators(
    *,
    territory: Territory,
    indicators: list[Indicator],
    activities: list[JournalEntry],
    today: dt.date | None = None,
    complete_years: set[int] | None = None,
) -> list[IndicatorResult]:
    """Compute every indicator of ``indicators`` for the convention years.

    ``indicators`` have their axis, targets and manual values prefetched; ``activities`` are
    the territory's journal (see :func:`maillage.plan.selectors.journal_entries`);
    ``complete_years`` the years whose journal is declared complete (read when ``None``).
    Each indicator is computed by its kind (:mod:`maillage.plan.indicator_kinds`).
    """
    today = today or timezone.localdate()
    if complete_years is None:
        complete_years = journal_complete_years(territory)
    ctx = KindContext(
        territory=territory,
        years=territory.convention.years,
        today=today,
        complete=complete_years,
        activities=activities,
    )
    results = []
    for ind in indicators:
        rule = ind.rule or {}
        out = kind_get(ind.kind).compute(ind, rule, ctx)
        results.append(
            _result(ind, rule, out, years=ctx.years, today=today, complete=complete_years)
        )
    return results


def _result(
    ind: Indicator,
    rule: dict[str, Any],
    out: Computed,
    *,
    years: list[int],
    today: dt.date,
    complete: set[int],
) -> IndicatorResult:
    from .indicator_methods import indicator_method

    kind = kind_get(ind.kind)
    value_type = kind.value_type
    targets: dict[int, float | None] = dict.fromkeys(years)
    for t in ind.targets.all():
        if t.year in targets:
            targets[t.year] = t.value
    set_targets = [value for y in years if (value := targets[y]) is not None]
    target_total = kind.target_total(set_targets) if set_targets else None

    def missing_for(y: int) -> str:
        if out.missing == NOT_FILLED and y > today.year and value_type != "number":
            return UPCOMING
        return out.missing

    noun = str(kind.noun)
    status_by_year = {
        y: _status(out.values[y], targets[y], finished=y < today.year, missing=missing_for(y))
        for y in years
    }
    display = {
        y: value_display(
            out.values[y],
            value_type=value_type,
            missing=missing_for(y),
            partial=out.partial.get(y) if y <= today.year else None,
            noun=noun,
        )
        for y in years
    }
    partial_total = sum(v for v in out.partial.values() if v) if out.partial else None
    total_display = value_display(
        out.total,
        value_type=value_type,
        missing=out.missing,
        partial=partial_total if value_type == "count" and out.total is None else None,
        noun=noun,
    )
    all_evidence = [e for y in years for e in out.evidence[y]]
    return IndicatorResult(
        indicator_id=ind.pk,
        code=f"{ind.axis.number}.{ind.number}",
        axis_number=ind.axis.number,
        axis_title=ind.axis.title,
        number=ind.number,
        label=ind.label,
        kind=ind.kind,
        kind_label=str(kind.label),
        unit=ind.unit,
        method=indicator_method(kind=ind.kind, rule=rule, precision=ind.method),
        rule=rule,
        years=years,
        values_by_year=out.values,
        total=out.total,
        target_by_year=targets,
        target_total=target_total,
        baseline=ind.baseline_value,
        baseline_year=ind.baseline_year,
        status=_status(
            out.total,
            target_total,
            finished=years[-1] < today.year and all(y in complete for y in years),
            missing=out.missing,
        ),
        status_by_year=status_by_year,
        evidence_by_year=out.evidence,
        evidence=all_evidence,
        notes=out.notes,
        includes_fictional=any(e.is_fictional for e in all_evidence),
        kind_doc=str(kind.doc),
        value_type=value_type,
        display_by_year=display,
        total_display=total_display,
        partial_by_year={y: out.partial.get(y) for y in years},
        complete_years=[y for y in years if y in complete],
    )
