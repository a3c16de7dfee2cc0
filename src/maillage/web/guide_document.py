"""The printed guide as a background document (ADR 0010), registered with :mod:`maillage.jobs`.

The guide is built by its own view (``web.views.directory_guide.guide_pdf``): until its build is
moved out of the view, the job calls that view on a request rebuilt from the visitor's (host and
scheme, so that its QR codes point at the site the visitor used, as with the direct link). The
view is public: an anonymous request is enough.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from maillage.jobs.documents import Document, JobError, Progress, register
from maillage.territory.models import Territory


def build_guide(*, territory: Territory, params: dict[str, Any], progress: Progress) -> Document:
    from django.contrib.auth.models import AnonymousUser
    from django.test.client import RequestFactory

    from .views.directory_guide import guide_pdf

    query = {k: params[k] for k in ("quartier", "theme") if params.get(k)}
    request = RequestFactory().get(
        f"/territoire/{territory.slug}/guide.pdf",
        query,
        HTTP_HOST=params.get("host") or "localhost",
        secure=bool(params.get("secure")),
    )
    request.user = AnonymousUser()
    progress(_("structures, carte et QR codes"))
    response = guide_pdf(request, slug=territory.slug)
    if response.status_code != 200:
        raise JobError(_("Le guide n'a pas pu être préparé."))
    progress(_("PDF"))
    return Document(response.content, f"guide-{territory.slug}.pdf", "application/pdf")


register("guide", build_guide)
