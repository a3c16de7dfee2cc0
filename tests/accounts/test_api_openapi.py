"""The write endpoints are documented in French in the OpenAPI schema, with their statuses."""

from __future__ import annotations

WRITE_METHODS = {"post", "put", "patch", "delete"}


def _operations(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation, schema


def test_every_write_is_documented_and_needs_the_token(client, db):
    writes = [(p, m, o) for p, m, o, _ in _operations(client) if m in WRITE_METHODS]
    assert len(writes) >= 10
    for path, method, operation in writes:
        assert operation["security"] == [{"TokenAuth": []}], (method, path)
        assert operation["summary"] and len(operation["description"]) > 80, (method, path)
        statuses = set(operation["responses"])
        assert {"401", "403", "404", "422"} <= statuses, (method, path, statuses)
        assert statuses & {"200", "201", "202", "204"}, (method, path)
        # French: the accented words of the descriptions are a cheap but telling sign.
        assert any(w in operation["description"] for w in ("é", "è", "à")), (method, path)


def test_reads_with_drafts_document_the_optional_token(client, db):
    ops = {(p, m): o for p, m, o, _ in _operations(client)}
    for path in ("/api/v1/structures", "/api/v1/structures/geojson"):
        operation = ops[(path, "get")]
        assert {} in operation["security"] and {"TokenAuth": []} in operation["security"]
        assert "401" in operation["responses"]
    detail = ops[("/api/v1/structures/{structure_id}", "get")]
    parameter = next(p for p in detail["parameters"] if p["name"] == "structure_id")
    assert parameter["schema"]["pattern"] == "^[0-9]{1,18}$"


def test_bodies_refuse_unknown_fields_and_bound_texts(client, db):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    structure = schema["StructurePatchIn"]
    assert structure["additionalProperties"] is False
    assert structure["properties"]["name"]["maxLength"] == 200
    assert structure["properties"]["postcode"]["maxLength"] == 5
    assert schema["ActivityIn"]["additionalProperties"] is False
