"""Read-only open data exports: data·inclusion v1, HSDS 3.1, GeoJSON layers, spreadsheets.

Only published structures and services are exported. Every endpoint renders a result computed
by :mod:`maillage.interop` (or the directory and diagnostic selectors it calls).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from django.http import HttpResponse
from ninja import Router, Schema
from ninja.errors import HttpError

from maillage.diagnostic.themes import THEMES
from maillage.interop import geojson
from maillage.interop.datainclusion import datainclusion_export
from maillage.interop.hsds import hsds_datapackage, hsds_export
from maillage.interop.lists import list_table
from maillage.interop.structures_sheet import COLUMNS, structure_rows
from maillage.interop.tabular import CONTENT_TYPES, table_response
from maillage.territory.models import Territory
from maillage.territory.selectors import TerritoryNotFound, territory_get

PREFIX = "/export"
if TYPE_CHECKING:
    ThemeSlug = str
else:  # the diagnostic's themes, documented in OpenAPI
    ThemeSlug = Literal.__getitem__(tuple(THEMES))
router = Router(tags=["données ouvertes"])


class Message(Schema):
    detail: str


class FeatureCollection(Schema):
    type: Literal["FeatureCollection"]
    features: list[dict[str, Any]]


def _territory(slug: str) -> Territory:
    try:
        return territory_get(slug=slug)
    except TerritoryNotFound as exc:
        raise HttpError(404, str(exc)) from exc


NOT_FOUND = {404: Message}


@router.get(
    "/modele/structures.{fmt}",
    response={200: None},
    summary="Modèle vide du tableur d'import des structures et services",
)
def structures_template(request, fmt: Literal["csv", "xlsx", "ods"]) -> HttpResponse:
    return table_response([], columns=COLUMNS, fmt=fmt, filename="modele-structures")


@router.get(
    "/{slug}/structures.geojson",
    response={200: FeatureCollection, **NOT_FOUND},
    summary="Structures localisées (GeoJSON WGS84)",
)
def structures_geojson(request, slug: str):
    return geojson.structures_layer(territory=_territory(slug))


@router.get(
    "/{slug}/zones.geojson",
    response={200: FeatureCollection, **NOT_FOUND},
    summary="Zones : IRIS, QPV et quartiers (GeoJSON WGS84)",
)
def zones_geojson(request, slug: str, kind: Literal["iris", "qpv", "quartier"] | None = None):
    return geojson.zones_layer(territory=_territory(slug), kind=kind)


@router.get(
    "/{slug}/{layer}.geojson",
    response={200: FeatureCollection, 400: Message, **NOT_FOUND},
    summary="Zones d'influence ou zones blanches d'un thème (GeoJSON WGS84)",
)
def diagnostic_geojson(
    request,
    slug: str,
    layer: Literal["influence", "zones-blanches"],
    theme: ThemeSlug,
    public: str | None = None,
    max_distance_m: float | None = None,
):
    territory = _territory(slug)
    try:
        return geojson.diagnostic_layer(
            territory=territory,
            layer=layer,
            theme=theme,
            public=public,
            max_distance_m=max_distance_m,
        )
    except geojson.LayerError as exc:
        raise HttpError(400, str(exc)) from exc


@router.get(
    "/{slug}/datainclusion/structures.json",
    response={200: list[dict[str, Any]], **NOT_FOUND},
    summary="Structures au schéma data·inclusion v1",
)
def datainclusion_structures(request, slug: str):
    return datainclusion_export(territory=_territory(slug), public=True).structures


@router.get(
    "/{slug}/datainclusion/services.json",
    response={200: list[dict[str, Any]], **NOT_FOUND},
    summary="Services au schéma data·inclusion v1",
)
def datainclusion_services(request, slug: str):
    return datainclusion_export(territory=_territory(slug), public=True).services


@router.get(
    "/{slug}/hsds/{table}.json",
    response={200: list[dict[str, Any]], **NOT_FOUND},
    summary="Table HSDS 3.1 (Open Referral)",
)
def hsds_table(
    request,
    slug: str,
    table: Literal["organizations", "services", "locations", "service_at_locations"],
):
    return hsds_export(territory=_territory(slug), public=True)[table]


@router.get(
    "/{slug}/hsds.zip",
    response={200: None, **NOT_FOUND},
    summary="Paquet HSDS 3.1 tabulaire (datapackage.json et un CSV par table, en zip)",
)
def hsds_zip(request, slug: str) -> HttpResponse:
    territory = _territory(slug)
    response = HttpResponse(
        hsds_datapackage(territory=territory, public=True).zip(), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="hsds-{territory.slug}.zip"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get(
    "/{slug}/structures.{fmt}",
    response={200: None, **NOT_FOUND},
    summary="Liste des structures et services publiés (CSV, XLSX ou ODS)",
)
def structures_table(request, slug: str, fmt: Literal["csv", "xlsx", "ods"]) -> HttpResponse:
    territory = _territory(slug)
    rows = structure_rows(territory=territory, published_only=True)
    return table_response(rows, columns=COLUMNS, fmt=fmt, filename=f"structures-{slug}")


@router.get(
    "/{slug}/listes/{name}.{fmt}",
    response={200: None, **NOT_FOUND},
    summary="Une liste du territoire (zones, chiffres, indicateurs, échéancier) en tableur",
)
def list_download(
    request,
    slug: str,
    name: Literal["zones", "chiffres", "indicateurs", "echeancier"],
    fmt: Literal["csv", "xlsx", "ods"],
) -> HttpResponse:
    territory = _territory(slug)
    response = HttpResponse(
        list_table(territory=territory, name=name, fmt=fmt), content_type=CONTENT_TYPES[fmt]
    )
    response["Content-Disposition"] = f'attachment; filename="{name}-{slug}.{fmt}"'
    return response
