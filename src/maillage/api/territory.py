"""API endpoints: territories and their diagnostic figures."""

from __future__ import annotations

from django.http import Http404
from ninja import Router, Schema

from maillage.territory.models import Territory
from maillage.territory.selectors import TerritoryNotFound, territory_diagnostic, territory_get

PREFIX = "/territories"
router = Router(tags=["territoires"])


class TerritoryOut(Schema):
    slug: str
    name: str
    period_start: int
    period_end: int


class FigureOut(Schema):
    subject: str
    key: str
    label: str
    theme: str
    value: float
    unit: str
    vintage: str
    source: str
    source_url: str
    note: str


@router.get("", response=list[TerritoryOut], summary="Liste des territoires")
def territory_list(request):
    return list(Territory.objects.order_by("slug"))


@router.get("/{slug}/figures", response=list[FigureOut], summary="Chiffres clés d'un territoire")
def territory_figures(request, slug: str):
    try:
        territory = territory_get(slug=slug)
    except TerritoryNotFound as exc:
        raise Http404(str(exc)) from exc
    return territory_diagnostic(territory=territory).figures
