"""Import of data·inclusion v1 files (``structures.json``, ``services.json``) into a territory.

Structures located (``code_insee``) in a commune outside the territory and its neighbours are
ignored and counted (a departmental export of DORA can be imported as it is).

Every record is checked against the official schema (``data-inclusion-schema``) and the
directory's rules; the structures are matched (SIRET, UAI/FINESS, producer identifier, then name
and address) so that importing the same files again changes nothing. One transaction: any
refused record means nothing is written, and the report names file, record and field.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from maillage.territory.models import Territory

from .datainclusion import (
    SERVICE_LISTS,
    SERVICE_NUMBERS,
    SERVICE_TEXT,
    STRUCTURE_TEXT,
    validate_records,
)
from .datainclusion_typology import typology_from_schema
from .jsonfile import JsonFileError, read_json_array
from .report import ImportReport
from .writer import DirectoryWriter, Where, run_import

RECORD = "enregistrement"
STRUCTURES_FILE = "structures.json"
SERVICES_FILE = "services.json"

_LABELS = {
    **{name: di for di, name in STRUCTURE_TEXT},
    **{name: di for di, name in SERVICE_TEXT},
    **{name: di for di, name in SERVICE_LISTS},
    **{name: di for di, name in SERVICE_NUMBERS},
    "name": "nom",
    "lon": "longitude",
    "lat": "latitude",
    "commune": "code_insee",
    "typology": "maillage_typologie",
    "data_updated_on": "date_maj",
    "grouped_count": "maillage_nombre_lieux",
    "source_id": "id",
    "description": "description",
}


def split_id(record: dict[str, Any], key: str = "id") -> str:
    """The producer's own identifier: ``dora--42`` with source ``dora`` gives ``42``."""
    value, source = str(record.get(key) or ""), str(record.get("source") or "")
    prefix = f"{source}--"
    return value[len(prefix) :] if source and value.startswith(prefix) else value


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(value)[:10]) if value else None


def structure_fields(record: dict[str, Any]) -> dict[str, Any]:
    """A data·inclusion structure record as :class:`Structure` field values."""
    fields: dict[str, Any] = {name: _text(record.get(di)) for di, name in STRUCTURE_TEXT}
    fields["name"] = _text(record.get("maillage_nom")) or _text(record.get("nom"))
    complement = _text(record.get("complement_adresse"))
    if complement:
        fields["address"] = ", ".join(p for p in (fields["address"], complement) if p)
    if not fields["source_url"]:
        fields["source_url"] = _text(record.get("lien_source"))
    fields["commune"] = _text(record.get("code_insee")) or None
    fields["lon"] = record.get("longitude")
    fields["lat"] = record.get("latitude")
    if fields["lon"] is None or fields["lat"] is None:
        fields["lon"] = fields["lat"] = None
        fields.pop("position_precision")
        fields.pop("position_source")
    elif fields["position_precision"] not in ("exact", "approximate"):
        fields["position_precision"] = "approximate"
    fields["data_updated_on"] = _date(record.get("date_maj"))
    # Maillage's own addition first, else what the schema's referentials say without doubt
    # (:mod:`.datainclusion_typology`); otherwise the structure stays untyped.
    fields["typology"] = (
        _text(record.get("maillage_typologie")) or typology_from_schema(record)[0] or None
    )
    fields["grouped_count"] = record.get("maillage_nombre_lieux")
    if "maillage_publiee" in record:
        fields["published"] = bool(record["maillage_publiee"])
    return {k: v for k, v in fields.items() if k in ("commune", "typology") or v is not None}


def service_fields(record: dict[str, Any]) -> dict[str, Any]:
    """A data·inclusion service record as :class:`Service` field values."""
    fields: dict[str, Any] = {name: _text(record.get(di)) for di, name in SERVICE_TEXT}
    fields["name"] = _text(record.get("maillage_nom")) or _text(record.get("nom"))
    if not record.get("maillage_description_generee"):
        fields["description"] = _text(record.get("description"))
    for di, name in SERVICE_LISTS:
        fields[name] = sorted(str(v) for v in record.get(di) or [])
    for di, name in SERVICE_NUMBERS:
        fields[name] = record.get(di)
    fields["data_updated_on"] = _date(record.get("date_maj"))
    return fields


def _read(data: bytes, filename: str, kind: str, report: ImportReport) -> list[dict[str, Any]]:
    try:
        records = read_json_array(data, filename=filename)
    except JsonFileError as exc:
        report.refuse(file=filename, row=None, field="", message=exc.detail)
        return []
    for number, field, message in validate_records(records, kind=kind, filename=filename):
        report.refuse(file=filename, row=number, field=field, message=message, row_label=RECORD)
    return records


def _extra_problems(records: list[dict[str, Any]], filename: str, report: ImportReport) -> None:
    """Check the ``maillage_`` additions' types (the schema ignores unknown fields)."""
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            continue  # already reported by the schema validation
        for key, value in record.items():
            if not key.startswith("maillage_") or value is None:
                continue
            if isinstance(value, dict | list) and key != "maillage_modes_accueil_jeune_enfant":
                report.refuse(
                    file=filename,
                    row=number,
                    field=key,
                    message="valeur simple attendue.",
                    row_label=RECORD,
                )
            elif key in {di for di, _ in SERVICE_NUMBERS} | {"maillage_nombre_lieux"} and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                report.refuse(
                    file=filename,
                    row=number,
                    field=key,
                    message="nombre attendu.",
                    row_label=RECORD,
                )


def datainclusion_import(
    *,
    territory: Territory,
    structures: bytes,
    services: bytes | None = None,
    dry_run: bool = False,
    structures_name: str = STRUCTURES_FILE,
    services_name: str = SERVICES_FILE,
) -> ImportReport:
    """Import data·inclusion structures (and their services) into ``territory``."""

    def body(report: ImportReport) -> None:
        s_records = _read(structures, structures_name, "structures", report)
        v_records = _read(services, services_name, "services", report) if services else []
        _extra_problems(s_records, structures_name, report)
        _extra_problems(v_records, services_name, report)
        if report.problems:
            return
        writer = DirectoryWriter(territory=territory, report=report, labels=_LABELS)
        perimeter = set(territory.communes.values_list("insee_code", flat=True))
        perimeter |= set(territory.neighbours.values_list("insee_code", flat=True))
        by_id, outside = {}, set()
        for number, record in enumerate(s_records, start=1):
            fields = structure_fields(record)
            if fields.get("commune") and fields["commune"] not in perimeter:
                outside.add(_text(record.get("id")))
                report.count("structures", "ignored")
                continue
            org = writer.organisation(
                _text(record.get("maillage_organisation_nom")),
                _text(record.get("maillage_organisation_nature")),
            )
            if org is not None:
                fields["organisation"] = org
            where = Where(structures_name, number, RECORD)
            structure = writer.structure(
                where=where,
                source=_text(record.get("source")),
                source_id=split_id(record),
                fields=fields,
            )
            if structure is not None:
                by_id[_text(record.get("id"))] = structure
        for number, record in enumerate(v_records, start=1):
            where = Where(services_name, number, RECORD)
            structure = by_id.get(_text(record.get("structure_id")))
            if _text(record.get("structure_id")) in outside:
                report.count("services", "ignored")
                continue
            if structure is None:
                if _text(record.get("structure_id")) not in {_text(r.get("id")) for r in s_records}:
                    writer.refuse(
                        where,
                        "structure_id",
                        f"structure « {record.get('structure_id')} » absente de "
                        f"« {structures_name} ».",
                    )
                continue
            source_id = _text(record.get("maillage_source_id")) or split_id(record)
            writer.service(
                where=where,
                structure=structure,
                source=_text(record.get("source")),
                source_id=source_id,
                fields=service_fields(record),
            )

    return run_import(dry_run=dry_run, body=body)


def datainclusion_import_dir(
    *, territory: Territory, directory: Path, dry_run: bool = False
) -> ImportReport:
    """Import ``structures.json`` and, when present, ``services.json`` from ``directory``."""
    structures_path = directory / STRUCTURES_FILE
    services_path = directory / SERVICES_FILE
    if not structures_path.is_file():
        report = ImportReport(dry_run=dry_run)
        report.refuse(
            file=STRUCTURES_FILE,
            row=None,
            field="",
            message=f"fichier absent du dossier « {directory} ».",
        )
        return report
    return datainclusion_import(
        territory=territory,
        structures=structures_path.read_bytes(),
        services=services_path.read_bytes() if services_path.is_file() else None,
        dry_run=dry_run,
    )
