"""The yearly bilan for the comité de pilotage, rendered: PDF (WeasyPrint), DOCX (python-docx,
editable) or XLSX (openpyxl).

The result object, :class:`maillage.plan.bilan.Bilan`, is built by
:func:`maillage.plan.bilan_build.bilan_build`; :func:`bilan_render` looks the format up in
:data:`maillage.reports.renderers.RENDERERS`. Nothing is recomputed by a renderer.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from maillage.plan.bilan import FICTIONAL_LABEL, Bilan, BilanError

from . import renderers

FORMATS = renderers.formats("bilan")
CONTENT_TYPES = renderers.content_types("bilan")
Progress = renderers.Progress

__all__ = ["CONTENT_TYPES", "FICTIONAL_LABEL", "FORMATS", "BilanError", "bilan_render", "fr_number"]


def fr_number(value: float | None, *, missing: str = "—") -> str:
    """French display of a number: thin-space thousands, comma decimals, no trailing ``,0``."""
    if value is None:
        return missing
    text = f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


def bilan_render(bilan: Bilan, *, fmt: str, progress: Progress | None = None) -> bytes:
    """Render ``bilan`` as ``pdf``, ``docx`` or ``xlsx`` bytes."""
    data = renderers.render("bilan", bilan, fmt=fmt, progress=progress or (lambda message: None))
    if data is None:
        raise BilanError(
            _("Format « %(fmt)s » inconnu (formats : %(known)s).")
            % {"fmt": fmt, "known": ", ".join(FORMATS)}
        )
    return data
