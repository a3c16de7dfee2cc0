"""GeoJSON (WGS84) ↔ shapely geometries in Lambert-93 (EPSG:2154).

Stored geometries are GeoJSON in WGS84; every area, overlay or distance is computed in
Lambert-93 metres. Never compute distances in degrees.

The projection itself is :mod:`maillage.analysis.geometry`'s: its two cached pyproj
transformers (one per direction) are the only ones of the project, so a point projected here
and the same point projected by :func:`maillage.analysis.geometry.lonlat_to_lambert93` get the
same metres. The functions here take separate lon/lat (or x/y) values or arrays and do not
validate them (callers check positions with :func:`in_france`); the analysis ones take
``(n, 2)`` arrays and raise on NaN or out-of-range input.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry


def _transformer(to_l93: bool) -> Transformer:
    # Imported here, not at module level: importing ``maillage.analysis`` loads scipy
    # (about 250 ms), and this module is imported by every ``django.setup()``.
    from maillage.analysis.geometry import (
        lambert93_to_wgs84_transformer,
        wgs84_to_lambert93_transformer,
    )

    return wgs84_to_lambert93_transformer() if to_l93 else lambert93_to_wgs84_transformer()


def lonlat_to_l93(lon: Any, lat: Any) -> tuple[Any, Any]:
    """Project WGS84 longitudes/latitudes (degrees) to Lambert-93 x/y (metres).

    Scalars give floats, sequences give numpy arrays; NaN gives NaN.
    """
    return _transformer(True).transform(np.asarray(lon, float), np.asarray(lat, float))


def l93_to_lonlat(x: Any, y: Any) -> tuple[Any, Any]:
    """Project Lambert-93 x/y (metres) to WGS84 longitudes/latitudes (degrees).

    Scalars give floats, sequences give numpy arrays; NaN gives NaN.
    """
    return _transformer(False).transform(np.asarray(x, float), np.asarray(y, float))


def _reproject(geom: BaseGeometry, to_l93: bool) -> BaseGeometry:
    tr = _transformer(to_l93)

    def _apply(coords: np.ndarray) -> np.ndarray:
        x, y = tr.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, _apply)


def geojson_to_l93(geometry: dict) -> BaseGeometry:
    """Return a shapely geometry in Lambert-93 from a GeoJSON geometry in WGS84."""
    return _reproject(shape(geometry), to_l93=True)


def l93_to_geojson(geom: BaseGeometry, *, precision: int = 6) -> dict:
    """Return a GeoJSON geometry in WGS84 (rounded to ``precision`` decimals) from Lambert-93."""
    wgs = shapely.set_precision(_reproject(geom, to_l93=False), 10.0**-precision)
    return mapping(wgs)


def area_km2(geometry: dict) -> float:
    """Area in km² of a GeoJSON geometry (computed in Lambert-93)."""
    return geojson_to_l93(geometry).area / 1e6


def in_france(lon: float, lat: float) -> bool:
    """Whether a WGS84 position lies in the bounding box of metropolitan France and overseas."""
    metropole = -5.5 <= lon <= 10.0 and 41.0 <= lat <= 51.5
    overseas = (-62.0 <= lon <= -60.0 and 14.0 <= lat <= 16.7) or (  # Antilles
        (-54.7 <= lon <= -51.0 and 2.0 <= lat <= 6.0)  # Guyane
        or (44.9 <= lon <= 45.4 and -13.1 <= lat <= -12.5)  # Mayotte
        or (55.1 <= lon <= 56.0 and -21.5 <= lat <= -20.8)  # La Réunion
    )
    return metropole or overseas
