"""Reading national vector files (GeoPackage, shapefile, GeoJSON) with pyogrio (ADR 0011).

Every layer is read into Lambert-93 shapely geometries (EPSG:2154, metres) whatever its
declared CRS, with a French :class:`DatasetError` naming the file (and layer, field) when it is
unreadable (truncated GeoPackage…), has no CRS, or has coordinates its CRS cannot hold (a
Lambert-93 file declared as WGS84, for instance). Extracts are written as GeoJSON in WGS84, the
format the loader stores (ADR 0001).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import pyogrio.raw
import shapely
from pyogrio.errors import DataLayerError, DataSourceError, FieldError, GeometryError
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.geometry.base import BaseGeometry

from maillage.territory.errors import DatasetError
from maillage.territory.geo import l93_to_geojson, l93_to_lonlat, lonlat_to_l93

VECTOR_SUFFIXES = (".gpkg", ".shp", ".geojson", ".json")
# Lambert-93 extent of metropolitan France, with a margin (metres).
L93_BOUNDS = (-100_000.0, 6_000_000.0, 1_300_000.0, 7_200_000.0)
_L93 = CRS.from_epsg(2154)
_WGS84 = CRS.from_epsg(4326)
_CRS84 = CRS.from_user_input("OGC:CRS84")


def _error(message: str, *, path: Path, layer: str | None = None, field: str | None = None):
    where = f"couche « {layer} »" if layer else None
    return DatasetError(message, file=path.name, location=where, field=field)


def list_layers(path: Path) -> list[tuple[str, str]]:
    """``(name, geometry type)`` of every layer; a French error when the file is unreadable."""
    try:
        return [(str(n), str(g)) for n, g in pyogrio.list_layers(path)]
    except (DataSourceError, DataLayerError, OSError, RuntimeError) as exc:
        raise _error(
            f"fichier géographique illisible ou tronqué ({_short(exc)}).", path=path
        ) from exc


def layer_fields(path: Path, layer: str | None) -> list[str]:
    try:
        info = pyogrio.read_info(path, layer=layer)
    except (DataSourceError, DataLayerError, OSError, RuntimeError) as exc:
        raise _error(
            f"fichier géographique illisible ou tronqué ({_short(exc)}).", path=path, layer=layer
        ) from exc
    return [str(f) for f in info["fields"]]


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


@dataclass
class Layer:
    """One layer read in Lambert-93: ``fields`` column → values, ``geoms`` shapely array."""

    path: Path
    layer: str | None
    crs: str
    fields: dict[str, np.ndarray]
    geoms: np.ndarray

    def __len__(self) -> int:
        return len(self.geoms)

    def column(self, name: str) -> np.ndarray:
        if name not in self.fields:
            raise _error("colonne absente.", path=self.path, layer=self.layer, field=name)
        return self.fields[name]

    def properties(self, i: int) -> dict[str, Any]:
        return {k: _plain(v[i]) for k, v in self.fields.items()}


def _plain(value: Any) -> Any:
    """JSON-ready value (numpy scalars to Python, NaN to ``None``)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def _is_wgs84(crs: CRS) -> bool:
    return crs.equals(_WGS84) or crs.equals(_CRS84)


def _to_l93(crs: CRS, *, path: Path, layer: str | None) -> bool:
    """Whether coordinates in ``crs`` need projecting (WGS84) or not (Lambert-93); the project's
    transformers are the only ones (:mod:`maillage.analysis.geometry`), so other systems are
    refused with the two the national files use."""
    if crs.equals(_L93):
        return False
    if _is_wgs84(crs):
        return True
    raise _error(
        f"système de coordonnées « {crs.to_string()} » non pris en charge : les fichiers "
        "nationaux sont en Lambert-93 (EPSG:2154) ou en WGS84 (EPSG:4326).",
        path=path,
        layer=layer,
        field="geometry",
    )


def layer_crs(path: Path, layer: str | None) -> CRS:
    info = pyogrio.read_info(path, layer=layer)
    if not info.get("crs"):
        raise _error(
            "système de coordonnées absent (ni .prj, ni srs_id) : impossible de situer les "
            "géométries.",
            path=path,
            layer=layer,
            field="geometry",
        )
    try:
        return CRS.from_user_input(info["crs"])
    except CRSError as exc:
        raise _error(
            f"système de coordonnées « {info['crs']} » inconnu.",
            path=path,
            layer=layer,
            field="geometry",
        ) from exc


def bbox_in(crs: CRS, bbox_l93: tuple[float, float, float, float]) -> tuple[float, ...]:
    """A Lambert-93 bounding box expressed in ``crs`` (for pyogrio's ``bbox`` filter), from
    points along its edges; what it catches is filtered exactly afterwards."""
    if crs.equals(_L93):
        return bbox_l93
    x0, y0, x1, y1 = bbox_l93
    steps = np.linspace(0.0, 1.0, 11)
    xs = np.concatenate(
        [x0 + (x1 - x0) * steps, np.full(11, x1), x0 + (x1 - x0) * steps, np.full(11, x0)]
    )
    ys = np.concatenate(
        [np.full(11, y0), y0 + (y1 - y0) * steps, np.full(11, y1), y0 + (y1 - y0) * steps]
    )
    lon, lat = l93_to_lonlat(xs, ys)
    margin = 0.001  # degrees, about 100 m
    return (lon.min() - margin, lat.min() - margin, lon.max() + margin, lat.max() + margin)


def read_layer(
    path: Path,
    layer: str | None,
    *,
    columns: list[str] | None = None,
    where: str | None = None,
    bbox_l93: tuple[float, float, float, float] | None = None,
) -> Layer:
    """Read a layer (optionally filtered) and project its geometries to Lambert-93."""
    crs = layer_crs(path, layer)
    _to_l93(crs, path=path, layer=layer)
    bbox = bbox_in(crs, bbox_l93) if bbox_l93 else None
    try:
        meta, _, wkb, values = pyogrio.raw.read(
            path, layer=layer, columns=columns, where=where, bbox=bbox, force_2d=True
        )
    except FieldError as exc:
        raise _error(
            f"colonne absente ou filtre impossible ({_short(exc)}).", path=path, layer=layer
        ) from exc
    except (DataSourceError, DataLayerError, GeometryError, OSError, RuntimeError) as exc:
        raise _error(
            f"fichier géographique illisible ou tronqué ({_short(exc)}).", path=path, layer=layer
        ) from exc
    fields = {str(name): np.asarray(col) for name, col in zip(meta["fields"], values, strict=True)}
    if wkb is None:
        raise _error("couche sans géométrie.", path=path, layer=layer, field="geometry")
    try:
        geoms = shapely.from_wkb(wkb)
    except shapely.errors.GEOSException as exc:
        raise _error(
            f"géométrie illisible ({_short(exc)}).", path=path, layer=layer, field="geometry"
        ) from exc
    if np.any(shapely.is_missing(geoms)):
        n = int(np.argmax(shapely.is_missing(geoms))) + 1
        raise _error(f"entité n° {n} sans géométrie.", path=path, layer=layer, field="geometry")
    if _to_l93(crs, path=path, layer=layer) and len(geoms):
        geoms = shapely.transform(
            geoms, lambda xy: np.column_stack(lonlat_to_l93(xy[:, 0], xy[:, 1]))
        )

    _check_extent(geoms, crs=crs, path=path, layer=layer)
    invalid = ~shapely.is_valid(geoms)
    if np.any(invalid):
        geoms[invalid] = shapely.make_valid(geoms[invalid])
    return Layer(path=path, layer=layer, crs=crs.to_string(), fields=fields, geoms=geoms)


def _check_extent(geoms: np.ndarray, *, crs: CRS, path: Path, layer: str | None) -> None:
    if not len(geoms):
        return
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    bx0, by0, bx1, by1 = L93_BOUNDS
    finite = np.all(np.isfinite([xmin, ymin, xmax, ymax]))
    if not finite or xmin < bx0 or ymin < by0 or xmax > bx1 or ymax > by1:
        raise _error(
            f"coordonnées hors de France métropolitaine pour le système déclaré "
            f"({crs.to_string()}) : le fichier n'est pas dans le système qu'il annonce.",
            path=path,
            layer=layer,
            field="geometry",
        )


def write_geojson(path: Path, features: list[tuple[dict[str, Any], BaseGeometry]]) -> int:
    """Write ``(properties, Lambert-93 geometry)`` pairs as a WGS84 GeoJSON FeatureCollection
    (coordinates rounded to 1e-6°, about 10 cm); return the number of bytes."""
    data = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": props, "geometry": l93_to_geojson(geom)}
            for props, geom in features
        ],
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))
