"""The HSDS 3.0 tabular package downloaded as one zip from the API."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from maillage.directory.models import Structure
from maillage.interop.tabular import read_table

pytestmark = pytest.mark.django_db
URL = "/api/v1/export/armentieres/hsds.zip"


def test_the_zip_holds_the_datapackage_and_every_csv_it_describes(client, armentieres):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="hsds-armentieres.zip"'
    assert response["X-Content-Type-Options"] == "nosniff"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        descriptor = json.loads(archive.read("datapackage.json"))
        files = {name: archive.read(name) for name in names}
    paths = [r["path"] for r in descriptor["resources"]]
    assert names[0] == "datapackage.json" and sorted(names[1:]) == sorted(paths)
    assert {"organizations.csv", "services.csv", "locations.csv"} <= set(paths)
    for resource in descriptor["resources"]:
        assert resource["bytes"] == len(files[resource["path"]])
    locations = read_table(files["locations.csv"], filename="locations.csv").rows
    # The open export holds every public fiche: published, and not the CTG's declared-only
    # supply (declared without a name, counted in the diagnostic but never a public fiche).
    public = Structure.objects.filter(territory=armentieres, published=True, declared_only=False)
    names_exported = sorted(row["name"] for _line, row in locations)
    assert names_exported == sorted(public.values_list("name", flat=True))


def test_unknown_territory_is_a_404_in_french(client, armentieres):
    response = client.get("/api/v1/export/nulle-part/hsds.zip")
    assert response.status_code == 404
    assert "introuvable" in response.json()["detail"]
