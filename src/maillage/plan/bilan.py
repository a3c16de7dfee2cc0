"""The yearly bilan for the comité de pilotage as one result object (no query here).

Built by :func:`maillage.plan.bilan_build.bilan_build`; rendered as PDF, DOCX or XLSX by
:mod:`maillage.reports.bilan` (nothing is recomputed by a renderer).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from maillage.territory.map_frame import MapFrame

    from .gaps import GapEffect
    from .indicators import Evidence, IndicatorResult
    from .selectors import StudySubjectNode, ZoneCount

FICTIONAL_LABEL = "exemple fictif"
EVIDENCE_LIMIT = 25


class BilanError(ValueError):
    """The bilan cannot be built (no plan, year outside the period…); French message."""


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
    frame: MapFrame  # outlines the map of activities is drawn on
    notes: list[str] = field(default_factory=list)
    study_intro: list[str] = field(default_factory=list)
    study_subjects: list[StudySubjectNode] = field(default_factory=list)
    complete_years: list[int] = field(default_factory=list)
    # the gaps of the diagnostic the actions answer (:func:`maillage.plan.gaps.gap_effects`,
    # the function the COPIL deck uses), with their figures before and after
    gap_effects: list[GapEffect] = field(default_factory=list)

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
