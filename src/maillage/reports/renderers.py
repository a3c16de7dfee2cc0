"""The one table of document renderers: (document, format) → function turning a result object
into bytes.

A result object is built elsewhere (the diagnostic by
:func:`maillage.diagnostic.selectors.diagnostic_build`, the bilan by
:func:`maillage.plan.bilan_build.bilan_build`); a renderer only lays it out. Adding a format is
one line here plus the module that draws it. Renderers are imported when first used
(WeasyPrint, python-docx and openpyxl are slow to import).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

Progress = Callable[[str], None]
Renderer = Callable[..., bytes]  # renderer(result, *, progress) -> bytes

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

# document → format → "module:function" (each function takes the result and ``progress``).
RENDERERS: dict[str, dict[str, str]] = {
    "diagnostic": {
        "pdf": "maillage.reports.diagnostic_pdf:diagnostic_pdf",
        "docx": "maillage.reports.diagnostic_docx:diagnostic_docx",
    },
    "bilan": {
        "pdf": "maillage.reports.bilan_pdf:bilan_pdf",
        "docx": "maillage.reports.bilan_docx:bilan_docx",
        "xlsx": "maillage.reports.bilan_xlsx:bilan_xlsx",
    },
    "copil": {
        "pptx": "maillage.reports.copil_pptx:copil_pptx",
        "pdf": "maillage.reports.copil_pdf:copil_pdf",
    },
}


def formats(document: str) -> tuple[str, ...]:
    """The formats ``document`` can be rendered in, in the table's order."""
    return tuple(RENDERERS[document])


def content_types(document: str) -> dict[str, str]:
    """Format → MIME type, for the formats of ``document``."""
    return {fmt: CONTENT_TYPES[fmt] for fmt in formats(document)}


def renderer(document: str, fmt: str) -> Renderer | None:
    """The function rendering ``document`` as ``fmt``, or ``None`` when there is none."""
    target = RENDERERS.get(document, {}).get(fmt)
    if target is None:
        return None
    module, name = target.split(":")
    return getattr(importlib.import_module(module), name)


def render(document: str, result: Any, *, fmt: str, progress: Progress) -> bytes | None:  # noqa: ANN401 - any result object
    """``result`` rendered as ``fmt`` bytes, or ``None`` when the format is unknown."""
    draw = renderer(document, fmt)
    return None if draw is None else draw(result, progress=progress)
