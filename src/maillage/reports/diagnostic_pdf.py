"""The diagnostic as PDF: an HTML template rendered by WeasyPrint (``maillage.reports.pdf``).

Charts and static maps are embedded as PNG images (``data:`` URIs, nothing fetched remotely),
each followed by the table of its data.
"""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Callable

from .diagnostic import DiagnosticReport
from .diagnostic_figures import figure
from .pdf import render_pdf

TEMPLATE = "diagnostic/report_pdf.html"


def _render(context: dict) -> bytes:
    """Template → PDF through the shared renderer (local files and ``data:`` URIs only)."""
    return render_pdf(TEMPLATE, context)


def _png(report: DiagnosticReport, name: str, **kw) -> str:
    """A figure as a JPEG ``data:`` URI: WeasyPrint embeds JPEG as is, whereas it decodes and
    re-encodes a transparent PNG (twice the PDF time for the same picture)."""
    from PIL import Image

    png = figure(report, name, fmt="png", **kw)
    with Image.open(io.BytesIO(png)) as image:
        canvas = Image.new("RGB", image.size, "white")
        canvas.paste(image, mask=image.getchannel("A") if image.mode == "RGBA" else None)
        out = io.BytesIO()
        canvas.save(out, format="JPEG", quality=88, optimize=False)
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def document_images(
    report: DiagnosticReport, *, progress: Callable[[str], None] = lambda m: None
) -> dict[str, str]:
    """The report's images as ``data:`` URIs, by name (only those with data to show)."""
    images: dict[str, str] = {}
    progress("graphiques")
    if report.ages:
        images["ages"] = _png(report, "ages")
    if report.families:
        images["familles"] = _png(report, "familles")
    if report.childcare.by_typology:
        images["accueil"] = _png(report, "accueil")
    if report.equipment:
        images["equipements"] = _png(report, "equipements")
    progress("cartes")
    if report.access is not None:
        images["couverture"] = _png(report, "couverture")
        if report.access.main_white is not None:
            images["zones_blanches"] = _png(report, "zones-blanches")
    if report.scenario is not None:
        current = report.access.zone_coverage if report.access else {}
        same = report.scenario.zone_before == current and "couverture" in images
        # Before the scenario = today's coverage map when the scenario measures the same thing.
        images["scenario_avant"] = (
            images["couverture"] if same else _png(report, "couverture", when="avant")
        )
        images["scenario_apres"] = _png(report, "couverture", when="apres")
    return images


def diagnostic_pdf(
    report: DiagnosticReport, *, progress: Callable[[str], None] = lambda m: None
) -> bytes:
    images = document_images(report, progress=progress)
    progress("mise en page PDF")
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        return _render({"report": report, "images": images})
    finally:
        logger.setLevel(level)
