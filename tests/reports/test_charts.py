"""Charts and static maps: real territory geometries in, valid images out."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from maillage.reports.charts import MapPoint, MapZone, bar_chart, static_map, trend_chart
from maillage.territory.geo import geojson_to_l93, l93_to_lonlat
from maillage.territory.map_frame import map_frame
from maillage.territory.selectors import territory_zones


def _svg_text(svg: bytes) -> str:
    root = ET.fromstring(svg)
    return " ".join(t for el in root.iter() for t in [el.text or ""] if t.strip())


def test_trend_chart_svg_keeps_years_and_values_as_text():
    svg = trend_chart(years=[2023, 2024, 2025], values=[3, 12.5, None], targets=[4, 8, 10])
    text = _svg_text(svg)
    for label in ("2023", "2024", "2025", "3", "12,5", "n.d.", "Cible", "Réalisé"):
        assert label in text


def test_trend_chart_refuses_misaligned_series():
    with pytest.raises(ValueError):
        trend_chart(years=[2023, 2024], values=[1])


def test_bar_chart_png_is_a_png():
    png = bar_chart(labels=["Axe 1", "Axe 2"], values=[4, 7], fmt="png")
    assert Image.open(io.BytesIO(png)).format == "PNG"


def test_static_map_frames_the_ctg_communes(armentieres):
    png = static_map(frame=map_frame(territory=armentieres), fmt="png", width_in=4)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.width > 300 and image.height > 300


def test_static_map_draws_zone_values_and_points(armentieres):
    zones = [z for z in territory_zones(territory=armentieres) if z.kind == "qpv"]
    assert len(zones) == 2  # Attargette/Chanzy and Bizet/Briquetterie (QPV 2015)
    centre = geojson_to_l93(zones[0].boundary).representative_point()
    lon, lat = l93_to_lonlat(centre.x, centre.y)
    svg = static_map(
        frame=map_frame(territory=armentieres),
        zones=[
            MapZone(geometry=zones[0].boundary, label=zones[0].name, value=7),
            MapZone(geometry=zones[1].boundary, label=zones[1].name, value=2),
        ],
        points=[MapPoint(lon=float(lon), lat=float(lat), label="point")],
        title="Actions par quartier",
        fmt="svg",
    )
    text = _svg_text(svg)
    assert "Actions par quartier" in text
    assert "7" in text and "2" in text


def test_static_map_differs_with_and_without_zones(armentieres):
    zones = [z for z in territory_zones(territory=armentieres) if z.kind == "iris"]
    plain = static_map(frame=map_frame(territory=armentieres), fmt="png", width_in=3)
    filled = static_map(
        frame=map_frame(territory=armentieres),
        zones=[MapZone(geometry=z.boundary, value=float(i + 1)) for i, z in enumerate(zones)],
        fmt="png",
        width_in=3,
    )
    assert plain != filled
