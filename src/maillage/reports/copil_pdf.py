"""The COPIL deck as PDF: the same slides as the PowerPoint, one landscape page each, rendered by
WeasyPrint through ``plan/copil_pdf.html`` (no LibreOffice needed)."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from .bilan_figures import bilan_map
from .bilan_pdf import inline_svg
from .copil_pptx import chart_pngs
from .copil_slides import copil_slides
from .pdf import render_pdf

if TYPE_CHECKING:
    from maillage.plan.copil import Copil

TEMPLATE = "plan/copil_pdf.html"


def copil_pdf(copil: Copil, *, progress: Callable[[str], None] = lambda m: None) -> bytes:
    slides = copil_slides(copil)
    map_svg = None
    if any(s.image == "map" for s in slides):
        progress(_("carte des actions par quartier"))
        map_svg = inline_svg(bilan_map(copil.bilan, fmt="svg"), prefix="map", css_class="map")
    charts: dict[int, str] = {}
    if any(s.charts for s in slides):
        progress(_("courbes des indicateurs par trimestre"))
        charts = {
            pk: "data:image/png;base64," + base64.b64encode(png).decode("ascii")
            for pk, png in chart_pngs(copil, slides).items()
        }
    pages = [(s, [(charts[pk], alt) for pk, alt in s.charts if pk in charts]) for s in slides]
    progress(_("mise en page PDF"))
    # WeasyPrint logs every SVG presentation attribute it does not know; keep real errors only.
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        return render_pdf(
            TEMPLATE, {"copil": copil, "slides": slides, "pages": pages, "map_svg": map_svg}
        )
    finally:
        logger.setLevel(level)
