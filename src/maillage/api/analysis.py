"""API endpoints of the accessibility diagnostic (read only, computed once and cached).

``GET /api/v1/analyse/{territory}/couverture?distance_m=``
``GET /api/v1/analyse/{territory}/zones-blanches?theme=&public=&distance_m=`` (GeoJSON)
``GET /api/v1/analyse/{territory}/influence?theme=&public=&distance_m=`` (GeoJSON)
``GET /api/v1/analyse/{territory}/accessibilite?theme=&public=&distance_m=``

Parameters are read as text and checked by the selectors: a bad or unknown parameter gets a
400 with a French message naming it, an unknown territory a 404 (never a 500).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError

from maillage.diagnostic import selectors
from maillage.diagnostic.themes import ParameterError
from maillage.territory.selectors import TerritoryNotFound, territory_get

PREFIX = "/analyse"
router = Router(tags=["analyse"])

THEMED = frozenset({"theme", "public", "distance_m"})


def _call(request: HttpRequest, slug: str, name: str, allowed: frozenset[str]) -> Any:
    unknown = sorted(set(request.GET) - allowed)
    if unknown:
        raise HttpError(
            400,
            _("Paramètre(s) inconnu(s) : %(unknown)s (attendus : %(allowed)s).")
            % {"unknown": ", ".join(unknown), "allowed": ", ".join(sorted(allowed))},
        )
    try:
        territory = territory_get(slug=slug)
    except TerritoryNotFound as exc:
        raise HttpError(404, str(exc)) from exc
    params: dict[str, Any] = {"max_distance_m": request.GET.get("distance_m") or None}
    if "theme" in allowed:
        params["theme"] = request.GET.get("theme") or "petite-enfance"
        params["public"] = request.GET.get("public") or None
    try:
        return getattr(selectors, name)(territory=territory, **params)
    except ParameterError as exc:
        raise HttpError(400, str(exc)) from exc


@router.get(
    "/{territory}/couverture", summary="Taux d'équipement en EAJE (rate_label), par IRIS et QPV"
)
def coverage(request: HttpRequest, territory: str) -> dict[str, Any]:
    return _call(request, territory, "coverage", frozenset({"distance_m"})).as_dict()


@router.get("/{territory}/zones-blanches", summary="Zones blanches (GeoJSON WGS84)")
def white_zones(request: HttpRequest, territory: str) -> dict[str, Any]:
    return _call(request, territory, "white_zones", THEMED).to_geojson()


@router.get("/{territory}/influence", summary="Zones d'influence des structures (GeoJSON WGS84)")
def influence(request: HttpRequest, territory: str) -> dict[str, Any]:
    return _call(request, territory, "influence", THEMED).to_geojson()


@router.get("/{territory}/accessibilite", summary="Accessibilité 2SFCA par IRIS et QPV, équité")
def accessibility(request: HttpRequest, territory: str) -> dict[str, Any]:
    return _call(request, territory, "accessibility_by_zone", THEMED).as_dict()
