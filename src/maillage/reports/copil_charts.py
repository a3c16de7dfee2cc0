"""The quarter curve of an indicator against its target (indicator page and COPIL deck).

Drawn with the helpers of :mod:`.charts` (palette, French number format, SVG text kept as text).
For an additive kind the curve is the running total of the year (it meets the yearly target at
the fourth quarter); otherwise the quarter's own value, against the year's target.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib

from .charts import (
    _RC,
    BLUE,
    INK,
    ORANGE,
    PALETTE,
    ImageFormat,
    _format_number,
    _to_bytes,
    french_axis,
)

matplotlib.use("Agg")

from matplotlib import pyplot as plt  # noqa: E402

if TYPE_CHECKING:
    from maillage.plan.quarters import QuarterSeries


def quarter_points(series: QuarterSeries) -> list[tuple[str, float | None, float | None, str]]:
    """(label, value or running total, target, text) per quarter begun; ``None`` where not
    known (text « n.r. » non renseigné, « n.c. » non calculable)."""
    out: list[tuple[str, float | None, float | None, str]] = []
    running: dict[int, float | None] = {}
    for q in series.quarters:
        if not q.started:
            continue
        value = q.value
        if series.additive:
            before = running.get(q.year, 0.0)
            value = None if value is None or before is None else before + value
            running[q.year] = value
        if value is not None:
            text = _format_number(value)
        else:
            text = "n.r." if q.computable else "n.c."
        out.append((q.label, value, series.year_targets.get(q.year), text))
    return out


def quarter_chart(
    series: QuarterSeries,
    *,
    fmt: ImageFormat = "svg",
    width_in: float = 5.6,
    height_in: float = 2.4,
) -> bytes:
    """Line of the quarters' values (running total of the year for an additive kind), dashed
    steps for the year's target; « n.r. » where a quarter's value is not known."""
    points = quarter_points(series)
    with matplotlib.rc_context(_RC):
        fig, ax = plt.subplots(figsize=(width_in, height_in), layout="constrained")
        xs = list(range(len(points)))
        known = [(x, p[1]) for x, p in zip(xs, points, strict=True) if p[1] is not None]
        label = "Cumul de l'année" if series.additive else "Valeur du trimestre"
        if known:
            ax.plot([x for x, _ in known], [v for _, v in known], color=BLUE, marker="o",
                    label=label)  # fmt: skip
        for x, (_label, value, _target, text) in zip(xs, points, strict=True):
            ax.annotate(text, (x, value or 0), xytext=(0, 4), textcoords="offset points",
                        ha="center", va="bottom", color=INK, fontsize=7)  # fmt: skip
        targets = [(x, p[2]) for x, p in zip(xs, points, strict=True) if p[2] is not None]
        if targets:
            ax.step([x for x, _ in targets], [t for _, t in targets], where="mid", color=ORANGE,
                    linestyle="--", label="Cible de l'année")  # fmt: skip
        ax.set_xticks(xs, [p[0] for p in points], rotation=45, ha="right", fontsize=7)
        top = max([0.0, *(v for _, v in known), *(t for _, t in targets)])
        ax.set_ylim(0, top * 1.25 if top > 0 else 1)
        french_axis(ax.yaxis, integer=all(float(v).is_integer() for _, v in known))
        if series.unit:
            ax.set_ylabel(series.unit)
        ax.set_title(f"Indicateur {series.code} par trimestre", loc="left", fontsize=10)
        if known or targets:
            ax.legend(frameon=False, loc="upper left", fontsize=7)
        ax.grid(axis="y", color=PALETTE["line"], linewidth=0.6)
        ax.set_axisbelow(True)
    return _to_bytes(fig, fmt, tight=False)
