"""The HSDS export validated against the official HSDS 3.1 schema files (Open Referral), shipped
in ``tests/interop/hsds_3_1/`` (source and licence in its README): every organization, service
(with its capacities and their units), location (addresses, phones) and service_at_location."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from maillage.directory.models import Service
from maillage.interop.hsds import HSDS_VERSION, hsds_export

pytestmark = pytest.mark.django_db
SCHEMAS = Path(__file__).parent / "hsds_3_1"
TABLE_SCHEMAS = {
    "organizations": "organization.json",
    "services": "service.json",
    "locations": "location.json",
    "service_at_locations": "service_at_location.json",
}


def _registry() -> Registry:
    resources = [
        (path.name, Resource.from_contents(json.loads(path.read_text()), DRAFT202012))
        for path in SCHEMAS.glob("*.json")
    ]
    return Registry().with_resources(resources)


def _validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / name).read_text())
    return Draft202012Validator(schema, registry=_registry(), format_checker=FormatChecker())


def _errors(tables: dict) -> list[str]:
    out = []
    for table, schema in TABLE_SCHEMAS.items():
        validator = _validator(schema)
        for i, row in enumerate(tables[table]):
            for error in validator.iter_errors(row):
                where = "/".join(str(p) for p in error.absolute_path)
                out.append(f"{table}[{i}] {where}: {error.message}")
    return out


def test_the_schema_files_are_hsds_3_1():
    assert HSDS_VERSION == "3.1"
    service = json.loads((SCHEMAS / "service.json").read_text())
    assert "capacities" in service["properties"]
    assert (SCHEMAS / "service_capacity.json").exists() and (SCHEMAS / "unit.json").exists()


def test_the_validator_refuses_a_wrong_service():
    """The harness itself: a service without status, with a capacity without unit, is refused."""
    validator = _validator("service.json")
    bad = {
        "id": "00000000-0000-4000-8000-000000000000",
        "name": "x",
        "capacities": [{"id": "00000000-0000-4000-8000-000000000001", "available": 3}],
    }
    messages = [e.message for e in validator.iter_errors(bad)]
    assert any("'status' is a required property" in m for m in messages)
    assert any("'unit' is a required property" in m for m in messages)


def test_the_export_of_armentieres_validates_against_hsds_3_1(armentieres):
    tables = hsds_export(territory=armentieres)
    assert tables["services"], "no service exported"
    assert _errors(tables) == []


def test_childcare_places_and_ages_are_service_capacities(armentieres):
    sv = Service.objects.filter(structure__territory=armentieres, published=True).order_by("pk")[0]
    sv.capacity, sv.places_open_to_public, sv.age_min, sv.age_max = 24, 6, 0.25, 3
    sv.save()
    tables = hsds_export(territory=armentieres)
    assert _errors(tables) == []
    exported = next(s for s in tables["services"] if s["name"] == sv.name and s["capacities"])
    by_unit = {c["unit"]["identifier"]: c for c in exported["capacities"]}
    assert by_unit["places"]["maximum"] == 24 and by_unit["places"]["available"] == 24
    assert by_unit["places-ouvertes-exterieurs"]["maximum"] == 6
    assert "pas un nombre de places libres" in by_unit["places"]["description"]
    assert (exported["minimum_age"], exported["maximum_age"]) == (0.25, 3)
    # The same unit has the same id everywhere (one unit object per kind of place).
    assert len({c["unit"]["id"] for c in exported["capacities"]}) == len(exported["capacities"])
