"""Charts and static maps as image bytes (SVG or PNG), drawn with matplotlib.

Every function takes plain values (years, numbers, GeoJSON geometries) and returns bytes, so the
same figure is embedded in web pages, PDF, DOCX and XLSX. Maps are drawn in Lambert-93
(EPSG:2154) from the WGS84 GeoJSON stored in the database; no tile server is needed.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

import matplotlib

matplotlib.use("Agg")

from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.font_manager import FontProperties, findfont, get_font  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

    from maillage.territory.map_frame import MapFrame

ImageFormat = Literal["svg", "png"]

# Maillage's palette (its own identity, not the DSFR's): the same values as the custom properties
# of web/static/maillage/site.css (:root), which a test compares. Contrast against white ≥ 4.5:1
# for every colour that draws text or a line carrying meaning.
PALETTE = {
    "ink": "#1d2529",
    "muted": "#4f5a60",
    "accent": "#1a5470",
    "accent-strong": "#0f3a4f",
    "accent-soft": "#e7f0f4",
    "surface": "#f4f6f7",
    "line": "#c9d1d5",
    "line-strong": "#6b767c",
    "warn": "#a13d00",
    "warn-soft": "#fff3eb",
    "danger": "#b00020",
    "ok": "#1f6b3a",
    "iris": "#1f57a0",
}
# One colour per CTG theme, with the matplotlib marker closest to its pictogram's shape
# (web/static/maillage/icons/<thème>.svg): a chart's series are told apart without colour.
THEME_COLOURS = {
    "petite-enfance": "#b0245a",
    "enfance": "#a34500",
    "jeunesse": "#5a45ad",
    "parentalite": "#8b2c8f",
    "vie-sociale": "#2d6a1f",
    "insertion": "#765800",
    "education": "#1f57a0",
    "sante": "#b3201a",
    "acces-droits": "#00676b",
}
THEME_MARKERS = {
    "petite-enfance": "o",
    "enfance": "s",
    "jeunesse": "D",
    "parentalite": "h",
    "vie-sociale": "p",
    "insertion": "8",
    "education": "v",
    "sante": "P",
    "acces-droits": "X",
}
BLUE = PALETTE["accent"]  # the main series (« réalisé », counts)
ORANGE = PALETTE["warn"]  # targets, QPV, sites
GREEN = PALETTE["ok"]
GREY = PALETTE["line-strong"]
LIGHT_BLUE = PALETTE["iris"]
INK = PALETTE["ink"]
# Sequential palette (light → dark bleu canard) for counts per zone; the lightest stays visible.
SEQUENTIAL = ("#e7f0f4", "#c3dbe5", "#8fbccf", "#5196b3", "#2a6f8f", "#0f3a4f")

_RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",  # keep text as text: searchable, selectable, readable by screen readers
    "svg.hashsalt": "maillage",  # deterministic ids
    "font.family": "DejaVu Sans",
    "text.color": PALETTE["ink"],
    "axes.labelcolor": PALETTE["ink"],
    "axes.edgecolor": PALETTE["line-strong"],
    "xtick.color": PALETTE["muted"],
    "ytick.color": PALETTE["muted"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _to_bytes(fig: Figure, fmt: ImageFormat, *, dpi: int = 150, tight: bool = True) -> bytes:
    """Save ``fig``; ``tight`` crops to the drawn content (one more draw: slower)."""
    buffer = io.BytesIO()
    metadata: dict[str, Any] = {"Date": None} if fmt == "svg" else {}
    bbox = "tight" if tight else None
    with matplotlib.rc_context(_RC):
        fig.savefig(buffer, format=fmt, dpi=dpi, bbox_inches=bbox, metadata=metadata)
    plt.close(fig)
    return buffer.getvalue()


def _format_number(value: float) -> str:
    """French display: thin-space thousands, comma decimals, no trailing ``,0``."""
    text = f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


def french_axis(axis: Any, *, integer: bool = False) -> None:
    """French tick labels on ``axis`` (« 0,5 », « 1\u202f200 »); whole ticks only for counts.

    ``integer``: the axis counts things (activities, structures, places): ticks at whole numbers
    only, never « 0,2 » of an activity.
    """
    if integer:
        axis.set_major_locator(MaxNLocator(nbins=5, integer=True, min_n_ticks=1))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: _format_number(v)))


# Fixed-margin layout of trend_chart (points): text measured once with the font the charts use,
# instead of a layout engine that draws the figure twice (issue 20: 24 sparklines per page).
_PAD_PT = 4.0  # blank border around everything drawn
_TICK_PT = 3.5 + 3.5  # tick length + gap to its label (matplotlib's defaults)
_LINE = 1.25  # line height / font size
_SLACK = 1.1  # a browser may draw the SVG's text in a slightly wider font


@lru_cache(maxsize=4096)
def _text_width_pt(text: str, size: float) -> float:
    """Width in points of one line of ``text`` in DejaVu Sans at ``size`` pt (as drawn by Agg)."""
    font = get_font(findfont(FontProperties(family="DejaVu Sans")))
    font.set_size(size, 72)
    font.set_text(text, 0.0)
    return float(font.get_width_height()[0]) / 64 * _SLACK


def _wrap(text: str, size: float, width_pt: float) -> list[str]:
    """``text`` cut at spaces into lines no wider than ``width_pt`` (a longer word stays whole)."""
    lines: list[str] = []
    for word in text.split():
        if lines and _text_width_pt(f"{lines[-1]} {word}", size) <= width_pt:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


@dataclass(frozen=True)
class _TrendLayout:
    axes: tuple[float, float, float, float]  # left, bottom, width, height (fractions)
    ymax: float
    title_lines: list[str]
    unit_lines: list[str]
    label_size: float  # of the value labels above the bars
    year_size: float
    year_step: int  # one year label out of ``year_step`` when even the smallest do not fit
    title_x: float  # in axes fraction: 0 at the axes' left edge, < 0 towards the figure's


def _trend_layout(
    width_pt: float,
    height_pt: float,
    title: str,
    unit: str,
    labels: Sequence[str],
    years: Sequence[int],
    top: float,
    locator: MaxNLocator,
) -> _TrendLayout:
    """Margins of :func:`trend_chart` from the measured width of its text."""
    size = float(_RC["font.size"])
    n = max(len(years), 1)
    # The title is wrapped to the figure's width; it starts at the axes' left edge when it fits
    # there as it is, else at the figure's (title_x), so its line count stays the one measured.
    title_lines = _wrap(title, 10, width_pt - 2 * _PAD_PT) if title else []
    # Vertical room: title above, years below; the value labels need headroom in the axes.
    top_pt = _PAD_PT + (len(title_lines) * 10 * _LINE + 6 if title_lines else 4)
    bottom_pt = _PAD_PT + size * _LINE + _TICK_PT
    axes_h = max(height_pt - top_pt - bottom_pt, 1.0)
    headroom = 3 + size * _LINE + 2  # offset of a value label + its height + a gap
    ymax = max(top * 1.25, top / max(1 - headroom / axes_h, 0.2)) if top > 0 else 1.0
    ticks = [v for v in locator.tick_values(0, ymax) if -1e-9 <= v <= ymax * (1 + 1e-9)]
    tick_w = max((_text_width_pt(_format_number(v), size) for v in ticks), default=0.0)

    def margins(unit_room: float) -> tuple[list[str], float, float, float]:
        """Unit lines, left and right margins, value label size."""
        unit_lines = _wrap(unit, size, unit_room) if unit else []
        left = _PAD_PT + tick_w + _TICK_PT + (len(unit_lines) * size * _LINE + 4 if unit else 0)
        right = _PAD_PT + 2
        # A value label wider than its bar's slot: smaller, and room for the first and last.
        slot = (width_pt - left - right) / n
        widest = max((_text_width_pt(label, size) for label in labels), default=0.0)
        label_size = size if widest <= slot * 0.95 else max(6.5, size * slot * 0.95 / widest)
        if labels:  # half of it beyond its slot, + 2 pt as the slots narrow by this very room
            right += max((_text_width_pt(labels[-1], label_size) - slot) / 2 + 2, 0.0)
            left = max(left, _PAD_PT + (_text_width_pt(labels[0], label_size) - slot) / 2 + 2)
        return unit_lines, left, right, label_size

    # The unit is centred on the axes' height and may run into the margins above and below, as
    # long as the title starts at the axes' left edge; a title too wide for that starts at the
    # figure's (title_x < 0) and the unit then keeps to the axes' height, below it.
    axes_mid = bottom_pt + axes_h / 2
    unit_lines, left_pt, right_pt, label_size = margins(
        2 * min(axes_mid - _PAD_PT, height_pt - _PAD_PT - axes_mid)
    )
    fits = all(_text_width_pt(line, 10) <= width_pt - left_pt - _PAD_PT for line in title_lines)
    if not fits:
        unit_lines, left_pt, right_pt, label_size = margins(axes_h)
    title_x = 0.0 if fits else (_PAD_PT - left_pt) / max(width_pt - left_pt - right_pt, 1.0)
    slot = (width_pt - left_pt - right_pt) / n
    year_w = max((_text_width_pt(str(y), size) for y in years), default=0.0)
    year_size = size if year_w <= slot * 0.9 else max(6.5, size * slot * 0.9 / year_w)
    year_step = 1
    while year_step < n and _text_width_pt("2000", year_size) > slot * year_step * 0.9:
        year_step += 1
    return _TrendLayout(
        axes=(
            left_pt / width_pt,
            bottom_pt / height_pt,
            max(width_pt - left_pt - right_pt, 1.0) / width_pt,
            axes_h / height_pt,
        ),
        ymax=ymax,
        title_lines=title_lines,
        unit_lines=unit_lines,
        label_size=label_size,
        year_size=year_size,
        year_step=year_step,
        title_x=title_x,
    )


def _trend_figure(
    *,
    years: Sequence[int],
    values: Sequence[float | None],
    targets: Sequence[float | None] | None = None,
    title: str = "",
    unit: str = "",
    width_in: float = 5.0,
    height_in: float = 2.6,
) -> Figure:
    """The figure of :func:`trend_chart`, not yet saved."""
    if len(values) != len(years) or (targets is not None and len(targets) != len(years)):
        raise ValueError("years, values and targets must have the same length")
    heights = [v if v is not None else 0 for v in values]
    labels = [_format_number(v) if v is not None else "n.d." for v in values]
    top = max([*(h for h in heights), *((t or 0) for t in (targets or []))], default=0)
    integer = all(float(v).is_integer() for v in heights)
    locator = (
        MaxNLocator(nbins=5, integer=True, min_n_ticks=1)
        if integer
        else MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10])
    )
    lay = _trend_layout(width_in * 72, height_in * 72, title, unit, labels, years, top, locator)
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(width_in, height_in))
        ax = fig.add_axes(lay.axes)
        positions = list(range(len(years)))
        bars = ax.bar(positions, heights, color=BLUE, width=0.6, label="Réalisé")
        for pos, bar, label in zip(positions, bars, labels, strict=True):
            ax.annotate(
                label,
                (pos, bar.get_height()),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                va="bottom",
                color=INK,
                fontsize=lay.label_size,
            )
        if targets is not None and any(t is not None for t in targets):
            tx = [p for p, t in zip(positions, targets, strict=True) if t is not None]
            ty = [t for t in targets if t is not None]
            ax.plot(tx, ty, color=ORANGE, linestyle="--", marker="o", label="Cible")
        year_labels = [str(y) if k % lay.year_step == 0 else "" for k, y in enumerate(years)]
        ax.set_xticks(positions, year_labels, fontsize=lay.year_size)
        ax.set_xlim(-0.5, max(len(years), 1) - 0.5)
        ax.set_ylim(0, lay.ymax)
        ax.yaxis.set_major_locator(locator)
        french_axis(ax.yaxis)
        if lay.unit_lines:
            ax.set_ylabel("\n".join(lay.unit_lines), labelpad=4)
        if lay.title_lines:
            ax.set_title("\n".join(lay.title_lines), loc="left", fontsize=10, pad=6, x=lay.title_x)
        ax.legend(frameon=False, loc="upper left", fontsize=8)
        ax.grid(axis="y", color=PALETTE["line"], linewidth=0.6)
        ax.set_axisbelow(True)
    return fig


def trend_chart(
    *,
    years: Sequence[int],
    values: Sequence[float | None],
    targets: Sequence[float | None] | None = None,
    title: str = "",
    unit: str = "",
    fmt: ImageFormat = "svg",
    width_in: float = 5.0,
    height_in: float = 2.6,
) -> bytes:
    """A year-by-year chart of an indicator: bars for the values, a dashed line for the targets.

    ``values`` and ``targets`` are aligned with ``years``; ``None`` means no value that year
    (no bar, labelled « n.d. »). Returns SVG (text kept as text) or PNG bytes.

    The margins are computed from the measured width of the tick labels, unit, title and value
    labels (wrapped when longer than the room they have), so the figure is drawn once, with no
    layout engine nor tight bounding box, and no text falls outside it.
    """
    fig = _trend_figure(
        years=years,
        values=values,
        targets=targets,
        title=title,
        unit=unit,
        width_in=width_in,
        height_in=height_in,
    )
    return _to_bytes(fig, fmt, tight=False)


def bar_chart(
    *,
    labels: Sequence[str],
    values: Sequence[float],
    title: str = "",
    unit: str = "",
    fmt: ImageFormat = "svg",
    width_in: float = 6.0,
    themes: Sequence[str] | None = None,
) -> bytes:
    """A horizontal bar chart (e.g. activities per axis or per quartier).

    ``themes``: one CTG theme slug per bar; each bar then takes its theme's colour and ends with
    its theme's marker shape (THEME_COLOURS, THEME_MARKERS: the map markers' and pictograms'),
    the label still naming it in text."""
    if len(labels) != len(values) or (themes is not None and len(themes) != len(values)):
        raise ValueError("labels, values and themes must have the same length")
    with matplotlib.rc_context(_RC):
        height = max(1.4, 0.35 * len(labels) + 0.8)
        fig, ax = plt.subplots(figsize=(width_in, height))
        positions = list(range(len(labels)))[::-1]
        colours = [THEME_COLOURS.get(t, BLUE) for t in themes] if themes else BLUE
        ax.barh(positions, list(values), color=colours, height=0.6)
        for k, (pos, value) in enumerate(zip(positions, values, strict=True)):
            if themes and themes[k] in THEME_MARKERS:
                ax.scatter(
                    [value], [pos], marker=THEME_MARKERS[themes[k]], s=42, zorder=3,
                    color=THEME_COLOURS[themes[k]], edgecolors="white", linewidths=0.8,
                    clip_on=False,
                )  # fmt: skip
            ax.annotate(
                _format_number(value),
                (value, pos),
                xytext=(7 if themes else 3, 0),
                textcoords="offset points",
                va="center",
            )
        ax.set_yticks(positions, list(labels))
        ax.set_xlim(0, (max(values, default=0) or 1) * 1.2)
        french_axis(ax.xaxis, integer=all(float(v).is_integer() for v in values))
        if unit:
            ax.set_xlabel(unit)
        if title:
            ax.set_title(title, loc="left", fontsize=10)
    return _to_bytes(fig, fmt)


@dataclass(frozen=True)
class MapZone:
    """A polygon to draw: GeoJSON geometry (WGS84), a label and an optional value (choropleth)."""

    geometry: dict
    label: str = ""
    value: float | None = None


@dataclass(frozen=True)
class MapPoint:
    """A point to draw (WGS84 degrees), with an optional label."""

    lon: float
    lat: float
    label: str = ""


def _draw_polygon(ax: Any, geom: Any, **style: Any) -> None:
    parts = getattr(geom, "geoms", [geom])
    for part in parts:
        if part.geom_type != "Polygon":
            continue
        x, y = part.exterior.xy
        if style.get("fill", False):
            ax.fill(
                x, y, facecolor=style["facecolor"], edgecolor="none", alpha=style.get("alpha", 1)
            )
        ax.plot(
            x,
            y,
            color=style.get("edgecolor", GREY),
            linewidth=style.get("linewidth", 1),
            linestyle=style.get("linestyle", "-"),
        )


def _bin_colour(value: float, vmax: float) -> str:
    if vmax <= 0 or value <= 0:
        return PALETTE["surface"]
    index = min(len(SEQUENTIAL) - 1, int(value / vmax * (len(SEQUENTIAL) - 1) + 0.5))
    return SEQUENTIAL[max(index, 1)]


def static_map(
    *,
    frame: MapFrame,
    points: Sequence[MapPoint] = (),
    zones: Sequence[MapZone] = (),
    title: str = "",
    legend: str = "",
    fmt: ImageFormat = "png",
    width_in: float = 6.0,
    show_neighbours: bool = True,
) -> bytes:
    """A static map framed on ``frame`` (a territory's communes, from
    :func:`maillage.territory.map_frame.map_frame`), then ``zones`` and ``points`` on top.

    Zones with a ``value`` are filled on a light-to-dark blue scale (value / largest value) and
    labelled with the value; zones without are outlined. Points are drawn as orange dots. The
    frame is the territory's communes. Geometries are projected to Lambert-93 (EPSG:2154).
    Returns PNG (default, for PDF/DOCX) or SVG bytes.
    """
    from maillage.territory.geo import geojson_to_l93, lonlat_to_l93

    neighbours = list(frame.neighbours) if show_neighbours else []
    ctg_geoms = [geojson_to_l93(boundary) for boundary in frame.communes]
    with matplotlib.rc_context(_RC):
        fig, ax = plt.subplots(figsize=(width_in, width_in))
        ax.set_aspect("equal")
        ax.set_axis_off()
        for boundary in neighbours:
            _draw_polygon(
                ax, geojson_to_l93(boundary), edgecolor=GREY, linewidth=0.8, linestyle="--"
            )
        values = [z.value for z in zones if z.value is not None]
        vmax = max(values, default=0)
        for z in zones:
            geom = geojson_to_l93(z.geometry)
            if z.value is not None:
                _draw_polygon(
                    ax,
                    geom,
                    fill=True,
                    facecolor=_bin_colour(z.value, vmax),
                    edgecolor=LIGHT_BLUE,
                    linewidth=0.8,
                )
                centre = geom.representative_point()
                dark = vmax > 0 and z.value / vmax >= 0.7  # white on the two darkest bins only
                ax.annotate(
                    _format_number(z.value),
                    (centre.x, centre.y),
                    ha="center",
                    va="center",
                    fontsize=8,
                    fontweight="bold",
                    color="white" if dark else INK,
                )
            else:
                _draw_polygon(ax, geom, edgecolor=ORANGE, linewidth=1.2)
        for geom in ctg_geoms:
            _draw_polygon(ax, geom, edgecolor=BLUE, linewidth=2)
        if points:
            xs, ys = lonlat_to_l93([p.lon for p in points], [p.lat for p in points])
            ax.scatter(xs, ys, s=18, color=ORANGE, edgecolors="white", linewidths=0.6, zorder=5)
        if ctg_geoms:
            minx = min(g.bounds[0] for g in ctg_geoms)
            miny = min(g.bounds[1] for g in ctg_geoms)
            maxx = max(g.bounds[2] for g in ctg_geoms)
            maxy = max(g.bounds[3] for g in ctg_geoms)
            pad = 0.06 * max(maxx - minx, maxy - miny)
            ax.set_xlim(minx - pad, maxx + pad)
            ax.set_ylim(miny - pad, maxy + pad)
        if title:
            ax.set_title(title, loc="left", fontsize=10)
        if legend:
            ax.text(
                0.0,
                -0.02,
                legend,
                transform=ax.transAxes,
                fontsize=7,
                color=PALETTE["muted"],
                va="top",
                wrap=True,
            )
    return _to_bytes(fig, fmt)
