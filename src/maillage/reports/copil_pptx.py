"""The COPIL deck as an editable PowerPoint (python-pptx): real text boxes and tables, 16:9.

Lays out the slides of :func:`maillage.reports.copil_slides.copil_slides`; the map is the bilan's
(:func:`maillage.reports.bilan_figures.bilan_map`), drawn once.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Inches, Pt

from .bilan_figures import bilan_map
from .copil_charts import quarter_chart
from .copil_slides import Slide, Table, copil_slides

if TYPE_CHECKING:
    from pptx.presentation import Presentation as Deck
    from pptx.slide import Slide as PptxSlide

    from maillage.plan.copil import Copil

BLUE = RGBColor(0x00, 0x00, 0x91)
GREY = RGBColor(0x55, 0x55, 0x55)
WARN = RGBColor(0xB3, 0x40, 0x00)
# Positions and sizes in inches (floats), turned into EMU where a shape is drawn.
WIDTH, HEIGHT = 13.333, 7.5
MARGIN = 0.5
INNER = WIDTH - 2 * MARGIN
BLANK_LAYOUT = 6


def _text(
    slide: PptxSlide,
    lines: list[str],
    *,
    left: float,
    top: float,
    width: float,
    height: float,
    size: int,
    bold: bool = False,
    color: RGBColor | None = None,
    bullets: bool = False,
) -> None:
    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    frame = box.text_frame
    frame.word_wrap = True
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = f"• {line}" if bullets else line
        paragraph.space_after = Pt(2 if size <= 10 else 4)
        for run in paragraph.runs:
            run.font.size = Pt(size)
            run.font.bold = bold
            if color is not None:
                run.font.color.rgb = color


def _font_size(table: Table) -> int:
    return 9 if len(table.columns) > 6 else 11


def _table_height(table: Table) -> float:
    """An estimate of the drawn height (PowerPoint grows rows to fit their text, so what is
    placed below the table starts after this)."""
    size = _font_size(table)
    total = sum(table.widths)
    height_in = 0.0
    for row in [table.columns, *table.rows]:
        lines = 1
        for value, weight in zip(row, table.widths, strict=True):
            # Generous: LibreOffice and PowerPoint wrap and pad cells more than the average
            # glyph width suggests (seen on the rendered deck: « Activités clés » overlapped).
            chars_per_line = max(1, int(INNER * weight / total * 72 / (size * 0.62)))
            lines = max(lines, -(-len(value) // chars_per_line))
        height_in += 0.16 + lines * size * 1.4 / 72
    return height_in


def _table(slide: PptxSlide, table: Table, *, top: float, height: float) -> None:
    size = _font_size(table)
    shape = slide.shapes.add_table(
        len(table.rows) + 1,
        len(table.columns),
        Inches(MARGIN),
        Inches(top),
        Inches(INNER),
        Inches(height),
    )
    grid = shape.table
    total = sum(table.widths)
    for index, weight in enumerate(table.widths):
        grid.columns[index].width = Inches(INNER * weight / total)
    for r, row in enumerate([table.columns, *table.rows]):
        for c, value in enumerate(row):
            cell = grid.cell(r, c)
            cell.text = value
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(size)
                    run.font.bold = r == 0


def chart_pngs(copil: Copil, slides: list[Slide]) -> dict[int, bytes]:
    """The quarter curve of each charted indicator, drawn once (PNG, for the PPTX and PDF)."""
    out = {}
    for slide in slides:
        for indicator_id, _alt in slide.charts:
            series = copil.quarters.get(indicator_id)
            if series is not None and indicator_id not in out:
                out[indicator_id] = quarter_chart(series, fmt="png", width_in=6.0, height_in=2.6)
    return out


def _charts(page: PptxSlide, slide: Slide, pngs: dict[int, bytes], *, top: float) -> None:
    for index, (indicator_id, alt) in enumerate(slide.charts):
        png = pngs.get(indicator_id)
        if png is None:
            continue
        left = MARGIN + (index % 2) * (INNER / 2)
        row_top = top + (index // 2) * 2.75
        picture = page.shapes.add_picture(
            io.BytesIO(png), Inches(left), Inches(row_top), width=Inches(INNER / 2 - 0.2)
        )
        properties: Any = picture._element.nvPicPr
        properties.cNvPr.set("descr", alt)  # text alternative


def _slide(
    deck: Deck, slide: Slide, map_png: bytes | None, chart_png: dict[int, bytes] | None = None
) -> None:
    page = deck.slides.add_slide(deck.slide_layouts[BLANK_LAYOUT])
    inner = INNER
    if slide.is_title:
        _text(page, [slide.title], left=MARGIN, top=2.2, width=inner, height=1.2,
              size=36, bold=True, color=BLUE)  # fmt: skip
        _text(page, [slide.subtitle], left=MARGIN, top=3.5, width=inner,
              height=0.8, size=18)  # fmt: skip
        top = 4.5
    else:
        _text(page, [slide.title], left=MARGIN, top=0.3, width=inner, height=0.7,
              size=26, bold=True, color=BLUE)  # fmt: skip
        top = 1.0
        if slide.subtitle:
            _text(page, [slide.subtitle], left=MARGIN, top=top, width=inner, height=0.4,
                  size=14, color=GREY)  # fmt: skip
            top = 1.45
    if slide.warning:
        _text(page, [slide.warning], left=MARGIN, top=top, width=inner, height=0.8,
              size=12, bold=True, color=WARN)  # fmt: skip
        top += 0.9
    if slide.figures:
        each = inner / len(slide.figures)
        for index, f in enumerate(slide.figures):
            left = MARGIN + index * each
            # A long value (« 16,7 places pour 100 enfants ») wraps: smaller, and the label
            # starts lower, so that they never overlap.
            long = len(f.value) > 14
            _text(page, [f.value], left=left, top=2.0, width=each - 0.2,
                  height=1.3, size=20 if long else 26, bold=True, color=BLUE)  # fmt: skip
            _text(page, [f.label], left=left, top=3.5, width=each - 0.2,
                  height=1.4, size=13)  # fmt: skip
            _text(page, [f.note], left=left, top=5.0, width=each - 0.2,
                  height=1.6, size=9, color=GREY)  # fmt: skip
    if slide.table is not None:
        height = _table_height(slide.table)
        _table(page, slide.table, top=top + 0.1, height=height)
        top += height + 0.3
    if slide.charts:
        _charts(page, slide, chart_png or {}, top=top + 0.1)
    left, width = MARGIN, inner
    if slide.image == "map" and map_png is not None:
        page.shapes.add_picture(
            io.BytesIO(map_png), Inches(MARGIN), Inches(1.1), height=Inches(5.4)
        )
        left, width, top = 7.6, 5.2, 1.2
    if slide.bullets_title:
        _text(page, [slide.bullets_title], left=left, top=top, width=width, height=0.4,
              size=14, bold=True)  # fmt: skip
        top += 0.45
    if slide.bullets:
        size = 16 if len(slide.bullets) <= 6 and slide.table is None else 10
        _text(page, slide.bullets, left=left, top=top, width=width,
              height=max(0.5, 6.6 - top), size=size, bullets=True)  # fmt: skip
    if slide.notes:
        _text(page, slide.notes, left=MARGIN, top=6.65, width=inner, height=0.7,
              size=9, color=GREY)  # fmt: skip


def copil_pptx(copil: Copil, *, progress: Callable[[str], None] = lambda m: None) -> bytes:
    slides = copil_slides(copil)
    map_png = None
    if any(s.image == "map" for s in slides):
        progress(_("carte des actions par quartier"))
        map_png = bilan_map(copil.bilan, fmt="png")
    charts = {}
    if any(s.charts for s in slides):
        progress(_("courbes des indicateurs par trimestre"))
        charts = chart_pngs(copil, slides)
    progress(_("diaporama PowerPoint"))
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(WIDTH), Inches(HEIGHT)
    deck.core_properties.title = slides[0].title
    deck.core_properties.language = "fr-FR"
    for slide in slides:
        _slide(deck, slide, map_png, charts)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
