"""The yearly bilan for the comité de pilotage: one result object, three renderings.

:func:`bilan_build` gathers, for one year or for the whole period, by axis, the indicator results
computed by :func:`maillage.plan.selectors.indicator_results` (values, targets, status and the
activities behind each value), the journal activities and their count per quartier.
:func:`bilan_render` turns that object into PDF (WeasyPrint), DOCX (python-docx, editable) or
XLSX (openpyxl). Nothing is recomputed by a renderer.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from maillage.plan.indicators import Evidence, IndicatorResult
    from maillage.plan.selectors import StudySubjectNode, ZoneCount
    from maillage.territory.models import Territory

FORMATS = ("pdf", "docx", "xlsx")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FICTIONAL_LABEL = "exemple fictif"
EVIDENCE_LIMIT = 25
Progress = Callable[[str], None]


class BilanError(ValueError):
    """The bilan cannot be built (no plan, year outside the period…); French message."""


def fr_number(value: float | None, *, missing: str = "—") -> str:
    """French display of a number: thin-space thousands, comma decimals, no trailing ``,0``."""
    if value is None:
        return missing
    text = f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


@dataclass(frozen=True)
class ActivityLine:
    id: int
    date: dt.date
    title: str
    kind: str
    axes: list[int]
    objectives: list[str]
    zones: list[str]
    partners: list[str]
    participants: int | None
    is_fictional: bool


@dataclass(frozen=True)
class IndicatorLine:
    """An indicator result seen for the bilan's scope (one year, or the whole period)."""

    result: IndicatorResult
    value: float | None
    target: float | None
    status: str
    evidence: list[Evidence]
    display: str = ""  # how the value reads: « oui », « 3 », « non renseigné (…) »

    @property
    def display_by_year(self) -> list[str]:
        """How each year's value reads, in the order of the convention's years."""
        r = self.result
        return [r.display_by_year.get(y, "—") for y in r.years]

    @property
    def evidence_shown(self) -> list[Evidence]:
        """The first :data:`EVIDENCE_LIMIT` items, for documents read on paper."""
        return self.evidence[:EVIDENCE_LIMIT]

    @property
    def evidence_hidden(self) -> int:
        """How many items the paper documents leave out (all are in the XLSX and on the web)."""
        return max(0, len(self.evidence) - EVIDENCE_LIMIT)

    @property
    def has_chart(self) -> bool:
        """Whether there is anything to draw (a value or a target in some year)."""
        return any(v is not None or t is not None for _, v, t in self.trend)

    @property
    def trend(self) -> list[tuple[int, float | None, float | None]]:
        r = self.result
        return [(y, r.values_by_year.get(y), r.target_by_year.get(y)) for y in r.years]


@dataclass(frozen=True)
class BilanAxis:
    number: int
    title: str
    indicators: list[IndicatorLine]
    activities: list[ActivityLine]


@dataclass(frozen=True)
class Bilan:
    territory_slug: str
    territory_name: str
    title: str
    period: tuple[int, int]
    year: int | None
    years: list[int]
    axes: list[BilanAxis]
    zone_counts: list[ZoneCount]
    points: list[tuple[float, float, str]]
    activity_count: int
    fictional_count: int
    generated_on: dt.date
    notes: list[str] = field(default_factory=list)
    study_intro: list[str] = field(default_factory=list)
    study_subjects: list[StudySubjectNode] = field(default_factory=list)
    complete_years: list[int] = field(default_factory=list)

    @property
    def kind_docs(self) -> list[tuple[str, str]]:
        """(kind label, what the kind measures and how), once per kind used by the plan."""
        seen: dict[str, str] = {}
        for line in self.indicators:
            seen.setdefault(line.result.kind_label, line.result.kind_doc)
        return list(seen.items())

    @property
    def journal_note(self) -> str:
        years = ", ".join(map(str, self.complete_years)) or _("aucune")
        return _(
            "Années dont le journal est déclaré complet : %(years)s. Pour les autres, les "
            "décomptes se lisent « non renseigné » (jamais 0)."
        ) % {"years": years}

    @property
    def scope_label(self) -> str:
        if self.year is not None:
            return _("année %(year)s") % {"year": self.year}
        return _("période %(start)s-%(end)s") % {"start": self.period[0], "end": self.period[1]}

    @property
    def includes_fictional(self) -> bool:
        return self.fictional_count > 0

    @property
    def fictional_warning(self) -> str:
        if not self.fictional_count:
            return ""
        return _(
            "Attention : ce bilan inclut %(count)s activité(s) d'un journal « %(label)s », "
            "chargé pour une démonstration. Les chiffres qui en découlent ne décrivent pas "
            "l'activité réelle du territoire."
        ) % {"count": self.fictional_count, "label": FICTIONAL_LABEL}

    @property
    def indicators(self) -> list[IndicatorLine]:
        return [line for axis in self.axes for line in axis.indicators]

    @property
    def activities_by_axis(self) -> list[tuple[int, str, int]]:
        """(axis number, title, activities) — an activity on two axes counts in both."""
        return [(a.number, a.title, len(a.activities)) for a in self.axes]

    @property
    def activities_by_kind(self) -> list[tuple[str, int]]:
        """(activity kind, activities), most frequent first; each activity counted once."""
        unique = {a.id: a for axis in self.axes for a in axis.activities}
        counts = Counter(a.kind for a in unique.values())
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    @property
    def filename_stem(self) -> str:
        scope = str(self.year) if self.year is not None else f"{self.period[0]}-{self.period[1]}"
        return f"bilan-ctg-{self.territory_slug}-{scope}"


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


def indicator_line(result: IndicatorResult, year: int | None) -> IndicatorLine:
    """``result`` seen for one year, or for the whole period when ``year`` is ``None``."""
    if year is None:
        return IndicatorLine(
            result=result,
            value=result.total,
            target=result.target_total,
            status=result.status,
            evidence=list(result.evidence),
            display=result.total_display,
        )
    return IndicatorLine(
        result=result,
        value=result.values_by_year.get(year),
        target=result.target_by_year.get(year),
        status=result.status_by_year.get(year, ""),
        evidence=list(result.evidence_by_year.get(year, [])),
        display=result.display_by_year.get(year, "—"),
    )


def bilan_build(
    *,
    territory: Territory,
    year: int | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> Bilan:
    """Build the bilan of ``territory`` for ``year`` (or the whole period when ``None``)."""
    from maillage.plan.selectors import (
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
        points=[(a.lon, a.lat, a.title) for a in activities if a.lon is not None],
        activity_count=len(lines),
        fictional_count=sum(1 for a in lines if a.is_fictional),
        generated_on=(today or timezone.localdate()),
        notes=notes,
        study_intro=list(tree.study_intro),
        study_subjects=list(tree.study_subjects),
        complete_years=results[0].complete_years if results else [],
    )


def bilan_render(bilan: Bilan, *, fmt: str, progress: Progress | None = None) -> bytes:
    """Render ``bilan`` as ``pdf``, ``docx`` or ``xlsx`` bytes."""
    step = progress or (lambda message: None)
    if fmt == "pdf":
        from .bilan_pdf import bilan_pdf

        return bilan_pdf(bilan, progress=step)
    if fmt == "docx":
        from .bilan_docx import bilan_docx

        return bilan_docx(bilan, progress=step)
    if fmt == "xlsx":
        from .bilan_xlsx import bilan_xlsx

        step(_("écriture du classeur"))
        return bilan_xlsx(bilan)
    raise BilanError(
        _("Format « %(fmt)s » inconnu (formats : %(known)s).")
        % {"fmt": fmt, "known": ", ".join(FORMATS)}
    )
