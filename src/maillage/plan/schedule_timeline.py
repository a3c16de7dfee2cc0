"""The échéancier as a timeline (frise): an SVG drawn on the server, no script, no library.

One lane per axis of the plan (and « Sans axe » when an échéance has none), the CTG period on
the x-axis by quarter, each échéance a numbered marker on its due date whose shape says its
status (colour is never the only cue), a ring on late ones, a line on today. Every marker has a
``<title>`` (title, date, status); the page gives the same rows as a table (text alternative),
numbered as the markers. All text is escaped here; the SVG uses presentation attributes only
(no ``style``), so the strict CSP applies unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Milestone
from .schedule_table import ScheduleRow

WIDTH = 960
LABEL_W = 170
RIGHT = 20
HEADER_H = 46
ROW_H = 28
LANE_PAD = 10
MIN_GAP = 30  # px between two markers of a row (room for the number)
RADIUS = 6
LATE_COLOUR = "#ce0500"
TEXT = "#161616"
MUTED = "#666666"
LINE = "#dddddd"

# Status → (shape, fill, stroke), the colours of plan.css' status-… classes.
SHAPES: dict[str, tuple[str, str, str]] = {
    Milestone.Status.PLANNED: ("circle", "#ffffff", "#3a3a3a"),
    Milestone.Status.IN_PROGRESS: ("circle", "#0a3d91", "#0a3d91"),
    Milestone.Status.DONE: ("square", "#18753c", "#18753c"),
    Milestone.Status.POSTPONED: ("triangle", "#716043", "#716043"),
    Milestone.Status.CANCELLED: ("cross", "#6a6a6a", "#6a6a6a"),
}


@dataclass(frozen=True)
class Lane:
    label: str
    title: str
    rows: list[tuple[int, ScheduleRow]]


@dataclass(frozen=True)
class Timeline:
    """The SVG (escaped text), its size, and the numbered rows it shows."""

    svg: str
    width: int
    height: int
    items: list[tuple[int, ScheduleRow]]
    start: dt.date
    end: dt.date


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _next_quarter(day: dt.date) -> dt.date:
    month = day.month + 3
    return dt.date(day.year + (month > 12), (month - 1) % 12 + 1, 1)


def _range(rows: Sequence[ScheduleRow], period: tuple[int, int]) -> tuple[dt.date, dt.date]:
    """The CTG period, widened by whole quarters to show an échéance outside it."""
    start, end = dt.date(period[0], 1, 1), dt.date(period[1] + 1, 1, 1)
    if rows:
        start = min(start, _quarter_start(min(r.due_date for r in rows)))
        end = max(end, _next_quarter(_quarter_start(max(r.due_date for r in rows))))
    return start, end


def _fr(day: dt.date) -> str:
    return date_format(day, "d/m/Y")


def _marker(shape: str, x: float, y: float, fill: str, stroke: str) -> str:
    r = RADIUS
    if shape == "square":
        return (
            f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r}" height="{2 * r}" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>'
        )
    if shape == "triangle":
        points = f"{x:.1f},{y - r - 1:.1f} {x + r + 1:.1f},{y + r:.1f} {x - r - 1:.1f},{y + r:.1f}"
        return f'<polygon points="{points}" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>'
    if shape == "cross":
        return (
            f'<path d="M{x - r:.1f},{y - r:.1f}L{x + r:.1f},{y + r:.1f}'
            f'M{x - r:.1f},{y + r:.1f}L{x + r:.1f},{y - r:.1f}" stroke="{stroke}" '
            'stroke-width="3" fill="none"/>'
        )
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{fill}" stroke="{stroke}" '
        'stroke-width="2"/>'
    )


def _lanes(items: list[tuple[int, ScheduleRow]], axes: Sequence[tuple[int, str]]) -> list[Lane]:
    lanes = [
        Lane(_("Axe %(n)s") % {"n": n}, title, [(i, r) for i, r in items if r.axis_number == n])
        for n, title in axes
    ]
    known = {n for n, _ in axes}
    orphans = [(i, r) for i, r in items if r.axis_number not in known]
    if orphans:
        lanes.append(Lane(_("Sans axe"), _("Échéances sans axe du plan"), orphans))
    return lanes


def _shorten(text: str, size: int = 24) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _item_title(n: int, row: ScheduleRow) -> str:
    parts = [f"{n}. {row.title}", _fr(row.due_date), row.status_label]
    if row.late:
        parts.append(_("en retard"))
    if row.owner:
        parts.append(_("porteur : %(owner)s") % {"owner": row.owner})
    return " — ".join(parts)


def timeline(
    *,
    rows: Sequence[ScheduleRow],
    axes: Sequence[tuple[int, str]],
    period: tuple[int, int],
    today: dt.date,
    title: str,
    description: str,
) -> Timeline:
    """The frise of ``rows`` (numbered 1… in their order), one lane per axis of ``axes``
    (number, title), over ``period`` (first and last year of the convention)."""
    items = list(enumerate(rows, start=1))
    start, end = _range(rows, period)
    days = (end - start).days
    plot_w = WIDTH - LABEL_W - RIGHT

    def x_of(day: dt.date) -> float:
        return LABEL_W + (day - start).days / days * plot_w

    lanes = _lanes(items, axes)
    body: list[str] = []
    y = HEADER_H
    lane_tops: list[tuple[float, float]] = []
    for lane_index, lane in enumerate(lanes):
        ends: list[float] = []  # x of the last marker of each row of this lane
        placed: list[tuple[int, ScheduleRow, float, int]] = []
        for n, row in lane.rows:
            x = x_of(row.due_date)
            slot = next((k for k, last in enumerate(ends) if x - last >= MIN_GAP), len(ends))
            if slot == len(ends):
                ends.append(x)
            else:
                ends[slot] = x
            placed.append((n, row, x, slot))
        height = max(1, len(ends)) * ROW_H + 2 * LANE_PAD
        lane_tops.append((y, height))
        fill = "#f6f6f6" if lane_index % 2 == 0 else "#ffffff"
        body.append(
            f"<g><title>{escape(lane.label)} — {escape(lane.title)}</title>"
            f'<rect x="0" y="{y:.1f}" width="{WIDTH}" height="{height}" fill="{fill}"/>'
            f'<text x="8" y="{y + 20:.1f}" font-size="13" font-weight="bold" fill="{TEXT}">'
            f"{escape(lane.label)}</text>"
            f'<text x="8" y="{y + 37:.1f}" font-size="11" fill="{MUTED}">'
            f"{escape(_shorten(lane.title))}</text></g>"
        )
        for n, row, x, slot in placed:
            cy = y + LANE_PAD + slot * ROW_H + ROW_H / 2
            shape, mfill, stroke = SHAPES.get(row.status, ("circle", "#ffffff", "#3a3a3a"))
            ring = (
                f'<circle cx="{x:.1f}" cy="{cy:.1f}" r="{RADIUS + 4}" fill="none" '
                f'stroke="{LATE_COLOUR}" stroke-width="2"/>'
                if row.late
                else ""
            )
            label_fill = LATE_COLOUR if row.late else TEXT
            body.append(
                f'<g class="echeance"><title>{escape(_item_title(n, row))}</title>{ring}'
                f"{_marker(shape, x, cy, mfill, stroke)}"
                f'<text x="{x + RADIUS + (10 if row.late else 5):.1f}" y="{cy + 4:.1f}" '
                f'font-size="11" '
                f'fill="{label_fill}">{n}</text></g>'
            )
        y += height
    plot_bottom = y

    grid: list[str] = []
    quarter = _quarter_start(start)
    while quarter < end:
        x = x_of(quarter)
        q = (quarter.month - 1) // 3 + 1
        grid.append(
            f'<line x1="{x:.1f}" y1="{HEADER_H - 16}" x2="{x:.1f}" y2="{plot_bottom:.1f}" '
            f'stroke="{"#9a9a9a" if q == 1 else LINE}" stroke-width="1"/>'
        )
        nxt = _next_quarter(quarter)
        mid = (x + x_of(min(nxt, end))) / 2
        grid.append(
            f'<text x="{mid:.1f}" y="{HEADER_H - 4}" font-size="11" text-anchor="middle" '
            f'fill="{MUTED}">T{q}</text>'
        )
        if q == 1 or quarter == _quarter_start(start):
            year_end = min(dt.date(quarter.year + 1, 1, 1), end)
            ymid = (x + x_of(year_end)) / 2
            grid.append(
                f'<text x="{ymid:.1f}" y="{HEADER_H - 24}" font-size="13" font-weight="bold" '
                f'text-anchor="middle" fill="{TEXT}">{quarter.year}</text>'
            )
        quarter = nxt
    if start <= today < end:
        tx = x_of(today)
        grid.append(
            f"<g><title>{escape(_('Aujourd’hui, %(d)s') % {'d': _fr(today)})}</title>"
            f'<line x1="{tx:.1f}" y1="{HEADER_H - 16}" x2="{tx:.1f}" y2="{plot_bottom:.1f}" '
            f'stroke="{LATE_COLOUR}" stroke-width="2" stroke-dasharray="5 3"/>'
            f'<text x="{tx - 4:.1f}" y="{plot_bottom + 14:.1f}" font-size="11" '
            'text-anchor="end" '
            f'fill="{LATE_COLOUR}">{escape(_("aujourd’hui (%(d)s)") % {"d": _fr(today)})}'
            "</text></g>"
        )

    legend_y = plot_bottom + 36
    legend: list[str] = []
    lx = 8.0
    for value, label in Milestone.Status.choices:
        shape, mfill, stroke = SHAPES[value]
        legend.append(_marker(shape, lx + RADIUS, legend_y, mfill, stroke))
        legend.append(
            f'<text x="{lx + 2 * RADIUS + 6:.1f}" y="{legend_y + 4:.1f}" font-size="12" '
            f'fill="{TEXT}">{escape(str(label))}</text>'
        )
        lx += 2 * RADIUS + 16 + 7.5 * len(str(label))
    legend.append(
        f'<circle cx="{lx + RADIUS:.1f}" cy="{legend_y:.1f}" r="{RADIUS + 4}" fill="none" '
        f'stroke="{LATE_COLOUR}" stroke-width="2"/>'
        f'<text x="{lx + 2 * RADIUS + 10:.1f}" y="{legend_y + 4:.1f}" font-size="12" '
        f'fill="{LATE_COLOUR}">{escape(_("en retard"))}</text>'
    )
    height = int(legend_y + 20)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" aria-labelledby="frise-titre frise-desc" '
        'font-family="Marianne, Arial, sans-serif">'
        f'<title id="frise-titre">{escape(title)}</title>'
        f'<desc id="frise-desc">{escape(description)}</desc>'
        + "".join(body)
        + "".join(grid)
        + "".join(legend)
        + "</svg>"
    )
    return Timeline(svg=svg, width=WIDTH, height=height, items=items, start=start, end=end)
