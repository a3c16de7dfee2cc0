"""GeoJSON (RFC 7946, WGS84) exports of a territory's layers, and import of drawn quartiers.

Exports render the result objects of other areas (the directory's ``structure_geojson``, the
diagnostic's zones d'influence and zones blanches), never recomputing them. The import reads a
FeatureCollection of quartiers drawn by the city: Polygon or MultiPolygon geometries, valid, in
France; each becomes a territory-scoped :class:`Zone` of kind ``quartier`` (updated when its code
exists), with its share of every population cell and its structures; one transaction.
"""

from __future__ import annotations

from typing import Any

import shapely
from django.db import transaction
from django.utils.text import slugify
from shapely import STRtree
from shapely.geometry import Point, mapping, shape

from maillage.directory.models import Structure
from maillage.directory.selectors import structure_geojson
from maillage.territory.geo import geojson_to_l93, in_france
from maillage.territory.models import CellZone, PopulationCell, Territory, Zone
from maillage.territory.selectors import territory_zones
from maillage.territory.services import territory_touch

from .jsonfile import JsonFileError, read_json
from .report import ImportReport

LAYERS = ("structures", "zones", "influence", "zones-blanches")
FEATURE = "objet"
NAME_KEYS = ("nom", "name", "libelle", "NOM", "Name", "LIBELLE")
CODE_KEYS = ("code", "id", "CODE", "identifiant")
MAX_FEATURES = 2_000
MAX_VERTICES = 200_000


class LayerError(ValueError):
    """A layer cannot be exported with these parameters (French message)."""


def structures_layer(*, territory: Territory) -> dict[str, Any]:
    """Located, published structures (the directory's own GeoJSON result)."""
    collection = structure_geojson(territory=territory)
    collection["name"] = f"structures-{territory.slug}"
    return collection


def zones_layer(*, territory: Territory, kind: str | None = None) -> dict[str, Any]:
    """IRIS, QPV and quartiers of the territory (``kind`` to keep one of them)."""
    features = []
    for zone in territory_zones(territory=territory):
        if not zone.boundary or (kind and zone.kind != kind):
            continue
        features.append(
            {
                "type": "Feature",
                "id": f"{zone.kind}-{zone.code}",
                "geometry": zone.boundary,
                "properties": {
                    "kind": zone.kind,
                    "code": zone.code,
                    "name": zone.name,
                    "zone_type": zone.zone_type,
                    "commune": zone.commune.insee_code if zone.commune is not None else None,
                    "source": zone.source.title if zone.source is not None else None,
                },
            }
        )
    return {"type": "FeatureCollection", "name": f"zones-{territory.slug}", "features": features}


def diagnostic_layer(
    *,
    territory: Territory,
    layer: str,
    theme: str,
    public: str | None = None,
    max_distance_m: float | None = None,
) -> dict[str, Any]:
    """Zones d'influence or zones blanches, from :mod:`maillage.diagnostic.selectors`."""
    from maillage.diagnostic import selectors

    fn = selectors.influence if layer == "influence" else selectors.white_zones
    try:
        result = fn(
            territory=territory,
            theme=theme,
            public=public,
            max_distance_m=max_distance_m or selectors.DEFAULT_DISTANCE_M,
        )
    except ValueError as exc:  # ParameterError: unknown theme, public or distance
        raise LayerError(str(exc)) from exc
    return result.to_geojson()


def export_layer(*, territory: Territory, layer: str, **options: Any) -> dict[str, Any]:
    if layer == "structures":
        return structures_layer(territory=territory)
    if layer == "zones":
        return zones_layer(territory=territory, kind=options.get("kind"))
    if layer in ("influence", "zones-blanches"):
        if not options.get("theme"):
            raise LayerError("indiquez le thème (ex. --theme petite-enfance).")
        return diagnostic_layer(territory=territory, layer=layer, **options)
    raise LayerError(f"couche « {layer} » inconnue (attendu : {', '.join(LAYERS)}).")


# --------------------------------------------------------------------------- import


def _first(properties: dict[str, Any], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = properties.get(key)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _check_geometry(geometry: Any) -> tuple[Any, str]:
    """(shapely geometry in WGS84, "") or (None, French reason)."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return None, "géométrie Polygon ou MultiPolygon attendue."
    try:
        geom = shape(geometry)
    except Exception:  # noqa: BLE001 - shapely raises many types on malformed coordinates
        return None, "coordonnées illisibles."
    if geom.is_empty:
        return None, "géométrie vide."
    if shapely.get_num_coordinates(geom) > MAX_VERTICES:
        return None, f"géométrie trop détaillée (plus de {MAX_VERTICES} sommets)."
    west, south, east, north = geom.bounds
    if not all(map(lambda v: v == v, geom.bounds)) or not (
        in_france(west, south) and in_france(east, north)
    ):
        return None, (
            "géométrie hors de France : les coordonnées doivent être en WGS84 "
            "(longitude, latitude), pas en Lambert-93."
        )
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        return None, f"géométrie invalide ({reason})."
    return geom, ""


def zones_import(
    *, territory: Territory, data: bytes, filename: str, dry_run: bool = False
) -> ImportReport:
    """Import quartiers (kind ``quartier``) from a GeoJSON FeatureCollection: all or nothing."""
    report = ImportReport(dry_run=dry_run)
    try:
        collection = read_json(data, filename=filename)
    except JsonFileError as exc:
        report.refuse(file=exc.filename, row=None, field="", message=exc.detail)
        return report
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list) or collection.get("type") != "FeatureCollection":
        report.refuse(file=filename, row=None, field="", message="FeatureCollection attendue.")
        return report
    if len(features) > MAX_FEATURES:
        report.refuse(
            file=filename, row=None, field="", message=f"plus de {MAX_FEATURES} quartiers."
        )
        return report
    parsed: list[tuple[str, str, Any]] = []
    codes: set[str] = set()
    for number, feature in enumerate(features, start=1):

        def refuse(field: str, message: str, number: int = number) -> None:
            report.refuse(
                file=filename, row=number, field=field, message=message, row_label=FEATURE
            )

        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            refuse("", "objet « Feature » attendu.")
            continue
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            refuse("properties", "objet attendu.")
            continue
        name = _first(properties, NAME_KEYS)
        code = slugify(_first(properties, CODE_KEYS) or name)
        geom, reason = _check_geometry(feature.get("geometry"))
        if not name:
            refuse("nom", "nom du quartier manquant (propriété « nom »).")
        elif len(name) > 200:
            refuse("nom", "nom trop long (200 caractères au plus).")
        if name and not code:
            refuse("code", "code du quartier manquant.")
        elif len(code) > 30:
            refuse("code", f"code « {code} » trop long (30 caractères au plus).")
        elif code in codes:
            refuse("code", f"code « {code} » en double dans le fichier.")
        if reason:
            refuse("geometry", reason)
        if not name or not code or len(code) > 30 or code in codes or geom is None:
            continue
        codes.add(code)
        other = Zone.objects.filter(kind=Zone.Kind.QUARTIER, code=code).exclude(territory=territory)
        if other.exists():
            refuse(
                "code", f"le code « {code} » est déjà celui d'un quartier d'un autre territoire."
            )
            continue
        parsed.append((code, name, geom))
    if report.problems or dry_run:
        for code, _name, _geom in parsed:
            exists = Zone.objects.filter(kind=Zone.Kind.QUARTIER, code=code).exists()
            report.count("quartiers", "updated" if exists else "created")
        if report.problems:
            report.created.clear()
            report.updated.clear()
        return report
    with transaction.atomic():
        for code, name, geom in parsed:
            _write_quartier(territory, code, name, geom, report)
        territory_touch(territory=territory)
    return report


def _write_quartier(
    territory: Territory, code: str, name: str, geom: Any, report: ImportReport
) -> None:
    boundary = mapping(shapely.set_precision(geom, 1e-7))
    boundary = {"type": boundary["type"], "coordinates": boundary["coordinates"]}
    zone, created = Zone.objects.update_or_create(
        kind=Zone.Kind.QUARTIER,
        code=code,
        defaults={"name": name, "territory": territory, "boundary": boundary},
    )
    report.count("quartiers", "created" if created else "updated")
    polygon = geojson_to_l93(boundary)
    communes = list(territory.communes.all()) + list(territory.neighbours.all())
    cells = list(PopulationCell.objects.filter(commune__in=communes))
    CellZone.objects.filter(zone=zone).delete()
    cell_geoms = [geojson_to_l93(c.boundary) for c in cells]
    links = []
    if cell_geoms:
        tree = STRtree(cell_geoms)
        for idx in tree.query(polygon, predicate="intersects"):
            area = cell_geoms[idx].area
            share = round(cell_geoms[idx].intersection(polygon).area / area, 4) if area else 0
            if share >= 0.001:
                links.append(CellZone(cell=cells[idx], zone=zone, share=share))
    CellZone.objects.bulk_create(links)
    inside = [
        s
        for s in Structure.objects.filter(territory=territory, x_l93__isnull=False)
        if polygon.intersects(Point(s.x_l93, s.y_l93))
    ]
    zone.structures.set(inside)
