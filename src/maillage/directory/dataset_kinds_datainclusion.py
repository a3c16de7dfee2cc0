"""``datainclusion``: structures (and their services) of a data·inclusion export.

The manifest entry names the structures file (a JSON list, schema ``data-inclusion-schema`` v1)
and, in its ``services`` option, the services file (listed in the manifest too, as a
``reference`` entry with its own source and licence). Records are read with the functions of
``maillage import datainclusion`` (:mod:`maillage.interop.datainclusion_import`), checked
against the official schema, and merged with the other directory files like them: a structure's
identity is its producer and identifier (``source`` and ``id``), or its UAI/FINESS when it has
one. Only the structures of the manifest's communes and neighbours are kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from maillage.territory.errors import DatasetError
from maillage.territory.loader import FileSpec, Manifest, commune_of, read_json, register_kind

from .dataset_kinds import _finish, _label, _public_label
from .loading import DIRECTORY_KINDS, StructureRecord, accumulate

RECORD = "enregistrement"


def _records(path: Path, name: str, kind: str) -> list[dict[str, Any]]:
    from maillage.interop.datainclusion import validate_records

    data = read_json(path, name)
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data = data["items"]
    if not isinstance(data, list):
        raise DatasetError("liste JSON d'enregistrements attendue.", file=name)
    problems = validate_records(data, kind=kind, filename=name)
    if problems:
        number, field, message = problems[0]
        raise DatasetError(
            message, file=name, location=f"{RECORD} n° {number}", field=field or None
        )
    return data


def parse_datainclusion(spec: FileSpec, path: Path, manifest: Manifest) -> list[StructureRecord]:
    from maillage.interop.datainclusion_import import service_fields, split_id, structure_fields

    structures = _records(path, spec.path, "structures")
    services: dict[str, list[dict[str, Any]]] = {}
    services_name = str(spec.options.get("services") or "")
    if services_name:
        services_path = manifest.directory / services_name
        if not services_path.is_file():
            raise DatasetError("fichier introuvable.", file=services_name)
        for record in _records(services_path, services_name, "services"):
            services.setdefault(str(record.get("structure_id")), []).append(record)
    records = []
    for number, record in enumerate(structures, start=1):
        commune = commune_of(str(record.get("code_insee") or ""))
        if commune not in manifest.perimeter_codes:
            continue
        fields = structure_fields(record)
        fields["commune"] = commune
        source, source_id = str(record.get("source") or "datainclusion"), split_id(record)
        uai, finess = fields.get("uai"), fields.get("finess")
        key = f"uai:{uai}" if uai else f"finess:{finess}" if finess else f"{source}:{source_id}"
        records.append(
            StructureRecord(
                key=key,
                priority=int(spec.options.get("priority", 15)),
                file=spec.path,
                location=f"{RECORD} n° {number}",
                source=source,
                source_id=source_id,
                source_label=_label(spec),
                source_url=str(record.get("lien_source") or spec.source_url),
                fields=fields,
                notes=[f"Structure de l'export data·inclusion (source « {source} »)."],
                public_source=_public_label(spec),
                services=[
                    {
                        "source": str(sv.get("source") or source),
                        "source_id": split_id(sv),
                        "fields": service_fields(sv),
                    }
                    for sv in services.get(str(record.get("id")), [])
                ],
            )
        )
    return _finish(records)


DIRECTORY_KINDS.add("datainclusion")
register_kind("datainclusion", parse=parse_datainclusion, write=accumulate, order=60)
