"""Reads of the plan app: the plan tree, indicator results with evidence, the journal (its
activities, their count per zone, their attachments)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from maillage.territory.models import Territory, Zone
from maillage.territory.selectors import territory_zones

from .indicator_methods import indicator_method
from .indicators import IndicatorResult, JournalEntry, compute_indicators
from .models import (
    Activity,
    ActivityAttachment,
    ActivityKind,
    Axis,
    Convention,
    Indicator,
    JournalYear,
    Milestone,
    Objective,
    StudySubject,
)


class PlanNotFound(LookupError):
    def __init__(self, territory: Territory) -> None:
        super().__init__(f"Le territoire « {territory.slug} » n'a pas de plan d'action CTG chargé.")


def convention_get(*, territory: Territory) -> Convention:
    try:
        return Convention.objects.get(territory=territory)
    except Convention.DoesNotExist as exc:
        raise PlanNotFound(territory) from exc


# --------------------------------------------------------------------------- plan tree


@dataclass(frozen=True)
class ObjectiveNode:
    id: int
    code: str
    number: int
    title: str
    description: str
    sub_points: list[str]


@dataclass(frozen=True)
class IndicatorNode:
    id: int
    code: str
    number: int
    label: str
    kind: str
    kind_label: str
    unit: str
    method: str
    rule: dict[str, Any]
    baseline_value: float | None
    baseline_year: int | None
    targets: dict[int, float]


@dataclass(frozen=True)
class StudySubjectNode:
    """A « sujet d'étude » of the convention, quoted word for word."""

    number: int
    title: str
    description: list[str]
    objectives_label: str
    objectives_intro: str
    objectives: list[str]


@dataclass(frozen=True)
class AxisNode:
    id: int
    number: int
    title: str
    target_public: list[str]
    lead: str
    services: str
    partners_intro: list[str]
    partners: list[str]
    expected_results: list[str]
    schedule_note: str
    objectives: list[ObjectiveNode]
    modalities: list[str]
    indicators: list[IndicatorNode]


@dataclass(frozen=True)
class PlanTree:
    territory: str
    title: str
    period: tuple[int, int]
    status: str
    status_label: str
    signatories: list[str]
    reference: str
    transmitted_on: dt.date | None
    source_title: str
    source_licence: str
    axes: list[AxisNode] = field(default_factory=list)
    study_intro: list[str] = field(default_factory=list)
    study_subjects: list[StudySubjectNode] = field(default_factory=list)

    @property
    def objective_count(self) -> int:
        return sum(len(a.objectives) for a in self.axes)

    @property
    def indicator_count(self) -> int:
        return sum(len(a.indicators) for a in self.axes)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO text)."""
        data = asdict(self)
        data["transmitted_on"] = self.transmitted_on.isoformat() if self.transmitted_on else None
        return data


def plan_tree(*, territory: Territory) -> PlanTree:
    """The convention with its axes, objectives, modalities and indicators (with targets)."""
    conv = convention_get(territory=territory)
    axes = (
        Axis.objects.filter(convention=conv)
        .prefetch_related("objectives", "modalities", "indicators__targets")
        .order_by("number")
    )
    subjects = StudySubject.objects.filter(convention=conv).order_by("number")
    return PlanTree(
        study_intro=list(conv.study_intro),
        study_subjects=[
            StudySubjectNode(
                number=s.number,
                title=s.title,
                description=list(s.description),
                objectives_label=s.objectives_label,
                objectives_intro=s.objectives_intro,
                objectives=list(s.objectives),
            )
            for s in subjects
        ],
        territory=territory.slug,
        title=conv.title,
        period=(conv.period_start, conv.period_end),
        status=conv.status,
        status_label=str(conv.get_status_display()),
        signatories=list(conv.signatories),
        reference=conv.reference,
        transmitted_on=conv.transmitted_on,
        source_title=conv.source.title if conv.source else "",
        source_licence=conv.source.licence if conv.source else "",
        axes=[
            AxisNode(
                id=a.pk,
                number=a.number,
                title=a.title,
                target_public=list(a.target_public),
                lead=a.lead,
                services=a.services,
                partners_intro=list(a.partners_intro),
                partners=list(a.partners),
                expected_results=list(a.expected_results),
                schedule_note=a.schedule_note,
                objectives=[
                    ObjectiveNode(
                        id=o.pk,
                        code=f"{a.number}.{o.number}",
                        number=o.number,
                        title=o.title,
                        description=o.description,
                        sub_points=list(o.sub_points),
                    )
                    for o in a.objectives.all()
                ],
                modalities=[m.text for m in a.modalities.all()],
                indicators=[
                    IndicatorNode(
                        id=i.pk,
                        code=f"{a.number}.{i.number}",
                        number=i.number,
                        label=i.label,
                        kind=i.kind,
                        kind_label=str(i.get_kind_display()),
                        unit=i.unit,
                        method=indicator_method(kind=i.kind, rule=i.rule, precision=i.method),
                        rule=dict(i.rule),
                        baseline_value=i.baseline_value,
                        baseline_year=i.baseline_year,
                        targets={t.year: t.value for t in i.targets.all()},
                    )
                    for i in a.indicators.all()
                ],
            )
            for a in axes
        ],
    )


# --------------------------------------------------------------------------- indicators


def journal_entries(*, territory: Territory) -> list[JournalEntry]:
    """The territory's journal as light rows for the indicators (4 queries, no JSON decoding)."""
    axes: dict[int, set[int]] = defaultdict(set)
    for act, number in Activity.axes.through.objects.filter(
        activity__territory=territory
    ).values_list("activity_id", "axis__number"):
        axes[act].add(number)
    objectives: dict[int, set[str]] = defaultdict(set)
    for act, a, o in Activity.objectives.through.objects.filter(
        activity__territory=territory
    ).values_list("activity_id", "objective__axis__number", "objective__number"):
        objectives[act].add(f"{a}.{o}")
    zones: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for act, zone_id, name in Activity.zones.through.objects.filter(
        activity__territory=territory
    ).values_list("activity_id", "zone_id", "zone__name"):
        zones[act].append((zone_id, name))
    groups = _meeting_groups(territory)
    rows = (
        Activity.objects.filter(territory=territory)
        .order_by("date", "pk")
        .values_list(
            "body",
            "pk",
            "date",
            "kind__name",
            "title",
            "validated",
            "is_fictional",
            "participants",
            "lon",
            "lat",
        )
    )
    return [
        JournalEntry(
            pk=pk,
            date=date,
            kind=kind,
            title=title,
            validated=validated,
            is_fictional=fictional,
            participants=participants,
            lon=lon,
            lat=lat,
            axis_numbers=frozenset(axes[pk]),
            objective_codes=frozenset(objectives[pk]),
            zones=tuple(zones[pk]),
            body=groups.get(pk) or body,
        )
        for body, pk, date, kind, title, validated, fictional, participants, lon, lat in rows
    ]


def _meeting_groups(territory: Territory) -> dict[int, str]:
    """Activity id → name of the working group whose meeting it records (partners' space)."""
    from django.apps import apps

    if not apps.is_installed("maillage.network"):
        return {}
    meeting = apps.get_model("network", "Meeting")
    return dict(
        meeting.objects.filter(group__territory=territory, activity__isnull=False).values_list(
            "activity_id", "group__name"
        )
    )


def journal_years(*, territory: Territory) -> list[dict[str, Any]]:
    """Each year of the convention: declared complete (when, by whom) or not, and its count."""
    conv = convention_get(territory=territory)
    declared = {
        j.year: j
        for j in JournalYear.objects.filter(territory=territory).select_related("declared_by")
    }
    counts: dict[int, int] = defaultdict(int)
    for day in Activity.objects.filter(territory=territory).values_list("date", flat=True):
        counts[day.year] += 1
    return [
        {
            "year": y,
            "complete": y in declared,
            "declared_at": declared[y].declared_at if y in declared else None,
            "declared_by": str(declared[y].declared_by or "") if y in declared else "",
            "is_fictional": declared[y].is_fictional if y in declared else False,
            "activities": counts.get(y, 0),
        }
        for y in conv.years
    ]


def indicator_results(
    *, territory: Territory, today: dt.date | None = None
) -> list[IndicatorResult]:
    """Every indicator of the territory's plan, by year and over the period, with evidence."""
    convention_get(territory=territory)
    indicators = list(
        Indicator.objects.filter(axis__convention__territory=territory)
        .select_related("axis")
        .prefetch_related("targets", "values")
        .order_by("axis__number", "number")
    )
    return compute_indicators(
        territory=territory,
        indicators=indicators,
        activities=journal_entries(territory=territory),
        today=today,
    )


def indicator_result(
    *, territory: Territory, indicator_id: int, today: dt.date | None = None
) -> IndicatorResult | None:
    """One indicator's result (``None`` if it is not in this territory's plan)."""
    indicators = list(
        Indicator.objects.filter(axis__convention__territory=territory, pk=indicator_id)
        .select_related("axis")
        .prefetch_related("targets", "values")
    )
    if not indicators:
        return None
    return compute_indicators(
        territory=territory,
        indicators=indicators,
        activities=journal_entries(territory=territory),
        today=today,
    )[0]


# --------------------------------------------------------------------------- journal


def activity_kinds() -> list[ActivityKind]:
    return list(ActivityKind.objects.order_by("order", "name"))


def _objectives_light() -> QuerySet[Objective]:
    """Objectives with their axis number, without the axis' long texts (read per activity)."""
    return Objective.objects.select_related("axis").only(
        "id", "number", "title", "axis__id", "axis__number", "axis__title", "axis__convention"
    )


def journal_queryset(
    *,
    territory: Territory,
    year: int | None = None,
    axis: int | None = None,
    objective: str | None = None,
    kind: str | None = None,
    zone: str | None = None,
    search: str | None = None,
    include_fictional: bool = True,
) -> QuerySet[Activity]:
    """The territory's journal, filtered, newest first (stable order: date then id).

    ``kind`` is a kind slug, ``objective`` a code such as ``"1.3"`` (a malformed code matches
    nothing), ``zone`` a zone code.
    """
    qs = Activity.objects.filter(territory=territory)
    if year is not None:
        qs = qs.filter(date__year=year)
    if axis is not None:
        qs = qs.filter(axes__number=axis)
    if objective:
        a, _, o = objective.partition(".")
        if not (a.isascii() and a.isdigit() and o.isascii() and o.isdigit()):  # not « ² »
            return Activity.objects.none()
        if len(a) > 6 or len(o) > 6:
            return Activity.objects.none()
        qs = qs.filter(objectives__axis__number=int(a), objectives__number=int(o))
    if kind:
        qs = qs.filter(kind__slug=kind)
    if zone:
        qs = qs.filter(zones__code=zone)
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(description__icontains=search))
    if not include_fictional:
        qs = qs.filter(is_fictional=False)
    return (
        qs.distinct()
        .select_related("kind", "author")
        .prefetch_related(
            Prefetch("axes", queryset=Axis.objects.only("id", "number", "title", "convention")),
            "partners",
            Prefetch("zones", queryset=Zone.objects.defer("boundary")),
            "attachments",
            Prefetch("objectives", queryset=_objectives_light()),
        )
        .order_by("-date", "-pk")
    )


@dataclass(frozen=True)
class ZoneCount:
    """Number of journal activities tagged with a zone (IRIS, QPV or quartier)."""

    kind: str
    code: str
    name: str
    count: int
    geometry: dict[str, Any] | None = None


def activities_by_zone(*, territory: Territory, activities: Iterable[Any]) -> list[ZoneCount]:
    """Activities per zone of the territory (IRIS, QPV, quartiers), zero included.

    ``activities`` have their zones prefetched. An activity tagged with several zones counts
    once in each of them. Zones tagged outside the territory's own zones are added at the end.
    """
    counts: dict[int, int] = {}
    tagged: dict[int, Any] = {}
    for activity in activities:
        for zone in activity.zones.all():
            counts[zone.pk] = counts.get(zone.pk, 0) + 1
            tagged[zone.pk] = zone
    zones = territory_zones(territory=territory)
    known = {z.pk for z in zones}
    zones += [z for pk, z in tagged.items() if pk not in known]
    return [
        ZoneCount(
            kind=z.kind, code=z.code, name=z.name, count=counts.get(z.pk, 0), geometry=z.boundary
        )
        for z in zones
    ]


def activity_attachment_get(*, territory: Territory, pk: int) -> ActivityAttachment | None:
    """An attachment of one of the territory's journal activities, or ``None`` (unknown id, or
    an attachment of another territory)."""
    return (
        ActivityAttachment.objects.filter(activity__territory=territory, pk=pk)
        .select_related("activity")
        .first()
    )


def milestones(*, territory: Territory) -> list[Milestone]:
    """The schedule (échéancier), by due date."""
    return list(
        Milestone.objects.filter(convention__territory=territory)
        .select_related("axis", "objective__axis")
        .order_by("due_date", "pk")
    )
