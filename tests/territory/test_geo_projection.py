"""One WGS84 ↔ Lambert-93 projection: territory.geo and analysis.geometry agree to the
centimetre on real Armentières positions and boundaries, and share one transformer."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import shapely

import maillage
from maillage.analysis.geometry import lambert93_to_lonlat, lonlat_to_lambert93
from maillage.directory.models import Structure
from maillage.territory.geo import geojson_to_l93, l93_to_geojson, l93_to_lonlat, lonlat_to_l93

pytestmark = pytest.mark.django_db
CENTIMETRE = 0.01
SRC = Path(maillage.__file__).parent


def _located(territory):
    rows = list(
        Structure.objects.filter(territory=territory, lon__isnull=False, lat__isnull=False)
        .order_by("pk")
        .values_list("lon", "lat", "x_l93", "y_l93")
    )
    assert len(rows) > 20  # the embedded dataset locates dozens of structures
    return np.array(rows, dtype=float)


def test_both_paths_project_real_structures_to_the_same_centimetre(armentieres):
    data = _located(armentieres)
    lon, lat, stored = data[:, 0], data[:, 1], data[:, 2:]
    x, y = lonlat_to_l93(lon, lat)
    xy = lonlat_to_lambert93(data[:, :2])
    assert np.abs(np.column_stack([x, y]) - xy).max() < CENTIMETRE
    # The x/y stored at load time (rounded to the centimetre) are these very values.
    assert np.abs(xy - stored).max() <= 0.005 + 1e-6
    # One point at a time (as the directory services call it) gives the same metres.
    one = np.array([[float(v) for v in lonlat_to_l93(a, b)] for a, b in data[:5, :2]])
    assert np.abs(one - xy[:5]).max() < CENTIMETRE


def test_both_paths_project_back_to_the_same_position(armentieres):
    xy = _located(armentieres)[:, 2:]
    lon, lat = l93_to_lonlat(xy[:, 0], xy[:, 1])
    back = lambert93_to_lonlat(xy)
    assert np.abs(np.column_stack([lon, lat]) - back).max() < 1e-9  # degrees: ≪ 1 mm
    again = lonlat_to_lambert93(back)
    assert np.abs(again - xy).max() < CENTIMETRE


def test_commune_boundary_vertices_project_like_the_analysis_arrays(armentieres):
    commune = armentieres.communes.exclude(boundary=None).order_by("insee_code").first()
    geom = geojson_to_l93(commune.boundary)
    wgs = shapely.get_coordinates(shapely.geometry.shape(commune.boundary))
    assert np.abs(shapely.get_coordinates(geom) - lonlat_to_lambert93(wgs)).max() < CENTIMETRE
    # Back to GeoJSON at 1e-6 degree (about 10 cm): the area is kept to 0.01 %.
    back = geojson_to_l93(l93_to_geojson(geom))
    assert back.area == pytest.approx(geom.area, rel=1e-4)


def test_only_analysis_geometry_builds_pyproj_transformers():
    builders = [
        path.relative_to(SRC).as_posix()
        for path in SRC.rglob("*.py")
        if re.search(r"Transformer\.from_(crs|pipeline|proj)", path.read_text(encoding="utf-8"))
    ]
    assert builders == ["analysis/geometry.py"]
