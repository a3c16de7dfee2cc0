"""Indicators of the CTG, computed once with their evidence.

Each :class:`~maillage.plan.models.Indicator` has a kind and a rule (data, from the plan YAML):

``activity_count``
    Number of journal activities matching the rule: ``kinds`` (activity kind names), ``axis``
    (axis number), optionally ``objectives`` (codes such as ``"1.3"``, any of them) and ``zone``
    (``"qpv"``: an activity tagged with a QPV zone or positioned inside a QPV polygon;
    ``"zone_blanche"``: same with the zones blanches of the providers — zones flagged by the
    coordinator, else those the diagnostic computes for the rule's ``theme``).
``document``
    Presence (1/0) of a validated document: a journal activity matching ``kinds``/``axis`` whose
    ``validated`` flag is set. A document counts from its year to the end of the period.
``data``
    A figure taken from the data (``source``: one of :data:`DATA_SOURCES`), a snapshot of today.
``manual``
    Values entered by year (:class:`~maillage.plan.models.IndicatorValue`), each with its
    justification; the value over the period is the latest one.

Every value carries its evidence: the activities counted, the data rows, or the justification.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

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

ZONE_FILTERS = ("qpv", "zone_blanche")


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

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: years as text keys, dates as ISO text."""
        data = asdict(self)
        for key in ("values_by_year", "target_by_year", "status_by_year", "evidence_by_year"):
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
    if kind in ("activity_count", "document"):
        allowed = {"kinds", "axis", "objectives", "zone", "theme"}
        if unknown := set(rule) - allowed:
            return f"clé(s) inconnue(s) : {', '.join(sorted(unknown))}."
        kinds = rule.get("kinds")
        if not isinstance(kinds, list) or not kinds:
            return "liste « kinds » (types d'activité) attendue."
        if missing := [k for k in kinds if k not in kind_names]:
            return f"type(s) d'activité inconnu(s) : {', '.join(map(str, missing))}."
        if "axis" in rule and rule["axis"] not in axis_numbers:
            return f"axe {rule['axis']} inconnu."
        objectives = rule.get("objectives", [])
        if not isinstance(objectives, list) or any(o not in objective_codes for o in objectives):
            return "objectifs inconnus (codes attendus, ex. « 1.3 »)."
        if rule.get("zone") not in (None, *ZONE_FILTERS):
            return f"filtre de zone inconnu (connus : {', '.join(ZONE_FILTERS)})."
        if "theme" in rule and (rule.get("zone") != "zone_blanche" or not rule["theme"]):
            return "« theme » (thème du diagnostic) ne sert qu'avec zone: zone_blanche."
        return None
    if kind == "data":
        if rule.get("source") not in DATA_SOURCES:
            return f"source de données inconnue (connues : {', '.join(sorted(DATA_SOURCES))})."
        return None
    if kind == "manual":
        return None if not rule else "un indicateur saisi n'a pas de règle."
    return f"mode de calcul « {kind} » inconnu."


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class JournalEntry:
    """What the indicators need of a journal activity (read once, without model instances)."""

    pk: int
    date: dt.date
    kind: str
    title: str
    validated: bool
    is_fictional: bool
    participants: int | None
    lon: float | None
    lat: float | None
    axis_numbers: frozenset[int]
    objective_codes: frozenset[str]
    zones: tuple[tuple[int, str], ...]


def activity_matches(activity: JournalEntry, rule: dict) -> bool:
    """Whether ``activity`` matches the kinds, axis and objectives of ``rule``."""
    if activity.kind not in rule.get("kinds", ()):
        return False
    if "axis" in rule and rule["axis"] not in activity.axis_numbers:
        return False
    wanted = set(rule.get("objectives") or ())
    return not wanted or bool(wanted & activity.objective_codes)


def activity_evidence(activity: JournalEntry, detail: str = "") -> Evidence:
    return Evidence(
        kind="activité",
        label=activity.title,
        activity_id=activity.pk,
        date=activity.date,
        value=float(activity.participants) if activity.participants is not None else None,
        detail=detail,
        is_fictional=activity.is_fictional,
    )


def current_year() -> int:
    return timezone.localdate().year


# --------------------------------------------------------------------------- computation


def _status(value: float | None, target: float | None, *, finished: bool, missing: str) -> str:
    if value is None:
        return missing
    if target is None:
        return "sans cible"
    if value >= target:
        return "atteint"
    return "non atteint" if finished else "en cours"


def compute_indicators(
    *,
    territory: Any,
    indicators: list[Any],
    activities: list[JournalEntry],
    today: dt.date | None = None,
) -> list[IndicatorResult]:
    """Compute every indicator of ``indicators`` for the convention years.

    ``indicators`` have their axis, targets and manual values prefetched; ``activities`` are
    the territory's journal (see :func:`maillage.plan.selectors.journal_entries`).
    """
    from .models import Indicator

    today = today or timezone.localdate()
    convention = territory.convention
    years = convention.years
    qpv: ZoneSet | None = None
    blanches: dict[str | None, ZoneSet | None] = {}
    data_cache: dict[str, DataFigure] = {}
    results = []
    for ind in indicators:
        rule = ind.rule or {}
        values: dict[int, float | None] = dict.fromkeys(years)
        evidence: dict[int, list[Evidence]] = {y: [] for y in years}
        notes: list[str] = []
        missing = "non renseigné"
        total: float | None = None
        if ind.kind in (Indicator.Kind.ACTIVITY_COUNT, Indicator.Kind.DOCUMENT):
            zone_set: ZoneSet | None = None
            if rule.get("zone") == "qpv":
                qpv = qpv or qpv_zones(territory)
                zone_set = qpv
            elif rule.get("zone") == "zone_blanche":
                theme = rule.get("theme")
                if theme not in blanches:
                    blanches[theme] = zones_blanches(territory, theme)
                zone_set = blanches[theme]
                if zone_set is None:
                    notes.append(
                        _(
                            "non calculable : zones blanches non encore calculées (aucune zone "
                            "signalée, et aucune structure localisée pour le thème)."
                        )
                    )
                else:
                    notes.append(_("Zones blanches : {source}.").format(source=zone_set.source))
            if zone_set is None and rule.get("zone"):
                missing = NOT_COMPUTABLE
            else:
                for act in activities:
                    if ind.kind == Indicator.Kind.DOCUMENT and not act.validated:
                        continue
                    if act.date.year not in values or not activity_matches(act, rule):
                        continue
                    where = zone_set.contains(act) if zone_set is not None else None
                    if zone_set is not None and where is None:
                        continue
                    evidence[act.date.year].append(
                        activity_evidence(act, detail=where.label if where else "")
                    )
                if ind.kind == Indicator.Kind.ACTIVITY_COUNT:
                    values = {y: float(len(evidence[y])) for y in years}
                    total = float(sum(values.values()))
                else:
                    present = False
                    for y in years:
                        present = present or bool(evidence[y])
                        values[y] = 1.0 if present else 0.0
                    total = 1.0 if present else 0.0
        elif ind.kind == Indicator.Kind.DATA:
            source = rule.get("source", "")
            if source not in data_cache:
                data_cache[source] = DATA_SOURCES[source](territory)
            fig = data_cache[source]
            if fig.note:
                notes.append(fig.note)
            if fig.value is None:
                missing = NOT_COMPUTABLE
            else:
                total = fig.value
                year = min(max(today.year, years[0]), years[-1])
                values[year] = fig.value
                evidence[year] = list(fig.evidence)
        else:  # manual
            for v in ind.values.all():
                if v.year in values:
                    values[v.year] = v.value
                    evidence[v.year] = [
                        Evidence(kind="saisie", label=v.justification, value=v.value)
                    ]
            filled = [y for y in years if values[y] is not None]
            total = values[filled[-1]] if filled else None
        targets: dict[int, float | None] = dict.fromkeys(years)
        for t in ind.targets.all():
            if t.year in targets:
                targets[t.year] = t.value
        set_targets = [targets[y] for y in years if targets[y] is not None]
        if not set_targets:
            target_total = None
        elif ind.kind == Indicator.Kind.ACTIVITY_COUNT:
            target_total = float(sum(set_targets))
        else:
            target_total = set_targets[-1]
        status_by_year = {
            y: _status(values[y], targets[y], finished=y < today.year, missing=missing)
            for y in years
        }
        all_evidence = [e for y in years for e in evidence[y]]
        results.append(
            IndicatorResult(
                indicator_id=ind.pk,
                code=f"{ind.axis.number}.{ind.number}",
                axis_number=ind.axis.number,
                axis_title=ind.axis.title,
                number=ind.number,
                label=ind.label,
                kind=ind.kind,
                kind_label=str(Indicator.Kind(ind.kind).label),
                unit=ind.unit,
                method=ind.method,
                rule=rule,
                years=years,
                values_by_year=values,
                total=total,
                target_by_year=targets,
                target_total=target_total,
                baseline=ind.baseline_value,
                baseline_year=ind.baseline_year,
                status=_status(
                    total, target_total, finished=years[-1] < today.year, missing=missing
                ),
                status_by_year=status_by_year,
                evidence_by_year=evidence,
                evidence=all_evidence,
                notes=notes,
                includes_fictional=any(e.is_fictional for e in all_evidence),
            )
        )
    return results
