"""HSDS 3.0 (Open Referral) export: organizations, services, locations, service_at_locations.

Mapping: a Maillage *structure* is an HSDS *location* (a physical place); its organisation is the
HSDS *organization* (a structure without known organisation is its own organization, named like
it); each service is an HSDS *service* of that organization, offered at the location through a
*service_at_location*. Identifiers are stable UUIDs derived (uuid5) from Maillage's own ids, so
two exports of the same data give the same ids.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from maillage.directory.models import Service, Structure
from maillage.territory.models import Territory

NAMESPACE = uuid.UUID("0f6b7c52-5a3e-4d0a-9a57-6d61696c6c61")  # fixed namespace of Maillage
HSDS_VERSION = "3.0"
TABLES = ("organizations", "services", "locations", "service_at_locations")


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "|".join(parts)))


def hsds_export(*, territory: Territory) -> dict[str, list[dict[str, Any]]]:
    """The published structures and services of ``territory`` as HSDS 3.0 tables."""
    structures = list(
        Structure.objects.filter(territory=territory, published=True)
        .select_related("organisation", "commune", "typology")
        .order_by("source", "source_id")
    )
    services = list(
        Service.objects.filter(structure__in=structures, published=True).order_by(
            "structure__source", "structure__source_id", "source", "source_id"
        )
    )
    organizations: dict[str, dict[str, Any]] = {}
    locations, by_structure = [], {}
    for s in structures:
        if s.organisation_id:
            org_id = _uuid("organisation", s.organisation.slug)
            org_name, org_url = s.organisation.name, s.organisation.website
        else:
            org_id = _uuid("structure-organisation", s.data_inclusion_id)
            org_name, org_url = s.name, s.website
        organizations.setdefault(
            org_id,
            {
                "id": org_id,
                "name": org_name,
                "description": s.organisation.get_kind_display()
                if s.organisation_id
                else (s.typology.label if s.typology_id else s.name),
                "website": org_url or None,
                "email": None,
                "tax_id": (s.organisation.siret if s.organisation_id else "") or None,
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
                        "city": s.commune.name if s.commune_id else "",
                        "region": "",
                        "state_province": "",
                        "postal_code": s.postcode,
                        "country": "FR",
                    }
                ]
                if s.address
                else [],
                "phones": [{"id": _uuid("phone", s.data_inclusion_id), "number": s.phone}]
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
    return {
        "organizations": list(organizations.values()),
        "services": hsds_services,
        "locations": locations,
        "service_at_locations": links,
    }


def hsds_write(*, territory: Territory, directory: Path) -> dict[str, int]:
    """Write one JSON file per HSDS table into ``directory``; return the row counts."""
    tables = hsds_export(territory=territory)
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        (directory / f"{name}.json").write_text(
            json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return {name: len(rows) for name, rows in tables.items()}
