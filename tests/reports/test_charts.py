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


# Long French labels and big numbers (exemple fictif): the trend chart's margins are computed,
# not found by a layout engine, so every text it draws must still lie inside the figure.
LONG_TITLE = "Indicateur 4.12 — places d'accueil pour 100 enfants de moins de trois ans en QPV"
LONG_UNIT = "places pour 100 enfants de moins de 3 ans (estimées)"
TREND_CASES = [
    {"years": [2023, 2024, 2025, 2026], "values": [3, 12, None, 7], "targets": [4, 8, 10, 12],
     "title": "Indicateur 2.3", "unit": "actions"},
    {"years": [2023, 2024, 2025, 2026], "values": [0.5, 1.25, 0.8, None],
     "targets": [1, 1, 1.5, 2], "title": "Indicateur 1.6", "unit": "oui/non"},
    {"years": list(range(2019, 2027)),
     "values": [1_234_567.5, 987_654.25, None, 1_500_000, 12, 0.5, 25_000, 3],
     "targets": None, "title": LONG_TITLE, "unit": LONG_UNIT},
    {"years": [2023, 2024, 2025, 2026], "values": [None, None, None, None], "targets": None,
     "title": "Indicateur 1.1", "unit": "groupes de travail"},
    {"years": [2024, 2025], "values": [98_765_432.5, 123_456_789.75],
     "targets": [100_000_000, 150_000_000], "title": LONG_TITLE, "unit": LONG_UNIT},
]  # fmt: skip


def _drawn_texts(fig):
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    from maillage.reports.charts import _RC

    with rc_context(_RC):
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        renderer = canvas.get_renderer()
        return [
            (t.get_text(), t.get_window_extent(renderer))
            for t in fig.findobj(Text)
            if t.get_visible() and t.get_text().strip()
        ]


@pytest.mark.parametrize("size", [(3.0, 1.8), (4.6, 2.2), (5.0, 2.6)])
@pytest.mark.parametrize("case", range(len(TREND_CASES)))
def test_trend_chart_keeps_every_text_inside_the_figure(case, size):
    from maillage.reports.charts import _trend_figure

    fig = _trend_figure(**TREND_CASES[case], width_in=size[0], height_in=size[1])
    box = fig.bbox
    texts = _drawn_texts(fig)
    assert texts
    for text, extent in texts:
        assert extent.x0 >= box.x0 - 0.5 and extent.x1 <= box.x1 + 0.5, (text, extent, box)
        assert extent.y0 >= box.y0 - 0.5 and extent.y1 <= box.y1 + 0.5, (text, extent, box)
    # The title and the unit are read, so neither covers the other nor the tick labels.
    ax = fig.axes[0]
    title, unit = ax.title, ax.yaxis.label
    renderer = fig.canvas.get_renderer()  # the Agg canvas of _drawn_texts
    if unit.get_text():
        assert not title.get_window_extent(renderer).overlaps(unit.get_window_extent(renderer))
    for label in ax.get_yticklabels():
        if label.get_text():
            assert not title.get_window_extent(renderer).overlaps(
                label.get_window_extent(renderer)
            ), label.get_text()


def test_trend_chart_years_and_values_stay_readable_and_french():
    """Every year is written when there is room, and values keep the French decimal comma."""
    svg = trend_chart(**TREND_CASES[1], width_in=3.0, height_in=1.8)
    text = _svg_text(svg)
    for label in ("2023", "2024", "2025", "2026", "0,5", "1,2", "0,8", "n.d."):
        assert label in text
    assert "0.5" not in text
