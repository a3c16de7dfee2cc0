"""Territory pages: home, key figures with source and vintage, boundaries as GeoJSON."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from maillage.territory.models import Territory
from maillage.territory.selectors import (
    TerritoryNotFound,
    territory_diagnostic,
    territory_get,
    territory_zones,
)


def _territory(slug: str) -> Territory:
    try:
        return territory_get(slug=slug)
    except TerritoryNotFound as exc:
        raise Http404(str(exc)) from exc


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"territories": Territory.objects.order_by("name")})


def territory_detail(request: HttpRequest, slug: str) -> HttpResponse:
    territory = _territory(slug)
    diag = territory_diagnostic(territory=territory)
    themes: dict[str, list] = {}
    for f in diag.figures:
        if f.subject == "territoire":
            themes.setdefault(f.theme or "autres", []).append(f)
    return render(
        request,
        "web/territory.html",
        {
            "territory": territory,
            "diag": diag,
            "themes": themes,
            "rp_figures": [f for f in diag.figures if f.subject != "territoire"],
        },
    )


def territory_sources(request: HttpRequest, slug: str) -> HttpResponse:
    territory = _territory(slug)
    return render(
        request, "web/sources.html", {"territory": territory, "sources": territory.sources.all()}
    )


def territory_geojson(request: HttpRequest, slug: str) -> JsonResponse:
    territory = _territory(slug)
    features = []
    for role, qs in (("ctg", territory.communes.all()), ("voisine", territory.neighbours.all())):
        for c in qs:
            features.append(
                {
                    "type": "Feature",
                    "geometry": c.boundary,
                    "properties": {
                        "layer": "commune",
                        "role": role,
                        "code": c.insee_code,
                        "name": c.name,
                    },
                }
            )
    for z in territory_zones(territory=territory):
        features.append(
            {
                "type": "Feature",
                "geometry": z.boundary,
                "properties": {"layer": z.kind, "code": z.code, "name": z.name},
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})
