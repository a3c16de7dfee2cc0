"""The comité de pilotage (COPIL): the deck's result object, built once from the bilan and the
diagnostic.

:func:`copil_build` reads nothing twice: the indicators, the journal and the map of activities
come from :func:`maillage.plan.bilan_build.bilan_build`, the territory's figures and the zones
blanches from :func:`maillage.diagnostic.selectors.diagnostic_build`; it adds the next échéances
and, when a meeting is given, its agenda, the decisions to take and what became of the previous
meeting's decisions. :mod:`maillage.reports.copil_slides` lays the result out as slides, rendered
as PPTX (python-pptx) and PDF (WeasyPrint) with the same text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .bilan import Bilan, BilanError

if TYPE_CHECKING:
    from maillage.diagnostic.report import DiagnosticReport
    from maillage.territory.models import Territory

    from .gaps import GapEffect
    from .models import CopilDecision, CopilMeeting, Milestone
    from .quarters import QuarterSeries
    from .white_zone_history import WhiteZoneEvolution

Progress = Callable[[str], None]

#: The three census-like figures of the « territoire en quatre chiffres » (the fourth is the
#: childcare rate, with its own honest label), in this order, from the diagnostic's headline.
KEY_FIGURES = ("population_ctg", "population_qpv", "enfants_0_2_ans")
NEXT_MILESTONES = 8
KEY_ACTIVITIES = 5

__all__ = [
    "BilanError",
    "Copil",
    "copil_build",
    "decision_add",
    "decision_to_milestone",
    "meeting_get",
    "meeting_save",
    "meetings",
    "next_meeting",
]


@dataclass(frozen=True)
class KeyFigure:
    """A figure of the territory as the diagnostic shows it: value (``None`` = non calculable),
    unit, and the note that says where it comes from."""

    label: str
    value: float | None
    unit: str
    source: str
    vintage: str
    missing_reason: str = ""


@dataclass(frozen=True)
class WhiteZoneLine:
    """Zones blanches of one CTG theme, or why they are « non calculable »."""

    theme_label: str
    public: str
    computable: bool
    zones: int | None
    population: float | None
    reason: str
    theme: str = ""  # the diagnostic's theme slug (relevés are kept by theme)


@dataclass(frozen=True)
class KeyActivity:
    """An activity of an axis and how many of the axis's indicator values it founds."""

    date: dt.date
    title: str
    kind: str
    evidence_count: int
    is_fictional: bool


@dataclass(frozen=True)
class MilestoneLine:
    title: str
    owner: str
    due_date: dt.date
    status: str
    status_label: str
    axis: str
    late: bool


@dataclass(frozen=True)
class DecisionFollowUp:
    """A decision of the previous COPIL and what became of it (its échéance's status, if any)."""

    text: str
    owner: str
    due_date: dt.date | None
    outcome: str  # « réalisé », « en cours »… from the échéance, else the decision's own status
    milestone_title: str = ""
    milestone_due: dt.date | None = None


@dataclass(frozen=True)
class PreviousMeeting:
    title: str
    date: dt.date
    decisions: list[DecisionFollowUp]


@dataclass(frozen=True)
class Copil:
    """Everything the COPIL deck shows, computed once."""

    bilan: Bilan
    title: str
    date: dt.date | None
    participants: str
    agenda: list[str]
    key_figures: list[KeyFigure]
    white_zones: list[WhiteZoneLine]
    white_zones_distance_m: float | None
    white_zones_error: str
    to_decide: list[str]
    next_milestones: list[MilestoneLine]
    key_activities: dict[int, list[KeyActivity]]
    generated_on: dt.date
    previous: PreviousMeeting | None = None
    notes: list[str] = field(default_factory=list)
    gap_effects: list[GapEffect] = field(default_factory=list)
    quarters: dict[int, QuarterSeries] = field(default_factory=dict)  # by indicator id
    quarter_year: int | None = None
    white_zones_heading: str = ""  # « Évolution depuis le relevé du … » or « Premier relevé… »
    white_zones_evolution: list[WhiteZoneEvolution] = field(default_factory=list)

    @property
    def territory_name(self) -> str:
        return self.bilan.territory_name

    @property
    def filename_stem(self) -> str:
        day = (self.date or self.generated_on).isoformat()
        return f"copil-{self.bilan.territory_slug}-{day}"


def _lines(text: str) -> list[str]:
    """Free text as items: one per non-empty line, leading bullets (``-``, ``*``, ``•``) dropped."""
    items = []
    for raw in (text or "").splitlines():
        line = raw.strip().lstrip("-*•").strip()
        if line:
            items.append(line)
    return items


def key_figures(report: DiagnosticReport) -> list[KeyFigure]:
    """The territory in four figures, read from the diagnostic (never recomputed)."""
    out = []
    by_key = {f.key: f for f in report.headline}
    for key in KEY_FIGURES:
        f = by_key.get(key)
        if f is not None:
            out.append(KeyFigure(f.label, f.value, f.unit, f.source, f.vintage))
    rate = report.childcare_rate
    if rate is not None:
        out.append(
            KeyFigure(
                rate.label,
                rate.value,
                rate.unit,
                rate.source,
                rate.vintage,
                "" if rate.value is not None else _("pas d'effectif d'enfants de moins de 3 ans"),
            )
        )
    return out


def white_zone_lines(report: DiagnosticReport) -> tuple[list[WhiteZoneLine], float | None, str]:
    """Zones blanches by theme as the diagnostic states them (« non calculable » with its
    reason when too little of the offer is located)."""
    access = report.access
    if access is None:
        return [], None, _("accessibilité non calculée")
    lines = []
    for t in access.themes:
        w = t.white
        if w is None:
            lines.append(WhiteZoneLine(t.theme_label, "", False, None, None, t.error, t.theme))
        elif not w.validity.computable:
            lines.append(
                WhiteZoneLine(
                    t.theme_label, w.target_label, False, None, None, w.validity.reason, t.theme
                )
            )
        else:
            lines.append(
                WhiteZoneLine(
                    t.theme_label,
                    w.target_label,
                    True,
                    len(w.zones),
                    w.concerned_population,
                    "",
                    t.theme,
                )
            )
    return lines, access.max_distance_m, access.coverage_error


def key_activities(bilan: Bilan, *, limit: int = KEY_ACTIVITIES) -> dict[int, list[KeyActivity]]:
    """By axis: its activities that found the most indicator values of the axis, then the most
    recent ones (an activity no indicator cites has a count of 0)."""
    out: dict[int, list[KeyActivity]] = {}
    for axis in bilan.axes:
        counts: dict[int, int] = {}
        for line in axis.indicators:
            for e in line.evidence:
                if e.activity_id is not None:
                    counts[e.activity_id] = counts.get(e.activity_id, 0) + 1
        ranked = sorted(axis.activities, key=lambda a: (-counts.get(a.id, 0), -a.date.toordinal()))
        out[axis.number] = [
            KeyActivity(a.date, a.title, a.kind, counts.get(a.id, 0), a.is_fictional)
            for a in ranked[:limit]
        ]
    return out


def quarter_year(bilan: Bilan, today: dt.date) -> int:
    """The year whose quarters the deck shows: the bilan's, else the current one (within the
    convention)."""
    if bilan.year is not None:
        return bilan.year
    years = bilan.years
    return min(max(today.year, years[0]), years[-1]) if years else today.year


def quarters_of(
    *, territory: Territory, bilan: Bilan, year: int, today: dt.date
) -> dict[int, QuarterSeries]:
    """Each indicator of the bilan by quarter of ``year`` (the same kinds, see
    :mod:`maillage.plan.quarters`)."""
    from .indicators import journal_complete_years
    from .models import Indicator
    from .quarters import quarter_series
    from .selectors import journal_entries

    ids = [line.result.indicator_id for line in bilan.indicators]
    indicators = (
        Indicator.objects.filter(pk__in=ids).select_related("axis").prefetch_related("targets")
    )
    activities = journal_entries(territory=territory)
    complete = journal_complete_years(territory)
    cache: dict[Any, Any] = {}
    return {
        ind.pk: quarter_series(
            territory=territory,
            indicator=ind,
            activities=activities,
            complete=complete,
            today=today,
            years=[year],
            cache=cache,
        )
        for ind in indicators
    }


def _next_milestones(territory: Territory, today: dt.date) -> list[MilestoneLine]:
    from .models import Milestone
    from .selectors import milestones

    open_states = {
        Milestone.Status.PLANNED,
        Milestone.Status.IN_PROGRESS,
        Milestone.Status.POSTPONED,
    }
    steps = [m for m in milestones(territory=territory) if m.status in open_states]
    # Late ones first (they are the COPIL's business), then the coming ones.
    steps.sort(key=lambda m: (not m.is_late(today), m.due_date, m.pk))
    return [
        MilestoneLine(
            title=m.title,
            owner=m.owner,
            due_date=m.due_date,
            status=m.status,
            status_label=str(m.get_status_display()),
            axis=str(m.axis.number) if m.axis else "",
            late=m.is_late(today),
        )
        for m in steps[:NEXT_MILESTONES]
    ]


def _outcome(decision: CopilDecision, today: dt.date) -> str:
    """What became of a decision: its step's status (« en retard » when an open step is past
    due), else the decision's own status."""

    m = decision.milestone
    if m is None:
        return str(decision.get_status_display())
    status = str(m.get_status_display())
    if m.is_late(today):
        status += " " + _("(en retard)")
    return status


def _previous(
    territory: Territory, before: dt.date, exclude: int | None, today: dt.date
) -> PreviousMeeting | None:
    from .models import CopilMeeting

    meetings = CopilMeeting.objects.filter(territory=territory, date__lt=before)
    if exclude is not None:
        meetings = meetings.exclude(pk=exclude)
    meeting = meetings.order_by("-date", "-pk").first()
    if meeting is None:
        return None
    decisions = []
    for d in meeting.decisions.select_related("milestone").order_by("pk"):
        m = d.milestone
        decisions.append(
            DecisionFollowUp(
                text=d.text,
                owner=(m.owner if m is not None and m.owner else d.owner),
                due_date=d.due_date,
                outcome=_outcome(d, today),
                milestone_title=m.title if m is not None else "",
                milestone_due=m.due_date if m is not None else None,
            )
        )
    return PreviousMeeting(title=meeting.title, date=meeting.date, decisions=decisions)


def copil_build(
    *,
    territory: Territory,
    year: int | None = None,
    meeting: CopilMeeting | None = None,
    to_decide: str = "",
    progress: Progress | None = None,
    today: dt.date | None = None,
    keep_snapshot: bool = True,
) -> Copil:
    """The deck of a COPIL of ``territory``: the bilan of ``year`` (or of the whole period), the
    diagnostic's figures and zones blanches, the next échéances; with ``meeting``, its title,
    date, participants, agenda and decisions to take (``to_decide`` adds to them) and the
    follow-up of the previous meeting's decisions (without it: of the last meeting before
    ``today``). The zones blanches are compared with the last relevé before ``today``, and
    today's relevé is kept (``keep_snapshot``, see :mod:`maillage.plan.white_zone_history`)."""
    from maillage.diagnostic.selectors import diagnostic_build

    from .bilan_build import bilan_build
    from .white_zone_history import evolution, previous_snapshot, snapshot_save

    step = progress or (lambda message: None)
    today = today or timezone.localdate()
    bilan = bilan_build(territory=territory, year=year, progress=step, today=today)
    step(_("chiffres du territoire et zones blanches (diagnostic)"))
    report = diagnostic_build(territory=territory, today=today, progress=step)
    white, distance, white_error = white_zone_lines(report)
    last = previous_snapshot(territory=territory, before=today)
    heading, changes = evolution(lines=white, previous=last)
    if keep_snapshot:
        snapshot_save(territory=territory, lines=white, distance_m=distance, day=today)
    step(_("indicateurs par trimestre"))
    q_year = quarter_year(bilan, today)
    quarters = quarters_of(territory=territory, bilan=bilan, year=q_year, today=today)
    effects = bilan.gap_effects  # computed once, by bilan_build (same function, same report)
    step(_("échéances et décisions"))
    decide = _lines(meeting.to_decide) if meeting is not None else []
    decide += _lines(to_decide)
    when = meeting.date if meeting is not None else None
    return Copil(
        bilan=bilan,
        title=(meeting.title if meeting is not None else _("Comité de pilotage de la CTG")),
        date=when,
        participants=meeting.participants if meeting is not None else "",
        agenda=_lines(meeting.agenda) if meeting is not None else [],
        key_figures=key_figures(report),
        white_zones=white,
        white_zones_distance_m=distance,
        white_zones_error=white_error,
        to_decide=decide,
        next_milestones=_next_milestones(territory, today),
        key_activities=key_activities(bilan),
        generated_on=today,
        previous=_previous(
            territory, when or today, meeting.pk if meeting is not None else None, today
        ),
        notes=list(bilan.notes),
        gap_effects=effects,
        quarters=quarters,
        quarter_year=q_year,
        white_zones_heading=heading,
        white_zones_evolution=changes,
    )


# --------------------------------------------------------------------------- reads and writes


def meeting_get(*, territory: Territory, pk: int) -> CopilMeeting:
    """The COPIL ``pk`` of ``territory``; :class:`BilanError` (French message) when unknown."""
    from .models import CopilMeeting

    meeting = CopilMeeting.objects.filter(territory=territory, pk=pk).first()
    if meeting is None:
        raise BilanError(
            _("Comité de pilotage n° %(pk)s introuvable pour ce territoire.") % {"pk": pk}
        )
    return meeting


def next_meeting(*, territory: Territory, today: dt.date | None = None) -> CopilMeeting | None:
    """The territory's next COPIL (today or later), or ``None`` when none is recorded."""
    from .models import CopilMeeting

    day = today or timezone.localdate()
    meetings = CopilMeeting.objects.filter(territory=territory, date__gte=day)
    return meetings.order_by("date", "pk").first()


def meetings(*, territory: Territory) -> list[CopilMeeting]:
    """The territory's COPIL meetings, the most recent first, with their decisions."""
    from .models import CopilMeeting

    return list(
        CopilMeeting.objects.filter(territory=territory)
        .prefetch_related("decisions__milestone")
        .order_by("-date", "-pk")
    )


def _history(obj: Any, user: Any, before: dict[str, Any] | None) -> None:
    from maillage.accounts.history import record_change, snapshot

    action = "create" if before is None else "update"
    record_change(obj=obj, user=user, before=before, after=snapshot(obj), action=action)


def _clean_meeting(values: dict[str, Any]) -> dict[str, Any]:
    from .validation import PlanValidationError

    errors = {}
    if not isinstance(values.get("date"), dt.date):
        errors["date"] = _("date de la réunion attendue.")
    title = " ".join(str(values.get("title") or "").split())
    if not title:
        errors["title"] = _("intitulé obligatoire.")
    elif len(title) > 300:
        errors["title"] = _("intitulé trop long (300 caractères au plus).")
    texts = {k: str(values.get(k) or "").strip() for k in MEETING_TEXTS}
    for key, text in texts.items():
        if len(text) > TEXT_MAX:
            errors[key] = _("texte trop long (%(n)s caractères au plus).") % {"n": TEXT_MAX}
    if errors:
        raise PlanValidationError(errors)
    return {"date": values["date"], "title": title, **texts}


MEETING_TEXTS = ("participants", "agenda", "to_decide", "notes")
TEXT_MAX = 20_000


@transaction.atomic
def meeting_save(
    *, territory: Territory, meeting: CopilMeeting | None = None, user: Any = None, **values: Any
) -> CopilMeeting:
    """Record a COPIL (``meeting`` ``None``) or change one: ``date``, ``title``, ``participants``,
    ``agenda``, ``to_decide``, ``notes``; :class:`PlanValidationError` (French, by field)."""
    from maillage.accounts.history import snapshot

    from .models import CopilMeeting

    clean = _clean_meeting(values)
    if meeting is None:
        meeting = CopilMeeting.objects.create(territory=territory, created_by=_user(user), **clean)
        _history(meeting, user, None)
        return meeting
    if meeting.territory_id != territory.pk:
        raise BilanError(_("Ce comité de pilotage est celui d'un autre territoire."))
    before = snapshot(meeting)
    for key, value in clean.items():
        setattr(meeting, key, value)
    meeting.save()
    _history(meeting, user, before)
    return meeting


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


@transaction.atomic
def decision_add(
    *,
    meeting: CopilMeeting,
    text: str,
    owner: str = "",
    due_date: dt.date | None = None,
    user: Any = None,
) -> CopilDecision:
    """Record a decision of ``meeting``: what, who carries it, by when."""
    from .models import CopilDecision
    from .validation import PlanValidationError

    text = (text or "").strip()
    owner = " ".join((owner or "").split())
    errors = {}
    if not text:
        errors["text"] = _("texte de la décision obligatoire.")
    elif len(text) > TEXT_MAX:
        errors["text"] = _("texte trop long (%(n)s caractères au plus).") % {"n": TEXT_MAX}
    if len(owner) > 300:
        errors["owner"] = _("nom trop long (300 caractères au plus).")
    if due_date is not None and not isinstance(due_date, dt.date):
        errors["due_date"] = _("date attendue.")
    if errors:
        raise PlanValidationError(errors)
    decision = CopilDecision.objects.create(
        meeting=meeting, text=text, owner=owner, due_date=due_date
    )
    _history(decision, user, None)
    return decision


@transaction.atomic
def decision_to_milestone(
    *,
    decision: CopilDecision,
    due_date: dt.date | None = None,
    owner: str | None = None,
    user: Any = None,
) -> Milestone:
    """« Transformer en échéance »: a step of the schedule carrying the decision (its text, who,
    when), linked to it, so that the next COPIL's deck shows the step's status."""
    from maillage.accounts.history import snapshot

    from .models import CopilDecision
    from .services import milestone_create
    from .validation import PlanValidationError

    decision = (
        CopilDecision.objects.select_for_update()
        .select_related("meeting__territory")
        .get(pk=decision.pk)
    )
    if decision.milestone_id is not None:
        raise PlanValidationError(
            {"milestone": _("cette décision est déjà une étape de l'échéancier.")}
        )
    when = due_date or decision.due_date
    if when is None:
        raise PlanValidationError({"due_date": _("indiquez la date d'échéance de l'étape.")})
    meeting = decision.meeting
    title = " ".join(decision.text.split())
    milestone = milestone_create(
        territory=meeting.territory,
        title=title if len(title) <= 300 else title[:299] + "…",
        due_date=when,
        owner=decision.owner if owner is None else owner,
        note=_("Décision du comité de pilotage du %(date)s (« %(title)s »).")
        % {"date": meeting.date.strftime("%d/%m/%Y"), "title": meeting.title},
        user=user,
    )
    before = snapshot(decision)
    decision.milestone = milestone
    decision.due_date = when
    if owner is not None:
        decision.owner = owner
    if decision.status == decision.Status.OPEN:
        decision.status = decision.Status.IN_PROGRESS
    decision.save()
    _history(decision, user, before)
    return milestone
