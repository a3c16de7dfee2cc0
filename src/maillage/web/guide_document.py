"""The printed guide as a background document (ADR 0010), registered with :mod:`maillage.jobs`.

The worker runs the same build as the direct link (:mod:`maillage.web.guide_build`), with the
quartier and theme the visitor chose; its QR codes point at the site's configured address
(``MAILLAGE_SITE_URL``), else at the host and scheme the visitor used (kept in the job's
parameters), as with the direct link.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from maillage.jobs.documents import Document, JobError, Progress, register
from maillage.territory.models import Territory

from .guide_build import GuideError, guide_render, guide_select


def job_origin(params: dict[str, Any]) -> str:
    """``scheme://host`` of the request that asked for the job."""
    scheme = "https" if params.get("secure") else "http"
    return f"{scheme}://{params.get('host') or 'localhost'}"


def build_guide(*, territory: Territory, params: dict[str, Any], progress: Progress) -> Document:
    try:
        selection = guide_select(
            territory=territory,
            quartier=params.get("quartier") or None,
            theme=params.get("theme") or None,
        )
    except GuideError as exc:
        raise JobError(str(exc)) from exc
    progress(_("structures, carte et QR codes"))
    pdf = guide_render(selection, origin=job_origin(params), progress=progress)
    return Document(pdf, selection.filename, "application/pdf")


register("guide", build_guide)
