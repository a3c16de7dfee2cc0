"""The printable « Guide des lieux ressources », built during the request (the direct link).

The build itself (structures by quartier and theme, map, QR codes, PDF) is
:mod:`maillage.web.guide_build`, shared with the guide prepared in the background.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from maillage.territory.models import Territory
from maillage.usage import services as usage

from ..decorators import territory_view
from ..guide_build import GuideError, guide_render, guide_select

# The fiche's poster (views/usage.py) takes its QR code from here.


def request_origin(request: HttpRequest) -> str:
    """``scheme://host`` of the visitor's request (where the guide's links point when
    ``MAILLAGE_SITE_URL`` is unset)."""
    return request.build_absolute_uri("/").rstrip("/")


@territory_view
def guide_pdf(request: HttpRequest, territory: Territory) -> HttpResponse:
    quartier = request.GET.get("quartier") or None
    theme = request.GET.get("theme") or None
    try:
        selection = guide_select(territory=territory, quartier=quartier, theme=theme)
    except GuideError as exc:
        raise Http404(str(exc)) from exc
    usage.count_guide(request, territory, quartier=quartier, theme=theme)
    pdf = guide_render(selection, origin=request_origin(request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{selection.filename}"'
    return response
