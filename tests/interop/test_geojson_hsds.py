"""GeoJSON layers and quartier import; HSDS 3.0 export."""

from __future__ import annotations

import json

import pytest

from maillage.directory.models import Structure
from maillage.interop.geojson import LayerError, export_layer, zones_import
from maillage.interop.hsds import hsds_export
from maillage.territory.models import CellZone, Zone
from maillage.territory.selectors import territory_zones

pytestmark = pytest.mark.django_db


def test_zones_layer_has_every_zone_of_the_territory_with_its_boundary(armentieres):
    layer = export_layer(territory=armentieres, layer="zones")
    expected = [z for z in territory_zones(territory=armentieres) if z.boundary]
    assert len(layer["features"]) == len(expected) > 0
    iris = export_layer(territory=armentieres, layer="zones", kind="iris")
    assert {f["properties"]["kind"] for f in iris["features"]} == {"iris"}


def test_structures_layer_has_only_located_structures_in_wgs84(armentieres):
    layer = export_layer(territory=armentieres, layer="structures")
    located = Structure.objects.filter(
        territory=armentieres, published=True, lon__isnull=False
    ).count()
    assert len(layer["features"]) == located
    for feature in layer["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert 2.5 < lon < 3.2 and 50.5 < lat < 50.9


def test_diagnostic_layers_render_the_diagnostic_result(armentieres):
    layer = export_layer(territory=armentieres, layer="zones-blanches", theme="petite-enfance")
    assert layer["type"] == "FeatureCollection"
    with pytest.raises(LayerError, match="thème"):
        export_layer(territory=armentieres, layer="influence", theme="inconnu")


def _quartiers(features):
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def _iris_as_quartier(armentieres, code="centre-exemple"):
    iris = next(z for z in territory_zones(territory=armentieres) if z.kind == "iris")
    return iris, {
        "type": "Feature",
        "properties": {"nom": f"{iris.name} (tracé de l'IRIS)", "code": code},
        "geometry": iris.boundary,
    }


def test_quartier_import_creates_a_territory_zone_with_its_cells_and_is_rerunnable(armentieres):
    iris, feature = _iris_as_quartier(armentieres)
    for outcome in ("created", "updated"):
        report = zones_import(
            territory=armentieres, data=_quartiers([feature]), filename="quartiers.geojson"
        )
        assert report.ok and getattr(report, outcome) == {"quartiers": 1}, report.lines()
    zone = Zone.objects.get(kind="quartier", code="centre-exemple")
    assert zone.territory == armentieres
    iris_cells = {c.cell_id for c in CellZone.objects.filter(zone=iris, share__gt=0.99)}
    quartier_cells = {c.cell_id for c in CellZone.objects.filter(zone=zone, share__gt=0.99)}
    assert iris_cells and iris_cells == quartier_cells
    assert zone in territory_zones(territory=armentieres)


@pytest.mark.parametrize(
    ("geometry", "reason"),
    [
        ({"type": "Point", "coordinates": [2.88, 50.68]}, "Polygon"),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [[690000, 7065000], [691000, 7065000], [691000, 7066000], [690000, 7065000]]
                ],
            },
            "hors de France",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [[2.88, 50.68], [2.89, 50.69], [2.89, 50.68], [2.88, 50.69], [2.88, 50.68]]
                ],
            },
            "invalide",
        ),
        ({"type": "Polygon", "coordinates": "abc"}, "illisibles"),
    ],
)
def test_bad_quartier_geometries_are_refused_and_nothing_is_written(armentieres, geometry, reason):
    _, good = _iris_as_quartier(armentieres)
    bad = {"type": "Feature", "properties": {"nom": "Quartier"}, "geometry": geometry}
    report = zones_import(territory=armentieres, data=_quartiers([good, bad]), filename="q.geojson")
    assert [(p.row, p.field) for p in report.problems] == [(2, "geometry")]
    assert reason in report.problems[0].message
    assert not Zone.objects.filter(kind="quartier").exists()


def test_hsds_tables_reference_each_other_and_ids_are_stable(armentieres):
    tables = hsds_export(territory=armentieres)
    orgs = {o["id"] for o in tables["organizations"]}
    locations = {loc["id"] for loc in tables["locations"]}
    services = {s["id"] for s in tables["services"]}
    assert len(locations) == Structure.objects.filter(territory=armentieres, published=True).count()
    assert all(loc["organization_id"] in orgs for loc in tables["locations"])
    assert all(s["organization_id"] in orgs for s in tables["services"])
    assert all(
        link["service_id"] in services and link["location_id"] in locations
        for link in tables["service_at_locations"]
    )
    assert all(s["status"] == "active" and s["name"] for s in tables["services"])
    assert hsds_export(territory=armentieres) == tables
