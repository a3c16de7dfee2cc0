"""The COPIL deck, rendered: PPTX (python-pptx, editable) or PDF (WeasyPrint), same slides.

The result object, :class:`maillage.plan.copil.Copil`, is built by
:func:`maillage.plan.copil.copil_build`; :func:`copil_render` looks the format up in
:data:`maillage.reports.renderers.RENDERERS`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from maillage.plan.bilan import BilanError

from . import renderers

if TYPE_CHECKING:
    from maillage.plan.copil import Copil

FORMATS = renderers.formats("copil")
CONTENT_TYPES = renderers.content_types("copil")

__all__ = ["CONTENT_TYPES", "FORMATS", "copil_render"]


def copil_render(copil: Copil, *, fmt: str, progress: renderers.Progress | None = None) -> bytes:
    """Render ``copil`` as ``pptx`` or ``pdf`` bytes."""
    data = renderers.render("copil", copil, fmt=fmt, progress=progress or (lambda message: None))
    if data is None:
        raise BilanError(
            _("Format « %(fmt)s » inconnu (formats : %(known)s).")
            % {"fmt": fmt, "known": ", ".join(FORMATS)}
        )
    return data
