"""matplotlib's SVG paint moved from ``style`` to presentation attributes: WeasyPrint's HTML engine
no longer logs one « unknown property » line per declaration, and the drawing keeps its paint."""

from __future__ import annotations

import io
import logging

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from weasyprint import HTML  # noqa: E402

from maillage.reports.svg_attributes import presentation_attributes  # noqa: E402


def test_svg_only_declarations_become_attributes_and_the_style_wins():
    tag = '<path d="M0 0" fill="red" style="fill: none; stroke: #000; stroke-width: 0.8"/>'
    assert (
        presentation_attributes(tag)
        == '<path d="M0 0" fill="none" stroke="#000" stroke-width="0.8"/>'
    )
    text = '<text style="font: 10px \'DejaVu Sans\'; text-anchor: middle" x="1">a; b</text>'
    assert presentation_attributes(text) == (
        '<text style="font: 10px \'DejaVu Sans\'" x="1" text-anchor="middle">a; b</text>'
    )


def _figure_svg() -> str:
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.barh(["Axe 1 (exemple fictif)", "Axe 2"], [3, 5], color="#1f4e79")
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]


def _warnings(svg: str, caplog) -> list[str]:
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        HTML(string=f"<html><body>{svg}</body></html>").write_pdf()
    return [r.getMessage() for r in caplog.records if "unknown property" in r.getMessage()]


def test_weasyprint_stays_quiet_on_a_converted_figure(caplog):
    svg = _figure_svg()
    assert len(_warnings(svg, caplog)) > 10  # matplotlib's raw output: one line per declaration
    assert _warnings(presentation_attributes(svg), caplog) == []
