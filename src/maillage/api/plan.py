"""API endpoints of the CTG action plan: the plan tree, the indicators, the journal.

Query parameters are read as text and checked here, so that a malformed value gets a 400 with
a French message (never a 500).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from maillage.plan.indicators import YEAR_KEYS
from maillage.plan.selectors import (
    PlanNotFound,
    convention_get,
    indicator_results,
    journal_queryset,
    milestones,
    plan_tree,
)
from maillage.plan.status import Status
from maillage.territory.selectors import TerritoryNotFound, territory_get

PREFIX = "/plan"
router = Router(tags=["plan d'action"])
MAX_PAGE_SIZE = 200


class ObjectiveOut(Schema):
    id: int
    code: str
    number: int
    title: str
    description: str
    sub_points: list[str]


class IndicatorNodeOut(Schema):
    id: int
    code: str
    number: int
    label: str
    kind: str
    kind_label: str
    unit: str
    method: str
    rule: dict
    baseline_value: float | None
    baseline_year: int | None
    targets: dict[int, float]


class StudySubjectOut(Schema):
    number: int
    title: str
    description: list[str]
    objectives_label: str
    objectives_intro: str
    objectives: list[str]


class AxisOut(Schema):
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
    objectives: list[ObjectiveOut]
    modalities: list[str]
    indicators: list[IndicatorNodeOut]


class PlanOut(Schema):
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
    study_intro: list[str]
    study_subjects: list[StudySubjectOut]
    axes: list[AxisOut]


class EvidenceOut(Schema):
    kind: str
    label: str
    activity_id: int | None
    date: dt.date | None
    value: float | None
    detail: str
    is_fictional: bool


class IndicatorOut(Schema):
    indicator_id: int
    code: str
    axis_number: int
    axis_title: str
    label: str
    kind: str
    kind_label: str
    unit: str
    method: str
    kind_doc: str
    value_type: str
    years: list[int]
    values_by_year: dict[int, float | None]
    display_by_year: dict[int, str]
    partial_by_year: dict[int, float | None]
    complete_years: list[int]
    total: float | None
    total_display: str
    target_by_year: dict[int, float | None]
    target_total: float | None
    baseline: float | None
    baseline_year: int | None
    status: Status
    status_by_year: dict[int, Status]
    evidence_by_year: dict[int, list[EvidenceOut]]
    notes: list[str]
    includes_fictional: bool


class ActivityOut(Schema):
    id: int
    date: dt.date
    kind: str
    title: str
    body: str
    description: str
    axes: list[int]
    objectives: list[str]
    zones: list[str]
    partners: list[str]
    lon: float | None
    lat: float | None
    participants: int | None
    publics: str
    validated: bool
    is_fictional: bool


class JournalPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ActivityOut]


def _territory(slug: str) -> Any:
    try:
        territory = territory_get(slug=slug)
        convention_get(territory=territory)
    except (TerritoryNotFound, PlanNotFound) as exc:
        raise HttpError(404, str(exc)) from exc
    return territory


def _int(value: str | None, name: str, *, low: int, high: int) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError as exc:
        raise HttpError(
            400, _("Paramètre « {name} » : nombre entier attendu.").format(name=name)
        ) from exc
    if not low <= number <= high:
        raise HttpError(
            400,
            _("Paramètre « {name} » : valeur entre {low} et {high} attendue.").format(
                name=name, low=low, high=high
            ),
        )
    return number


@router.get("/{slug}", response=PlanOut, summary="Plan d'action : axes, objectifs, indicateurs")
def plan_detail(request, slug: str):
    return plan_tree(territory=_territory(slug))


@router.get(
    "/{slug}/indicators",
    response=list[IndicatorOut],
    summary="Indicateurs calculés, par année, avec leurs preuves",
)
def plan_indicators(request, slug: str, year: str | None = None):
    territory = _territory(slug)
    conv = territory.convention
    wanted = _int(year, "year", low=conv.period_start, high=conv.period_end)
    results = indicator_results(territory=territory)
    if wanted is None:
        return results
    out = []
    for r in results:
        data = r.as_dict()
        for key in YEAR_KEYS:
            data[key] = {wanted: getattr(r, key)[wanted]}
        data["years"] = [wanted]
        out.append(data)
    return out


@router.get(
    "/{slug}/indicators/{code}",
    response=IndicatorOut,
    summary="Un indicateur (ex. 1.1), par année, avec ses preuves",
)
def plan_indicator(request, slug: str, code: str):
    territory = _territory(slug)
    if not _is_code(code):
        raise HttpError(400, _("Code d'indicateur attendu, ex. « 1.1 »."))
    found = next((r for r in indicator_results(territory=territory) if r.code == code), None)
    if found is None:
        raise HttpError(404, _("Indicateur « {code} » absent du plan.").format(code=code))
    return found


class MilestoneOut(Schema):
    id: int
    title: str
    owner: str
    due_date: dt.date
    status: str
    status_label: str
    axis: int | None
    objective: str | None
    note: str


@router.get(
    "/{slug}/milestones", response=list[MilestoneOut], summary="Échéancier de la convention"
)
def plan_milestones(request, slug: str):
    return [
        {
            "id": m.pk,
            "title": m.title,
            "owner": m.owner,
            "due_date": m.due_date,
            "status": m.status,
            "status_label": str(m.get_status_display()),
            "axis": m.axis.number if m.axis else None,
            "objective": m.objective.code if m.objective else None,
            "note": m.note,
        }
        for m in milestones(territory=_territory(slug))
    ]


@router.get("/{slug}/journal", response=JournalPage, summary="Journal des activités (paginé)")
def plan_journal(
    request,
    slug: str,
    page: str | None = None,
    page_size: str | None = None,
    year: str | None = None,
    axis: str | None = None,
    objective: str | None = None,
    kind: str | None = None,
    zone: str | None = None,
    q: str | None = None,
    fictional: str | None = None,
):
    territory = _territory(slug)
    conv = territory.convention
    page_n = _int(page, "page", low=1, high=1_000_000) or 1
    size = _int(page_size, "page_size", low=1, high=MAX_PAGE_SIZE) or 50
    if objective and not _is_code(objective):
        raise HttpError(400, _("Paramètre « objective » : code attendu, ex. « 1.2 »."))
    if fictional not in (None, "", "true", "false", "1", "0"):
        raise HttpError(400, _("Paramètre « fictional » : true ou false attendu."))
    qs = journal_queryset(
        territory=territory,
        year=_int(year, "year", low=conv.period_start, high=conv.period_end),
        axis=_int(axis, "axis", low=1, high=99),
        objective=objective or None,
        kind=kind or None,
        zone=zone or None,
        search=(q or "").strip()[:200] or None,
        include_fictional=fictional not in ("false", "0"),
    )
    count = qs.count()
    items = qs[(page_n - 1) * size : page_n * size]
    return {
        "count": count,
        "page": page_n,
        "page_size": size,
        "results": [activity_out(a) for a in items],
    }


def activity_out(a: Any) -> dict[str, Any]:
    """A journal activity as the API shows it (read and write endpoints alike)."""
    return {
        "id": a.pk,
        "date": a.date,
        "kind": a.kind.name,
        "title": a.title,
        "body": a.body,
        "description": a.description,
        "axes": sorted(x.number for x in a.axes.all()),
        "objectives": sorted(f"{o.axis.number}.{o.number}" for o in a.objectives.all()),
        "zones": [z.name for z in a.zones.all()],
        "partners": [p.name for p in a.partners.all()],
        "lon": a.lon,
        "lat": a.lat,
        "participants": a.participants,
        "publics": a.publics,
        "validated": a.validated,
        "is_fictional": a.is_fictional,
    }


def _is_code(text: str) -> bool:
    a, sep, o = text.partition(".")
    return bool(sep) and a.isascii() and a.isdigit() and o.isascii() and o.isdigit()
