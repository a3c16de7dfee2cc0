"""Building the yearly bilan of the CTG (reads the plan, its indicators and its journal).

:func:`bilan_build` gathers, for one year or for the whole period, by axis, the indicator results
computed by :func:`maillage.plan.selectors.indicator_results` (values, targets, status and the
activities behind each value), the journal activities and their count per quartier, into one
:class:`~maillage.plan.bilan.Bilan`; :func:`maillage.reports.bilan.bilan_render` renders it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from .bilan import ActivityLine, Bilan, BilanAxis, BilanError, indicator_line

if TYPE_CHECKING:
    from maillage.diagnostic.report import DiagnosticReport
    from maillage.territory.models import Territory

    from .gaps import GapEffect

Progress = Callable[[str], None]

__all__ = ["Bilan", "BilanError", "activity_line", "bilan_build"]


def activity_line(activity: Any) -> ActivityLine:
    """Summary of a journal activity (kind, axes, objectives, zones, partners prefetched)."""
    return ActivityLine(
        id=activity.pk,
        date=activity.date,
        title=activity.title,
        kind=activity.kind.name,
        axes=sorted(a.number for a in activity.axes.all()),
        objectives=sorted(f"{o.axis.number}.{o.number}" for o in activity.objectives.all()),
        zones=[z.name for z in activity.zones.all()],
        partners=[p.name for p in activity.partners.all()],
        participants=activity.participants,
        is_fictional=activity.is_fictional,
    )


def bilan_build(
    *,
    territory: Territory,
    year: int | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
    report: DiagnosticReport | None = None,
) -> Bilan:
    """Build the bilan of ``territory`` for ``year`` (or the whole period when ``None``).

    When actions are linked to gaps of the diagnostic, their figures before and after come from
    :func:`maillage.plan.gaps.gap_effects` (the COPIL deck's function) on ``report`` (the
    diagnostic, built — or read from its cache — when not given)."""
    from maillage.territory.map_frame import map_frame

    from .selectors import (
        PlanNotFound,
        activities_by_zone,
        indicator_results,
        journal_queryset,
        plan_tree,
    )

    step = progress or (lambda message: None)
    try:
        tree = plan_tree(territory=territory)
    except PlanNotFound as exc:
        raise BilanError(str(exc)) from exc
    years = list(range(tree.period[0], tree.period[1] + 1))
    if year is not None and year not in years:
        raise BilanError(
            _("L'année %(year)s est hors de la période de la convention (%(start)s-%(end)s).")
            % {"year": year, "start": tree.period[0], "end": tree.period[1]}
        )
    step(_("calcul des indicateurs"))
    results = indicator_results(territory=territory, today=today)
    step(_("lecture du journal"))
    activities = list(journal_queryset(territory=territory, year=year))
    lines = [activity_line(a) for a in activities]
    step(_("décompte des activités par quartier"))
    zone_counts = activities_by_zone(territory=territory, activities=activities)
    axes = [
        BilanAxis(
            number=axis.number,
            title=axis.title,
            indicators=[indicator_line(r, year) for r in results if r.axis_number == axis.number],
            activities=[a for a in lines if axis.number in a.axes],
        )
        for axis in tree.axes
    ]
    effects = _gap_effects(territory, report, today, step)
    codes_by_note: dict[str, list[str]] = {}
    for r in results:
        for note in r.notes:
            codes_by_note.setdefault(note, []).append(r.code)
    notes = [
        _("Indicateur(s) %(codes)s : %(note)s") % {"codes": ", ".join(codes), "note": note}
        for note, codes in codes_by_note.items()
    ]
    return Bilan(
        territory_slug=territory.slug,
        territory_name=territory.name,
        title=tree.title,
        period=tree.period,
        year=year,
        years=years,
        axes=axes,
        zone_counts=zone_counts,
        points=[
            (a.lon, a.lat, a.title) for a in activities if a.lon is not None and a.lat is not None
        ],
        activity_count=len(lines),
        fictional_count=sum(1 for a in lines if a.is_fictional),
        generated_on=(today or timezone.localdate()),
        notes=notes,
        study_intro=list(tree.study_intro),
        study_subjects=list(tree.study_subjects),
        complete_years=results[0].complete_years if results else [],
        frame=map_frame(territory=territory),
        gap_effects=effects,
    )


def _gap_effects(
    territory: Territory, report: DiagnosticReport | None, today: dt.date | None, step: Progress
) -> list[GapEffect]:
    """The linked gaps and their figures; no diagnostic is built when nothing is linked."""
    from django.db.models import Q

    from .gaps import gap_effects
    from .models import GapLink

    linked = GapLink.objects.filter(
        Q(activity__territory=territory) | Q(milestone__convention__territory=territory)
    ).exists()
    if not linked:
        return []
    step(_("actions liées aux manques du diagnostic"))
    if report is None:
        from maillage.diagnostic.selectors import diagnostic_build

        report = diagnostic_build(territory=territory, today=today, progress=step)
    return gap_effects(territory=territory, report=report)
