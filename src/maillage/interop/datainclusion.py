"""data·inclusion v1: export of a territory's structures and services, and import of such files.

The export writes ``structures.json`` and ``services.json`` (JSON arrays) that validate against
the official schema (PyPI package ``data-inclusion-schema``, module ``data_inclusion.schema.v1``).
Our additions are extra fields prefixed with ``maillage_`` (never renamings of schema fields).

The import reads such files (exports of Maillage, DORA, Soliguide…), validates every record with
the same schema and with the directory's own rules, matches existing structures (see
:mod:`maillage.interop.matching`) and writes everything in one transaction, or nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from data_inclusion.schema import v1 as schema
from django.utils import timezone
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError

from maillage.directory.models import Service, Structure
from maillage.directory.summaries import public_provenance
from maillage.territory.models import Territory

from .jsonfile import JsonFileError, read_json_array

SCHEMA_VERSION = "data-inclusion-schema v1"
NAME_MAX = 150
EXTRA_PREFIX = "maillage_"

# (data·inclusion field, Structure field) copied as text both ways
STRUCTURE_TEXT = (
    ("description", "description"),
    ("siret", "siret"),
    ("code_postal", "postcode"),
    ("adresse", "address"),
    ("telephone", "phone"),
    ("courriel", "email"),
    ("site_web", "website"),
    ("horaires_accueil", "opening_hours"),
    ("accessibilite_lieu", "acceslibre_url"),
    ("maillage_secteur", "sector"),
    ("maillage_uai", "uai"),
    ("maillage_finess", "finess"),
    ("maillage_precision_position", "position_precision"),
    ("maillage_source_position", "position_source"),
    ("maillage_source_libelle", "source_label"),
    ("maillage_source_url", "source_url"),
    ("maillage_note", "note"),
)
SERVICE_TEXT = (
    ("type", "type"),
    ("frais", "frais"),
    ("frais_precisions", "frais_precisions"),
    ("publics_precisions", "publics_precisions"),
    ("conditions_acces", "conditions_acces"),
    ("mobilisation_precisions", "mobilisation_precisions"),
    ("horaires_accueil", "opening_hours"),
    ("maillage_source_libelle", "source_label"),
    ("maillage_note", "note"),
)
SERVICE_LISTS = (
    ("thematiques", "thematiques"),
    ("publics", "publics"),
    ("modes_accueil", "modes_accueil"),
    ("zone_eligibilite", "zone_eligibilite"),
    ("modes_mobilisation", "modes_mobilisation"),
    ("mobilisable_par", "mobilisable_par"),
    ("maillage_modes_accueil_jeune_enfant", "childcare_modes"),
)
SERVICE_NUMBERS = (
    ("maillage_age_min", "age_min"),
    ("maillage_age_max", "age_max"),
    ("maillage_capacite", "capacity"),
    ("maillage_places_ouvertes_exterieurs", "places_open_to_public"),
    ("maillage_places_insertion", "insertion_places"),
)

_PYDANTIC_FR = {
    "missing": "champ obligatoire manquant.",
    "string_too_short": "texte trop court (au moins {min_length} caractères).",
    "string_too_long": "texte trop long (au plus {max_length} caractères).",
    "too_short": "liste vide : au moins {min_length} valeur attendue.",
    "string_pattern_mismatch": "format invalide.",
    "string_type": "texte attendu.",
    "float_parsing": "nombre attendu.",
    "float_type": "nombre attendu.",
    "int_parsing": "nombre entier attendu.",
    "date_from_datetime_parsing": "date attendue (AAAA-MM-JJ).",
    "date_parsing": "date attendue (AAAA-MM-JJ).",
    "date_type": "date attendue (AAAA-MM-JJ).",
    "enum": "valeur inconnue du référentiel data·inclusion.",
    "url_parsing": "adresse web invalide.",
    "url_scheme": "adresse web invalide (http ou https attendu).",
    "value_error": "valeur invalide.",
    "literal_error": "valeur inconnue.",
    "list_type": "liste attendue.",
    "set_type": "liste attendue.",
    "greater_than_equal": "valeur trop petite.",
}


def schema_problems(error: PydanticError) -> list[tuple[str, str]]:
    """(field, French message) pairs of a data·inclusion schema validation error."""
    out = []
    for item in error.errors(include_url=False):
        loc = ".".join(str(p) for p in item.get("loc", ())) or "enregistrement"
        template = _PYDANTIC_FR.get(item.get("type", ""))
        if template is None:
            message = f"valeur refusée par le schéma data·inclusion ({item.get('msg', '')})."
        else:
            message = template.format(**(item.get("ctx") or {}))
        if item.get("type") == "value_error" and item.get("ctx", {}).get("error"):
            message = f"valeur invalide : {item['ctx']['error']}"
        out.append((loc, message))
    return out


# --------------------------------------------------------------------------- export


@dataclass
class DataInclusionExport:
    """Records ready to be written as JSON, and the values left out because the schema refused
    them (field, record id, reason) — nothing is silently lost."""

    structures: list[dict[str, Any]]
    services: list[dict[str, Any]]
    omitted: list[str] = field(default_factory=list)


def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _date_maj(obj: Structure | Service) -> str:
    if obj.data_updated_on and dt.date(2000, 1, 1) <= obj.data_updated_on <= dt.date.today():
        return obj.data_updated_on.isoformat()
    return timezone.localdate(obj.updated_at).isoformat()


def _drop_refused(
    record: dict[str, Any], model: type[BaseModel], kind: str, omitted: list[str]
) -> dict[str, Any]:
    """Validate ``record``; a refused optional field is set to null and listed in ``omitted``."""
    for _ in range(len(record)):
        try:
            model.model_validate(record)
            return record
        except PydanticError as exc:
            fields = {str(e["loc"][0]) for e in exc.errors() if e.get("loc")}
            optional = [
                f for f in fields if f in record and not model.model_fields[f].is_required()
            ]
            if not optional:
                raise
            for name in optional:
                omitted.append(f"{kind} {record['id']} : « {name} » omis ({record[name]!r}).")
                record[name] = None
    return record


def structure_record(s: Structure, *, public: bool = False) -> dict[str, Any]:
    """One structure as a data·inclusion v1 record (plus ``maillage_`` additions); ``public``:
    the clean source line and no internal note (what the open API serves)."""
    record: dict[str, Any] = {
        "source": s.source,
        "id": s.data_inclusion_id,
        "nom": s.name[:NAME_MAX],
        "date_maj": _date_maj(s),
        "lien_source": None,
        "commune": s.commune.name if s.commune is not None else None,
        "code_insee": s.commune.insee_code if s.commune is not None else None,
        "complement_adresse": None,
        "longitude": s.lon,
        "latitude": s.lat,
        "reseaux_porteurs": None,
    }
    shown = (
        public_provenance({"public_source": s.public_source, "source_label": s.source_label})
        if public
        else {}
    )
    for di_name, name in STRUCTURE_TEXT:
        record[di_name] = _text(shown[name] if name in shown else getattr(s, name))
    if record["description"] and len(record["description"]) < 5:
        record["description"] = None
    urls = [u.strip() for u in (s.source_url or "").split("|") if u.strip()]
    record["lien_source"] = urls[0] if urls else None
    record.update(
        {
            "maillage_nom": s.name if len(s.name) > NAME_MAX else None,
            "maillage_typologie": s.typology.code if s.typology is not None else None,
            "maillage_typologie_libelle": s.typology.label if s.typology is not None else None,
            "maillage_theme_ctg": s.typology.theme if s.typology is not None else None,
            "maillage_organisation_nom": s.organisation.name
            if s.organisation is not None
            else None,
            "maillage_organisation_nature": s.organisation.kind
            if s.organisation is not None
            else None,
            "maillage_nombre_lieux": s.grouped_count,
        }
    )
    return record


def service_record(sv: Service, ids: dict[int, str]) -> dict[str, Any]:
    """One service as a data·inclusion v1 record; ``ids`` gives each service's unique id."""
    s = sv.structure
    generated = not (sv.description and len(sv.description.strip()) >= 5)
    record: dict[str, Any] = {
        "source": sv.source,
        "structure_id": s.data_inclusion_id,
        "id": ids[sv.pk],
        "nom": sv.name[:NAME_MAX],
        "description": f"{sv.name} — {s.name}" if generated else sv.description,
        "lien_source": None,
        "date_maj": _date_maj(sv),
        "commune": s.commune.name if s.commune is not None else None,
        "code_postal": _text(s.postcode),
        "code_insee": s.commune.insee_code if s.commune is not None else None,
        "adresse": _text(s.address),
        "complement_adresse": None,
        "longitude": s.lon,
        "latitude": s.lat,
        "telephone": _text(s.phone),
        "courriel": _text(s.email),
        "contact_nom_prenom": None,
        "lien_mobilisation": None,
        "volume_horaire_hebdomadaire": None,
        "nombre_semaines": None,
    }
    for di_name, name in SERVICE_TEXT:
        record[di_name] = _text(getattr(sv, name))
    for di_name, name in SERVICE_LISTS:
        record[di_name] = sorted(getattr(sv, name) or []) or None
    for di_name, name in SERVICE_NUMBERS:
        record[di_name] = getattr(sv, name)
    record["maillage_source_id"] = sv.source_id
    record["maillage_description_generee"] = generated
    record["maillage_nom"] = sv.name if len(sv.name) > NAME_MAX else None
    return record


def datainclusion_export(*, territory: Territory, public: bool = False) -> DataInclusionExport:
    """The published structures and services of ``territory`` as data·inclusion v1 records.

    ``public`` (the open API): without the CTG's declared-only supply nor internal notes; the
    default (command line, round trips) keeps both."""
    queryset = Structure.objects.filter(territory=territory, published=True)
    if public:
        queryset = queryset.filter(declared_only=False)
    structures = list(
        queryset.select_related("commune", "typology", "organisation").order_by(
            "source", "source_id"
        )
    )
    services = list(
        Service.objects.filter(structure__in=structures, published=True)
        .select_related("structure__commune")
        .order_by("structure__source", "structure__source_id", "source", "source_id")
    )
    ids: dict[int, str] = {}
    seen: set[str] = set()
    for sv in services:
        candidate = f"{sv.source}--{sv.source_id}"
        if candidate in seen:
            candidate = f"{sv.source}--{sv.structure.source_id}--{sv.source_id}"
        seen.add(candidate)
        ids[sv.pk] = candidate
    omitted: list[str] = []
    return DataInclusionExport(
        structures=[
            _drop_refused(
                structure_record(s, public=public), schema.Structure, "structure", omitted
            )
            for s in structures
        ],
        services=[
            _drop_refused(service_record(sv, ids), schema.Service, "service", omitted)
            for sv in services
        ],
        omitted=omitted,
    )


def dumps(records: list[dict[str, Any]]) -> bytes:
    return (json.dumps(records, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def datainclusion_write(*, territory: Territory, directory: Path) -> DataInclusionExport:
    """Write ``structures.json`` and ``services.json`` into ``directory`` (created if needed)."""
    export = datainclusion_export(territory=territory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "structures.json").write_bytes(dumps(export.structures))
    (directory / "services.json").write_bytes(dumps(export.services))
    return export


def validate_records(records: list[Any], *, kind: str, filename: str) -> list[tuple[int, str, str]]:
    """(record number, field, French message) for each record refused by the official schema."""
    model = schema.Structure if kind == "structures" else schema.Service
    problems = []
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            problems.append((number, "", "un objet JSON est attendu."))
            continue
        try:
            model.model_validate(record)
        except PydanticError as exc:
            problems += [(number, f, m) for f, m in schema_problems(exc)]
    return problems


def read_records(data: bytes, *, filename: str) -> list[Any]:
    """Read a JSON array (or JSON lines) of records; :class:`JsonFileError` in French if not."""
    return read_json_array(data, filename=filename)


__all__ = [
    "DataInclusionExport",
    "JsonFileError",
    "datainclusion_export",
    "datainclusion_write",
    "read_records",
    "schema_problems",
    "validate_records",
]
