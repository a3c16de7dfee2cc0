"""HSDS 3.1 (Open Referral) export: organizations, services, locations, service_at_locations.

Mapping: a Maillage *structure* is an HSDS *location* (a physical place); its organisation is the
HSDS *organization* (a structure without known organisation is its own organization, named like
it); each service is an HSDS *service* of that organization, offered at the location through a
*service_at_location*. Identifiers are stable UUIDs derived (uuid5) from Maillage's own ids, so
two exports of the same data give the same ids.

HSDS 3.1 adds ``service_capacity`` and ``unit``: a service's places (capacity, places open to
outside families, places reserved for professional insertion) are its ``capacities``, each with
its ``unit``; ages stay ``minimum_age``/``maximum_age`` (years). Maillage knows the agreed or
declared places, not the free ones: ``available`` and ``maximum`` both carry the capacity and the
description says so. A value Maillage does not know is left out of the JSON form (the HSDS 3.1
JSON schemas type optional fields as strings or numbers, never ``null``) and is an empty cell in
the tabular form. Validated against the official 3.1 schema files in
``tests/interop/test_hsds_schema.py``.

Two forms of the same tables: JSON (:func:`hsds_write` with ``fmt="json"``: one file per
table, addresses and phones nested in locations, attributes in services) and the Open Referral
**tabular** form (:func:`hsds_datapackage`, or ``fmt="csv"``): a Frictionless
``datapackage.json`` and one CSV per table, with the HSDS 3.1 file and column names
(``organizations.csv``, ``services.csv``, ``locations.csv``, ``service_at_location.csv``, plus
``addresses.csv``, ``phones.csv``, ``attributes.csv``, ``taxonomy_terms.csv``,
``service_capacity.csv`` and ``units.csv`` for the nested objects). The CSV files are written
by :func:`maillage.interop.tabular.write_table` (UTF-8 with BOM, ``;``, formula injection
neutralised); the descriptor states that dialect.
:meth:`HsdsPackage.zip` gives the whole as one archive.
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from maillage.directory.models import Service, Structure
from maillage.directory.vocabulary import THEMATIQUE_LABELS
from maillage.territory.models import Territory

from .tabular import write_table

NAMESPACE = uuid.UUID("0f6b7c52-5a3e-4d0a-9a57-6d61696c6c61")  # fixed namespace of Maillage
HSDS_VERSION = "3.1"
#: HSDS 3.1 units of the places of a service: identifier → (name, Service field, description).
UNITS = (
    (
        "places",
        "places d'accueil",
        "capacity",
        "Places agréées ou déclarées (capacité totale), pas un nombre de places libres.",
    ),
    (
        "places-ouvertes-exterieurs",
        "places ouvertes aux familles extérieures",
        "places_open_to_public",
        "Places ouvertes aux familles extérieures (ex. crèche d'entreprise), pas un nombre de "
        "places libres.",
    ),
    (
        "places-insertion",
        "places à vocation d'insertion professionnelle",
        "insertion_places",
        "Places réservées aux parents en parcours d'insertion professionnelle, pas un nombre de "
        "places libres.",
    ),
)
UNIT_SCHEME = "Maillage (places d'accueil, CTG)"
TABLES = ("organizations", "services", "locations", "service_at_locations")


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "|".join(parts)))


def _departement(insee_code: str) -> str:
    """The département code of a commune: the first 2 characters of its INSEE code (3 overseas)."""
    return insee_code[:3] if insee_code.startswith("97") else insee_code[:2]


def _compact(value: Any) -> Any:
    """``value`` without the ``None`` entries of its objects (unknown values are left out)."""
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_compact(v) for v in value]
    return value


def _unit(identifier: str, name: str) -> dict[str, Any]:
    return {
        "id": _uuid("unit", identifier),
        "name": name,
        "scheme": UNIT_SCHEME,
        "identifier": identifier,
    }


def _capacities(sv: Service, service_id: str) -> list[dict[str, Any]]:
    """The HSDS 3.1 ``service_capacity`` objects of a service's known places."""
    updated = sv.updated_at.isoformat(timespec="milliseconds")
    out = []
    for identifier, name, field, description in UNITS:
        places = getattr(sv, field)
        if places is None:
            continue
        unit = _unit(identifier, name)
        out.append(
            {
                "id": _uuid("service_capacity", service_id, identifier),
                "service_id": service_id,
                "unit_id": unit["id"],
                "unit": unit,
                "available": places,
                "maximum": places,
                "description": description,
                "updated": updated,
            }
        )
    return out


def hsds_export(*, territory: Territory, public: bool = False) -> dict[str, list[dict[str, Any]]]:
    """The published structures and services of ``territory`` as HSDS 3.1 tables (``public``:
    without the CTG's declared-only supply, as the open API serves them)."""
    queryset = Structure.objects.filter(territory=territory, published=True)
    if public:
        queryset = queryset.filter(declared_only=False)
    structures = list(
        queryset.select_related("organisation", "commune", "typology").order_by(
            "source", "source_id"
        )
    )
    services = list(
        Service.objects.filter(structure__in=structures, published=True).order_by(
            "structure__source", "structure__source_id", "source", "source_id"
        )
    )
    organizations: dict[str, dict[str, Any]] = {}
    locations, by_structure = [], {}
    for s in structures:
        org = s.organisation  # select_related: no query
        if org is not None:
            org_id = _uuid("organisation", org.slug)
            org_name, org_url = org.name, org.website
        else:
            org_id = _uuid("structure-organisation", s.data_inclusion_id)
            org_name, org_url = s.name, s.website
        organizations.setdefault(
            org_id,
            {
                "id": org_id,
                "name": org_name,
                "description": org.get_kind_display()
                if org is not None
                else (s.typology.label if s.typology is not None else s.name),
                "website": org_url or None,
                "email": None,
                "tax_id": (org.siret if org is not None else "") or None,
            },
        )
        location_id = _uuid("structure", s.data_inclusion_id)
        by_structure[s.pk] = (org_id, location_id)
        locations.append(
            {
                "id": location_id,
                "location_type": "physical",
                "organization_id": org_id,
                "name": s.name,
                "description": s.description or None,
                "latitude": s.lat,
                "longitude": s.lon,
                "external_identifier": s.data_inclusion_id,
                "external_identifier_type": "data·inclusion",
                "addresses": [
                    {
                        "id": _uuid("address", s.data_inclusion_id),
                        "location_id": location_id,
                        "address_type": "physical",
                        "address_1": s.address,
                        "city": s.commune.name if s.commune is not None else "",
                        "region": "",
                        "state_province": _departement(s.commune.insee_code)
                        if s.commune is not None
                        else "",
                        "postal_code": s.postcode,
                        "country": "FR",
                    }
                ]
                if s.address
                else [],
                "phones": [
                    {
                        "id": _uuid("phone", s.data_inclusion_id),
                        "location_id": location_id,
                        "number": s.phone,
                    }
                ]
                if s.phone
                else [],
            }
        )
    hsds_services, links = [], []
    for sv in services:
        org_id, location_id = by_structure[sv.structure_id]
        service_id = _uuid("service", str(sv.structure_id), sv.source, sv.source_id)
        hsds_services.append(
            {
                "id": service_id,
                "organization_id": org_id,
                "name": sv.name,
                "description": sv.description or None,
                "status": "active",
                "email": None,
                "url": None,
                "eligibility_description": sv.conditions_acces or None,
                "minimum_age": sv.age_min,
                "maximum_age": sv.age_max,
                "fees_description": sv.frais_precisions or (sv.get_frais_display() or None),
                "last_modified": sv.updated_at.isoformat(timespec="milliseconds"),
                "capacities": _capacities(sv, service_id),
                "attributes": [
                    {
                        "id": _uuid("attribute", service_id, t),
                        "link_entity": "service",
                        "link_id": service_id,
                        "taxonomy_term_id": _uuid("taxonomy", t),
                        "label": t,
                    }
                    for t in sv.thematiques or []
                ],
            }
        )
        links.append(
            {
                "id": _uuid("service_at_location", service_id, location_id),
                "service_id": service_id,
                "location_id": location_id,
                "description": None,
            }
        )
    return _compact(
        {
            "organizations": list(organizations.values()),
            "services": hsds_services,
            "locations": locations,
            "service_at_locations": links,
        }
    )


# --------------------------------------------------------------------------- tabular form

FORMATS = ("json", "csv")
TAXONOMY = "data·inclusion v1 — thématiques"
# HSDS 3.1 tabular resources: (resource, file, fields, foreign keys as (field, resource)).
# Fields are "name", "name:type" or "name:type:format" (type defaults to string), "!" marks
# the fields HSDS requires. Names, order and types follow the HSDS 3.0.0 datapackage.json of
# github.com/openreferral/specification, and its 3.1 schema files for what 3.1 adds
# (attribute.label, service_capacity, unit: the 3.1 datapackage.json lists them incompletely).
RESOURCES: tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "organization",
        "organizations.csv",
        "id!::uuid name! alternate_name description! email::email website::uri tax_status "
        "tax_id year_incorporated:number legal_status logo uri::uri parent_organization_id::uuid",
        (),
    ),
    (
        "service",
        "services.csv",
        "id!::uuid organization_id!::uuid program_id::uuid name! alternate_name description "
        "url::uri email::email status! interpretation_services application_process "
        "fees_description wait_time fees accreditations eligibility_description "
        "minimum_age:number maximum_age:number assured_date:date assurer_email::email "
        "licenses alert last_modified:datetime",
        (("organization_id", "organization"),),
    ),
    (
        "location",
        "locations.csv",
        "id!::uuid location_type! url::uri organization_id::uuid name alternate_name "
        "description transportation latitude:number longitude:number external_identifier "
        "external_identifier_type",
        (("organization_id", "organization"),),
    ),
    (
        "service_at_location",
        "service_at_location.csv",
        "id!::uuid service_id!::uuid location_id!::uuid description",
        (("service_id", "service"), ("location_id", "location")),
    ),
    (
        "address",
        "addresses.csv",
        "id!::uuid location_id::uuid attention address_1! address_2 city! region "
        "state_province! postal_code! country! address_type!",
        (("location_id", "location"),),
    ),
    (
        "phone",
        "phones.csv",
        "id!::uuid location_id::uuid service_id::uuid organization_id::uuid contact_id::uuid "
        "service_at_location_id::uuid number! extension:number type description",
        (("location_id", "location"),),
    ),
    (
        "taxonomy_term",
        "taxonomy_terms.csv",
        "id!::uuid code name! description! parent_id::uuid taxonomy language "
        "taxonomy_id::uuid term_uri::uri",
        (),
    ),
    (
        "attribute",
        "attributes.csv",
        "id!::uuid link_id!::uuid taxonomy_term_id!::uuid link_type link_entity! value label",
        (("taxonomy_term_id", "taxonomy_term"),),
    ),
    (
        "unit",
        "units.csv",
        "id!::uuid name! scheme identifier uri::uri",
        (),
    ),
    (
        "service_capacity",
        "service_capacity.csv",
        "id!::uuid service_id!::uuid unit_id!::uuid available!:number maximum:number "
        "description updated!:datetime",
        (("service_id", "service"), ("unit_id", "unit")),
    ),
)


@dataclass(frozen=True)
class HsdsPackage:
    """The HSDS tabular form: ``files`` maps each file name (``datapackage.json`` first) to
    its content; ``counts`` maps each CSV file to its number of rows."""

    files: dict[str, bytes]
    counts: dict[str, int]

    def zip(self) -> bytes:
        """The files as one zip archive."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.files.items():
                archive.writestr(name, data)
        return buffer.getvalue()


def _field(spec: str) -> dict[str, Any]:
    name, _, rest = spec.partition(":")
    kind, _, fmt = rest.partition(":")
    field: dict[str, Any] = {"name": name.rstrip("!"), "type": kind or "string"}
    if fmt:
        field["format"] = fmt
    if name.endswith("!"):
        field["constraints"] = {"required": True}
    return field


def _tabular_rows(tables: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The JSON tables flattened into the tabular resources (nested objects get their own)."""
    attributes = [a for s in tables["services"] for a in s.get("attributes", [])]
    capacities = [c for s in tables["services"] for c in s.get("capacities", [])]
    units = {c["unit"]["id"]: c["unit"] for c in capacities}
    terms = {}
    for a in attributes:
        label = THEMATIQUE_LABELS.get(a["label"], a["label"])
        terms[a["taxonomy_term_id"]] = {
            "id": a["taxonomy_term_id"],
            "code": a["label"],
            "name": label,
            "description": f"Thématique data·inclusion « {label} »",
            "taxonomy": TAXONOMY,
            "language": "fr",
        }
    return {
        "organization": tables["organizations"],
        "service": tables["services"],
        "location": tables["locations"],
        "service_at_location": tables["service_at_locations"],
        "address": [a for loc in tables["locations"] for a in loc["addresses"]],
        "phone": [p for loc in tables["locations"] for p in loc["phones"]],
        "taxonomy_term": sorted(terms.values(), key=lambda t: t["code"]),
        "attribute": attributes,
        "unit": sorted(units.values(), key=lambda u: u["identifier"]),
        "service_capacity": capacities,
    }


def hsds_datapackage(*, territory: Territory, public: bool = False) -> HsdsPackage:
    """The HSDS 3.1 tabular form of :func:`hsds_export`: ``datapackage.json`` and one CSV per
    resource (written by :func:`write_table`)."""
    rows = _tabular_rows(hsds_export(territory=territory, public=public))
    files: dict[str, bytes] = {}
    resources = []
    for name, path, specs, foreign in RESOURCES:
        fields = [_field(spec) for spec in specs.split()]
        data = write_table(rows[name], columns=[(f["name"], f["name"]) for f in fields], fmt="csv")
        files[path] = data
        schema: dict[str, Any] = {"fields": fields, "primaryKey": "id"}
        if foreign:
            schema["foreignKeys"] = [
                {"fields": key, "reference": {"resource": ref, "fields": "id"}}
                for key, ref in foreign
            ]
        resources.append(
            {
                "name": name,
                "path": path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ";", "lineTerminator": "\r\n", "header": True},
                "bytes": len(data),
                "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                "schema": schema,
            }
        )
    descriptor = {
        "profile": "tabular-data-package",
        "name": f"maillage-hsds-{territory.slug}",
        "title": f"Structures et services publiés — {territory.name} (HSDS {HSDS_VERSION})",
        "description": (
            "Annuaire de la Convention Territoriale Globale au format Human Services Data "
            f"Specification {HSDS_VERSION} (Open Referral), forme tabulaire. CSV en UTF-8, "
            "séparateur « ; » ; un texte commençant par =, +, -, @ est précédé d'une "
            "apostrophe (protection contre l'injection de formules dans les tableurs)."
        ),
        "homepage": "https://docs.openreferral.org/",
        "resources": resources,
    }
    text = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
    return HsdsPackage(
        files={"datapackage.json": text.encode("utf-8"), **files},
        counts={path: len(rows[name]) for name, path, _, _ in RESOURCES},
    )


def hsds_write(*, territory: Territory, directory: Path, fmt: str = "json") -> dict[str, int]:
    """Write the HSDS tables into ``directory``: one JSON file per table (``fmt="json"``) or
    the tabular form (``fmt="csv"``: ``datapackage.json`` + CSV files). Return the row counts
    by file."""
    if fmt not in FORMATS:
        raise ValueError(f"Format « {fmt} » inconnu (json ou csv).")
    directory.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        package = hsds_datapackage(territory=territory)
        for name, data in package.files.items():
            (directory / name).write_bytes(data)
        return package.counts
    tables = hsds_export(territory=territory)
    for name, rows in tables.items():
        (directory / f"{name}.json").write_text(
            json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return {f"{name}.json": len(rows) for name, rows in tables.items()}
