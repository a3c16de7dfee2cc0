"""Indicators of the CTG, computed once with their evidence.

Each :class:`~maillage.plan.models.Indicator` has a kind and a rule (data, from the plan YAML):

``activity_count``
    Number of journal activities matching the rule: ``kinds`` (activity kind names), ``axis``
    (axis number), optionally ``objectives`` (codes such as ``"1.3"``, any of them) and ``zone``
    (``"qpv"``: an activity tagged with a QPV zone or positioned inside a QPV polygon;
    ``"zone_blanche"``: same with the zones blanches of the providers — zones flagged by the
    coordinator, else those the diagnostic computes for the rule's ``theme``).
``body_count``
    Number of distinct bodies (working group of the partners' space, or the body named on the
    activity) among the matching activities: a group meeting ten times counts once, its meetings
    are the evidence; a meeting naming no body is not counted (a note says so).
``document``
    Oui (1) / non (0): a journal activity matching ``kinds``/``axis`` whose ``validated`` flag is
    set, or a oui/non entered with its justification. A document counts from its year to the
    end of the period; an entered answer wins for its year. Never a percentage.

Counts (``activity_count``, ``body_count``) of a year whose journal is not declared complete
(:class:`~maillage.plan.models.JournalYear`) are ``None`` (« non renseigné »), with what the
journal already holds in ``partial_by_year``. Methods are written in :mod:`.indicator_methods`.
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
from .indicator_methods import fr_number, value_display  # noqa: F401  (re-exported)

ZONE_FILTERS = ("qpv", "zone_blanche")
COUNT_KINDS = ("activity_count", "body_count")
JOURNAL_KINDS = ("activity_count", "body_count", "document")
NOT_FILLED = "non renseigné"
UPCOMING = "à venir"
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
    if kind in JOURNAL_KINDS:
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
    body: str = ""  # the body that met: its working group, else the body named on the entry


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


def journal_complete_years(territory: Any) -> set[int]:
    """Years whose journal the coordinator declared complete."""
    from .models import JournalYear

    return set(JournalYear.objects.filter(territory=territory).values_list("year", flat=True))


@dataclass
class _Computed:
    values: dict[int, float | None]
    evidence: dict[int, list[Evidence]]
    total: float | None = None
    partial: dict[int, float | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    missing: str = NOT_FILLED


def _journal_values(
    ind: Any,
    rule: dict,
    matched: list[tuple[JournalEntry, str]],
    *,
    years: list[int],
    complete: set[int],
    today: dt.date,
) -> _Computed:
    """Counts, distinct bodies or presence from the matched journal entries."""
    from maillage.text import fold

    out = _Computed(values=dict.fromkeys(years), evidence={y: [] for y in years})
    if ind.kind == "document":
        manual = {v.year: v for v in ind.values.all() if v.year in out.values}
        present = False
        for act, where in matched:
            out.evidence[act.date.year].append(activity_evidence(act, detail=where))
        for y in years:
            if y in manual:
                entry = manual[y]
                out.evidence[y].insert(
                    0, Evidence(kind="saisie", label=entry.justification, value=entry.value)
                )
                present = entry.value >= 1
            else:
                present = present or any(e.kind == "activité" for e in out.evidence[y])
            if y <= today.year or y in manual:
                out.values[y] = 1.0 if present else 0.0
        known = [out.values[y] for y in years if out.values[y] is not None]
        out.total = known[-1] if known else None
        return out
    bodies: dict[int, dict[str, str]] = {y: {} for y in years}
    unnamed: list[JournalEntry] = []
    for act, where in matched:
        y = act.date.year
        if ind.kind == "body_count":
            if not act.body.strip():
                unnamed.append(act)
                continue
            bodies[y].setdefault(fold(act.body), act.body)
            where = "; ".join(
                x for x in (_("réunion de « {name} »").format(name=act.body), where) if x
            )
        out.evidence[y].append(activity_evidence(act, detail=where))
    for y in years:
        n = float(len(bodies[y]) if ind.kind == "body_count" else len(out.evidence[y]))
        if y in complete:
            out.values[y] = n
        else:
            out.partial[y] = n
    done = [y for y in years if y in complete]
    if done:
        if ind.kind == "body_count":
            out.total = float(len({k for y in done for k in bodies[y]}))
        else:
            out.total = float(sum(out.values[y] or 0 for y in done))
        if len(done) < len(years):
            out.notes.append(
                _("Sur la période : années au journal déclaré complet seulement ({years}).").format(
                    years=", ".join(map(str, done))
                )
            )
    if unnamed:
        out.notes.append(
            _(
                "{n} réunion(s) sans instance nommée, non comptée(s) : indiquez l'instance "
                "réunie dans l'activité du journal ({titles})."
            ).format(n=len(unnamed), titles="; ".join(a.title for a in unnamed[:5]))
        )
    return out


def compute_indicators(
    *,
    territory: Any,
    indicators: list[Any],
    activities: list[JournalEntry],
    today: dt.date | None = None,
    complete_years: set[int] | None = None,
) -> list[IndicatorResult]:
    """Compute every indicator of ``indicators`` for the convention years.

    ``indicators`` have their axis, targets and manual values prefetched; ``activities`` are
    the territory's journal (see :func:`maillage.plan.selectors.journal_entries`);
    ``complete_years`` the years whose journal is declared complete (read when ``None``).
    """
    from .models import Indicator

    today = today or timezone.localdate()
    if complete_years is None:
        complete_years = journal_complete_years(territory)
    years = territory.convention.years
    qpv: ZoneSet | None = None
    blanches: dict[str | None, ZoneSet | None] = {}
    data_cache: dict[str, DataFigure] = {}
    results = []
    for ind in indicators:
        rule = ind.rule or {}
        out = _Computed(values=dict.fromkeys(years), evidence={y: [] for y in years})
        if ind.kind in JOURNAL_KINDS:
            zone_set: ZoneSet | None = None
            zone_notes: list[str] = []
            if rule.get("zone") == "qpv":
                qpv = qpv or qpv_zones(territory)
                zone_set = qpv
            elif rule.get("zone") == "zone_blanche":
                theme = rule.get("theme")
                if theme not in blanches:
                    blanches[theme] = zones_blanches(territory, theme)
                zone_set = blanches[theme]
                if zone_set is None:
                    zone_notes.append(
                        _(
                            "non calculable : zones blanches non encore calculées (aucune zone "
                            "signalée par le chargé de coopération, et zones blanches du "
                            "diagnostic non calculables pour ce thème : offre déclarée trop peu "
                            "localisée)."
                        )
                    )
                else:
                    zone_notes.append(
                        _("Zones blanches : {source}.").format(source=zone_set.source)
                    )
            if zone_set is None and rule.get("zone"):
                out.missing = NOT_COMPUTABLE
            else:
                matched = []
                for act in activities:
                    if ind.kind == Indicator.Kind.DOCUMENT and not act.validated:
                        continue
                    if act.date.year not in out.values or not activity_matches(act, rule):
                        continue
                    where = zone_set.contains(act) if zone_set is not None else None
                    if zone_set is not None and where is None:
                        continue
                    matched.append((act, where.label if where else ""))
                out = _journal_values(
                    ind, rule, matched, years=years, complete=complete_years, today=today
                )
            out.notes[:0] = zone_notes
        elif ind.kind == Indicator.Kind.DATA:
            source = rule.get("source", "")
            if source not in data_cache:
                data_cache[source] = DATA_SOURCES[source](territory)
            fig = data_cache[source]
            if fig.note:
                out.notes.append(fig.note)
            if fig.value is None:
                out.missing = NOT_COMPUTABLE
            else:
                out.total = fig.value
                year = min(max(today.year, years[0]), years[-1])
                out.values[year] = fig.value
                out.evidence[year] = list(fig.evidence)
        else:  # manual
            for v in ind.values.all():
                if v.year in out.values:
                    out.values[v.year] = v.value
                    out.evidence[v.year] = [
                        Evidence(kind="saisie", label=v.justification, value=v.value)
                    ]
            filled = [y for y in years if out.values[y] is not None]
            out.total = out.values[filled[-1]] if filled else None
        results.append(_result(ind, rule, out, years=years, today=today, complete=complete_years))
    return results


def _result(
    ind: Any, rule: dict, out: _Computed, *, years: list[int], today: dt.date, complete: set[int]
) -> IndicatorResult:
    from .indicator_methods import indicator_method, kind_documentation
    from .models import Indicator

    value_type = (
        "count" if ind.kind in COUNT_KINDS else "presence" if ind.kind == "document" else "number"
    )
    targets: dict[int, float | None] = dict.fromkeys(years)
    for t in ind.targets.all():
        if t.year in targets:
            targets[t.year] = t.value
    set_targets = [targets[y] for y in years if targets[y] is not None]
    if not set_targets:
        target_total = None
    elif ind.kind == Indicator.Kind.ACTIVITY_COUNT:
        target_total = float(sum(set_targets))
    elif ind.kind == Indicator.Kind.BODY_COUNT:
        target_total = max(set_targets)
    else:
        target_total = set_targets[-1]

    def missing_for(y: int) -> str:
        if out.missing == NOT_FILLED and y > today.year and value_type != "number":
            return UPCOMING
        return out.missing

    noun = _("instance(s)") if ind.kind == Indicator.Kind.BODY_COUNT else _("activité(s)")
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
        kind_label=str(Indicator.Kind(ind.kind).label),
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
        kind_doc=kind_documentation(ind.kind),
        value_type=value_type,
        display_by_year=display,
        total_display=total_display,
        partial_by_year={y: out.partial.get(y) for y in years},
        complete_years=[y for y in years if y in complete],
    )
