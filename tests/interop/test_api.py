"""Read-only export endpoints under /api/v1/export/."""

from __future__ import annotations

import pytest
from data_inclusion.schema import v1 as schema

from maillage.directory.models import Structure
from maillage.interop.tabular import read_table

pytestmark = pytest.mark.django_db
BASE = "/api/v1/export/armentieres"


def test_datainclusion_endpoints_validate_with_the_schema(client, armentieres):
    structures = client.get(f"{BASE}/datainclusion/structures.json").json()
    services = client.get(f"{BASE}/datainclusion/services.json").json()
    public = Structure.objects.filter(territory=armentieres, published=True, declared_only=False)
    assert len(structures) == public.count()
    for record in structures:
        schema.Structure.model_validate(record)
    for record in services:
        schema.Service.model_validate(record)


def test_geojson_endpoints(client, armentieres):
    response = client.get(f"{BASE}/structures.geojson")
    assert response.status_code == 200 and response.json()["type"] == "FeatureCollection"
    zones = client.get(f"{BASE}/zones.geojson", {"kind": "qpv"}).json()["features"]
    assert zones and {f["properties"]["kind"] for f in zones} == {"qpv"}
    ok = client.get(f"{BASE}/zones-blanches.geojson", {"theme": "petite-enfance"})
    assert ok.status_code == 200
    assert client.get(f"{BASE}/influence.geojson", {"theme": "inconnu"}).status_code == 422
    bad = client.get(f"{BASE}/influence.geojson", {"theme": "petite-enfance", "public": "x"})
    assert bad.status_code == 400 and "public" in bad.json()["detail"]


def test_unknown_territory_is_a_404_in_french(client, armentieres):
    response = client.get("/api/v1/export/nulle-part/structures.geojson")
    assert response.status_code == 404 and "introuvable" in response.json()["detail"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_spreadsheet_download_has_only_published_structures(client, armentieres, fmt):
    hidden = Structure.objects.filter(territory=armentieres)[0]
    Structure.objects.filter(pk=hidden.pk).update(published=False)
    response = client.get(f"{BASE}/structures.{fmt}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="structures-armentieres.{fmt}"'
    rows = read_table(response.content, filename=f"x.{fmt}").rows
    ids = {(row["Source"], row["Identifiant à la source"]) for _, row in rows}
    assert (hidden.source, hidden.source_id) not in ids
    assert (
        len(ids)
        == Structure.objects.filter(
            territory=armentieres, published=True, declared_only=False
        ).count()
    )


def test_hsds_tables(client, armentieres):
    response = client.get(f"{BASE}/hsds/locations.json")
    assert response.status_code == 200 and response.json()
    assert client.get(f"{BASE}/hsds/unknown.json").status_code == 422


def test_spreadsheet_template_download(client):
    from maillage.interop.structures_sheet import COLUMNS

    response = client.get("/api/v1/export/modele/structures.xlsx")
    assert response.status_code == 200
    table = read_table(response.content, filename="modele.xlsx")
    assert table.columns == [label for _, label in COLUMNS] and table.rows == []
