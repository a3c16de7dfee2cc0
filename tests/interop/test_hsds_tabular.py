"""HSDS 3.0 tabular form (Open Referral datapackage): every file described, the same rows as
the JSON export, identifiers that join across tables, formulas neutralised, and the CLI."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from click.testing import CliRunner

from maillage.cli import main
from maillage.directory.models import Service, Structure
from maillage.interop.hsds import hsds_datapackage, hsds_export
from maillage.interop.tabular import read_table

pytestmark = pytest.mark.django_db
HOSTILE = '=HYPERLINK("http://exemple.invalid/?x=1";"Cliquez ici")'
# Column names of the HSDS 3.0.0 tabular schema (openreferral/specification, datapackage.json).
HSDS_COLUMNS = {
    "service_at_location.csv": ["id", "service_id", "location_id", "description"],
    "locations.csv": [
        "id",
        "location_type",
        "url",
        "organization_id",
        "name",
        "alternate_name",
        "description",
        "transportation",
        "latitude",
        "longitude",
        "external_identifier",
        "external_identifier_type",
    ],
}


def _unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _tables(files: dict[str, bytes]) -> tuple[dict, dict[str, list[dict[str, str]]]]:
    descriptor = json.loads(files["datapackage.json"])
    tables = {}
    for resource in descriptor["resources"]:
        table = read_table(files[resource["path"]], filename=resource["path"])
        assert table.columns == [f["name"] for f in resource["schema"]["fields"]]
        tables[resource["name"]] = [row for _, row in table.rows]
    return descriptor, tables


def test_the_datapackage_describes_every_file_with_its_fields(armentieres):
    files = _unzip(hsds_datapackage(territory=armentieres).zip())
    descriptor, _ = _tables(files)
    assert descriptor["profile"] == "tabular-data-package"
    paths = [r["path"] for r in descriptor["resources"]]
    assert set(files) == {"datapackage.json", *paths}
    for core in ("organizations.csv", "services.csv", "locations.csv", "service_at_location.csv"):
        assert core in paths
    for resource in descriptor["resources"]:
        data = files[resource["path"]]
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert resource["dialect"]["delimiter"] == ";"
        assert resource["schema"]["primaryKey"] == "id"
    by_path = {r["path"]: r for r in descriptor["resources"]}
    for path, columns in HSDS_COLUMNS.items():
        assert [f["name"] for f in by_path[path]["schema"]["fields"]] == columns
    latitude = next(
        f for f in by_path["locations.csv"]["schema"]["fields"] if f["name"] == "latitude"
    )
    assert latitude["type"] == "number"


def test_rows_match_the_json_export_and_ids_join_across_tables(armentieres):
    package = hsds_datapackage(territory=armentieres)
    descriptor, tables = _tables(package.files)
    exported = hsds_export(territory=armentieres)
    assert len(tables["organization"]) == len(exported["organizations"]) > 0
    assert len(tables["service"]) == len(exported["services"]) > 0
    assert len(tables["location"]) == len(exported["locations"]) > 0
    assert len(tables["service_at_location"]) == len(exported["service_at_locations"]) > 0
    assert len(tables["address"]) == sum(len(loc["addresses"]) for loc in exported["locations"])
    assert len(tables["attribute"]) == sum(len(s["attributes"]) for s in exported["services"])
    assert package.counts["locations.csv"] == len(exported["locations"])
    # Every declared foreign key holds: each service_at_location points to an existing service
    # and location, each service and location to an organization, each attribute to a term.
    ids = {name: {row["id"] for row in rows} for name, rows in tables.items()}
    checked = set()
    for resource in descriptor["resources"]:
        for key in resource["schema"].get("foreignKeys", []):
            target = key["reference"]["resource"]
            values = [row[key["fields"]] for row in tables[resource["name"]]]
            assert all(v in ids[target] for v in values if v), (resource["name"], key)
            checked.add((resource["name"], key["fields"]))
    assert {
        ("service_at_location", "service_id"),
        ("service_at_location", "location_id"),
    } <= checked
    assert all(len(rows) == len(ids[name]) for name, rows in tables.items())  # ids are unique
    # Values are the JSON export's: same position for the same location id.
    json_locations = {loc["id"]: loc for loc in exported["locations"]}
    for row in tables["location"]:
        if row["latitude"]:
            assert float(row["latitude"]) == json_locations[row["id"]]["latitude"]


def test_thematiques_become_attributes_with_their_taxonomy_terms(armentieres):
    service = Service.objects.filter(structure__territory=armentieres, published=True).first()
    Service.objects.filter(pk=service.pk).update(thematiques=["famille--garde-denfants"])
    _, tables = _tables(hsds_datapackage(territory=armentieres).files)
    (attribute,) = tables["attribute"]
    (term,) = tables["taxonomy_term"]
    assert attribute["taxonomy_term_id"] == term["id"] and attribute["link_entity"] == "service"
    assert attribute["link_id"] in {row["id"] for row in tables["service"]}
    assert (term["code"], term["name"]) == ("famille--garde-denfants", "Garde d’enfants")


def test_addresses_carry_the_departement_of_their_commune(armentieres):
    _, tables = _tables(hsds_datapackage(territory=armentieres).files)
    assert tables["address"]
    assert {row["state_province"] for row in tables["address"] if row["city"]} == {"59"}


def test_a_hostile_name_is_neutralised_in_every_csv(armentieres):
    structure = Structure.objects.filter(territory=armentieres, published=True).first()
    Structure.objects.filter(pk=structure.pk).update(name=HOSTILE)
    _, tables = _tables(hsds_datapackage(territory=armentieres).files)
    names = [row["name"] for row in tables["location"]]
    assert "'" + HOSTILE in names and HOSTILE not in names
    for rows in tables.values():
        for row in rows:
            assert not any(value.startswith(("=", "+", "@")) for value in row.values())


def test_cli_writes_the_datapackage_to_a_directory_or_a_zip(armentieres, tmp_path):
    def run(*args):
        return CliRunner().invoke(
            main, ["export", "hsds", "--territory", "armentieres", *args], catch_exceptions=False
        )

    out = run("--format", "csv", "-o", str(tmp_path / "hsds"))
    assert out.exit_code == 0 and "service_at_location.csv :" in out.output
    written = {p.name: p.read_bytes() for p in (tmp_path / "hsds").iterdir()}
    descriptor, _ = _tables(written)
    assert len(descriptor["resources"]) == len(written) - 1
    out = run("--format", "csv", "-o", str(tmp_path / "hsds.zip"))
    assert out.exit_code == 0
    assert _unzip((tmp_path / "hsds.zip").read_bytes()) == written
    out = run("-o", str(tmp_path / "json"))
    assert out.exit_code == 0 and (tmp_path / "json" / "service_at_locations.json").exists()
    out = run("-o", str(tmp_path / "hsds-json.zip"))
    assert out.exit_code == 2 and "--format csv" in out.output
    assert not (tmp_path / "hsds-json.zip").exists()
