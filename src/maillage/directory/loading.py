"""Merge the structure files of a dataset and write them (typologies, organisations,
structures, services, zones, search text).

Each directory file kind parses its file into :class:`StructureRecord` objects (see
:mod:`maillage.directory.dataset_kinds`). Records describing the same place (same UAI or FINESS)
are merged: for each field the record of the highest ``priority`` (the official source) that has a
value wins; the position is taken whole from the best record that has one. The writes are
upserts on natural keys, so that loading twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from maillage.territory.errors import DatasetError
from maillage.territory.loader import FileSpec, LoadContext, upsert
from maillage.territory.models import Commune

from .derived import ZoneIndex, position_fields, structure_derived, structures_refreshed
from .models import CtgTheme, Organisation, Service, Structure, Typology
from .validation import validate_service, validate_structure
from .vocabulary import PUBLICS, THEMATIQUES

TYPOLOGY_FILE = Path(__file__).resolve().parent / "typology.yaml"
DIRECTORY_KINDS: set[str] = set()

# Merging records of one place: the position is taken whole from the best record that has one;
# each of the other fields from the best record that has a value for it.
POSITION_FIELDS = ("lon", "lat", "position_precision", "position_source")
MERGED_FIELDS = (
    "name",
    "typology",
    "sector",
    "description",
    "address",
    "postcode",
    "commune",
    "opening_hours",
    "phone",
    "email",
    "website",
    "acceslibre_url",
    "uai",
    "siret",
    "finess",
    "data_updated_on",
    "grouped_count",
)


@dataclass
class StructureRecord:
    """One structure as read in one file (``fields`` keyed like :class:`Structure`)."""

    key: str  # identity across files: uai:…, finess:… or source:source_id
    priority: int  # higher wins when merging (official sources first)
    file: str
    location: str
    source: str
    source_id: str
    source_label: str
    source_url: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    organisation: dict[str, str] | None = None  # {"name", "kind", "siret"}
    services: list[dict[str, Any]] = field(default_factory=list)
    public_source: str = ""  # the clean source line shown to the public
    declared_only: bool = False  # declared by the CTG without a name: no public fiche


@dataclass(frozen=True)
class SameAs:
    """A dataset rule (``kind: structure_duplicates``): record ``record`` is the same place as
    record ``target`` (keys as the loader names them: ``ctg:creche-municipale``,
    ``sources-web:…``, ``uai:…``). The two are merged into one fiche, the target's identity
    and fields first, both provenances kept."""

    record: str
    target: str
    reason: str
    file: str
    location: str


def apply_same_as(records: list[StructureRecord], rules: list[SameAs]) -> None:
    """Give each duplicate the key of the record it is the same place as (in place), just
    below the target's priority so that the target's identity and fields win the merge."""
    by_key: dict[str, list[StructureRecord]] = {}
    for r in records:
        by_key.setdefault(r.key, []).append(r)
    for rule in rules:
        for ref, column in ((rule.record, "fiche"), (rule.target, "meme_lieu_que")):
            if ref not in by_key:
                raise DatasetError(
                    f"aucune fiche « {ref} » dans les fichiers de structures du jeu de données.",
                    file=rule.file,
                    location=rule.location,
                    field=column,
                )
        if rule.record == rule.target:
            raise DatasetError(
                "une fiche ne peut être déclarée en double d'elle-même.",
                file=rule.file,
                location=rule.location,
                field="meme_lieu_que",
            )
        floor = min(r.priority for r in by_key[rule.target]) - 1
        for r in by_key.pop(rule.record):
            r.key = rule.target
            r.priority = min(r.priority, floor)
            r.notes.append(f"Même lieu que la fiche « {rule.target} » : {rule.reason}")
            by_key[rule.target].append(r)


# --------------------------------------------------------------------------- typologies


def read_typologies(path: Path = TYPOLOGY_FILE) -> list[dict[str, Any]]:
    """Read and validate ``typology.yaml``."""
    name = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DatasetError("fichier de typologie illisible.", file=name) from exc
    entries = (data or {}).get("typologies")
    if not isinstance(entries, list) or not entries:
        raise DatasetError("liste « typologies » absente.", file=name)
    themes = {c.value for c in CtgTheme}
    seen: set[str] = set()
    for i, entry in enumerate(entries, start=1):
        loc = f"typologie n° {i}"
        for key in ("code", "label", "theme"):
            if not entry.get(key):
                raise DatasetError("valeur manquante.", file=name, location=loc, field=key)
        if entry["code"] in seen:
            raise DatasetError("code en double.", file=name, location=loc, field="code")
        seen.add(entry["code"])
        if entry["theme"] not in themes:
            raise DatasetError(
                f"thème « {entry['theme']} » inconnu.", file=name, location=loc, field="theme"
            )
        unknown = [t for t in entry.get("thematiques") or [] if t not in THEMATIQUES]
        if unknown:
            raise DatasetError(
                f"thématique(s) data·inclusion inconnue(s) : {', '.join(unknown)}.",
                file=name,
                location=loc,
                field="thematiques",
            )
        unknown = [p for p in entry.get("publics") or [] if p not in PUBLICS]
        if unknown:
            raise DatasetError(
                f"public(s) data·inclusion inconnu(s) : {', '.join(unknown)}.",
                file=name,
                location=loc,
                field="publics",
            )
        lo, hi = entry.get("age_min"), entry.get("age_max")
        if lo is not None and hi is not None and lo >= hi:
            raise DatasetError("tranche d'âge inversée.", file=name, location=loc, field="age_max")
    return entries


def write_typologies(ctx: LoadContext) -> dict[str, Typology]:
    result = {}
    for position, entry in enumerate(read_typologies(), start=1):
        result[entry["code"]] = upsert(
            ctx,
            Typology,
            {"code": entry["code"]},
            {
                "label": entry["label"],
                "family": entry.get("family") or "",
                "theme": entry["theme"],
                "thematiques": list(entry.get("thematiques") or []),
                "publics": list(entry.get("publics") or []),
                "age_min": entry.get("age_min"),
                "age_max": entry.get("age_max"),
                "childcare": bool(entry.get("childcare")),
                "keywords": str(entry.get("keywords") or ""),
                "position": position,
            },
        )
    return result


# --------------------------------------------------------------------------- validation


def check_record(record: StructureRecord, typology_codes: set[str]) -> None:
    """Validate a record like a form would; raise :class:`DatasetError` naming the field."""
    f = record.fields
    code = f.get("typology")
    if code and code not in typology_codes:
        raise DatasetError(
            f"typologie « {code} » inconnue (voir typology.yaml).",
            file=record.file,
            location=record.location,
            field="typology",
        )
    values = {k: v for k, v in f.items() if k not in ("typology", "commune")}
    try:
        validate_structure(Structure(**values))
        for sv in record.services:
            validate_service(Service(**sv["fields"]))
    except ValidationError as exc:
        field_name, messages = next(iter(exc.message_dict.items()))
        raise DatasetError(
            " ".join(messages), file=record.file, location=record.location, field=field_name
        ) from exc


# --------------------------------------------------------------------------- merge


def merge(records: list[StructureRecord]) -> list[StructureRecord]:
    """Merge records sharing a key; keep the first-seen order of keys."""
    groups: dict[str, list[StructureRecord]] = {}
    for r in records:
        groups.setdefault(r.key, []).append(r)
    merged = []
    for group in groups.values():
        group = sorted(group, key=lambda r: -r.priority)
        best = group[0]
        out = StructureRecord(
            key=best.key,
            priority=best.priority,
            file=best.file,
            location=best.location,
            source=best.source,
            source_id=best.source_id,
            source_label=" ; ".join(dict.fromkeys(r.source_label for r in group))[:300],
            source_url=" | ".join(dict.fromkeys(r.source_url for r in group if r.source_url))[
                :1000
            ],
            organisation=next((r.organisation for r in group if r.organisation), None),
            public_source=" ; ".join(
                dict.fromkeys(r.public_source for r in group if r.public_source)
            )[:300],
            declared_only=all(r.declared_only for r in group),
        )
        for name in MERGED_FIELDS:
            value = next(
                (r.fields[name] for r in group if r.fields.get(name) not in (None, "")), None
            )
            if value is not None:
                out.fields[name] = value
        located = next((r for r in group if r.fields.get("lon") is not None), None)
        if located:
            out.fields.update({k: located.fields.get(k) for k in POSITION_FIELDS})
        for r in group:
            out.notes += [n for n in r.notes if n and n not in out.notes]
            out.services += r.services
        merged.append(out)
    return merged


# --------------------------------------------------------------------------- write


def _organisation(ctx: LoadContext, data: dict[str, str] | None) -> Organisation | None:
    if not data:
        return None
    return upsert(
        ctx,
        Organisation,
        {"slug": slugify(data["name"])[:100]},
        {
            "name": data["name"],
            "kind": data.get("kind") or Organisation.Kind.AUTRE,
            "siret": data.get("siret", ""),
            "website": data.get("website", ""),
        },
    )


def _slugs(ctx: LoadContext, records: list[StructureRecord]) -> list[str]:
    """Readable slugs, stable from one load to the next, unique in the territory."""
    taken = {
        slug: (source, source_id)
        for slug, source, source_id in Structure.objects.filter(
            territory=ctx.territory
        ).values_list("slug", "source", "source_id")
    }
    slugs: list[str] = []
    for r in records:
        base = slugify(r.fields.get("name", ""))[:100] or slugify(r.source_id)
        slug = base
        owner = taken.get(slug)
        if slug in slugs or (owner is not None and owner != (r.source, r.source_id)):
            slug = f"{base}-{slugify(r.source_id)}"[:120]
        slugs.append(slug)
    return slugs


def _delete_stale(ctx: LoadContext, merged: list[StructureRecord]) -> None:
    """Remove the structures and services that these files produced before and no longer do
    (records of other sources — user entries, imports — are never touched)."""
    kept = {(r.source, r.source_id) for r in merged}
    sources = {r.source for r in merged}
    for s in Structure.objects.filter(territory=ctx.territory, source__in=sources):
        if (s.source, s.source_id) not in kept:
            s.delete()
            ctx.count(Structure, "supprimé")
    for r in merged:
        wanted = {(sv["source"], sv["source_id"]) for sv in r.services}
        service_sources = {r.source} | {src for src, _ in wanted}
        stale = Service.objects.filter(
            structure__territory=ctx.territory,
            structure__source=r.source,
            structure__source_id=r.source_id,
            source__in=service_sources,
        )
        for sv in stale:
            if (sv.source, sv.source_id) not in wanted:
                sv.delete()
                ctx.count(Service, "supprimé")


def write_records(
    ctx: LoadContext, records: Sequence[StructureRecord | SameAs], dataset_of: dict
) -> None:
    """Write merged records (typologies first), the duplicates rules (:class:`SameAs`)
    applied. ``dataset_of`` maps a file to its source."""
    if ctx.territory is None:  # the manifest's territory is loaded before any file
        raise DatasetError("aucun territoire chargé avant l'annuaire.")
    # Typologies and organisations are shared by every territory: what this load changes in
    # them (a label, ages, publics, a name) is reindexed and versioned for the others too.
    typologies_before = {t.pk: _shared_values(t) for t in Typology.objects.all()}
    organisations_before = dict(Organisation.objects.values_list("pk", "name"))
    typologies = write_typologies(ctx)
    communes = {c.insee_code: c for c in Commune.objects.all()}
    zones = ZoneIndex(ctx.territory)
    rules = [r for r in records if isinstance(r, SameAs)]
    structures = [r for r in records if not isinstance(r, SameAs)]
    apply_same_as(structures, rules)
    merged = merge(structures)
    _delete_stale(ctx, merged)
    for record, slug in zip(merged, _slugs(ctx, merged), strict=True):
        f = dict(record.fields)
        lon, lat = f.get("lon"), f.get("lat")
        values = {
            **{k: f.get(k, "") for k in MERGED_FIELDS if k not in ("typology", "commune")},
            "slug": slug,
            "typology": typologies.get(f.get("typology") or ""),
            "commune": communes.get(f.get("commune") or ""),
            "organisation": _organisation(ctx, record.organisation),
            "lon": lon,
            "lat": lat,
            **position_fields(lon, lat, f.get("position_precision") or ""),
            "position_source": f.get("position_source") or "",
            "source_label": record.source_label,
            "source_url": record.source_url,
            "note": "\n".join(record.notes),
            "public_source": record.public_source,
            "declared_only": record.declared_only,
            "dataset": dataset_of.get(record.file),
        }
        for k in ("data_updated_on", "grouped_count"):
            values[k] = f.get(k)
        structure = upsert(
            ctx,
            Structure,
            {"territory": ctx.territory, "source": record.source, "source_id": record.source_id},
            values,
        )
        for sv in record.services:
            upsert(
                ctx,
                Service,
                {"structure": structure, "source": sv["source"], "source_id": sv["source_id"]},
                sv["fields"],
            )
        # Zones and search text; load_dataset bumps the territory's data version once.
        if structure_derived(structure, place=True, index=zones).zones:
            ctx.count(Structure, "zones mises à jour")
    changed_typologies = [
        t.pk
        for t in typologies.values()
        if typologies_before.get(t.pk, _shared_values(t)) != _shared_values(t)
    ]
    changed_organisations = [
        pk
        for pk, name in Organisation.objects.filter(pk__in=organisations_before).values_list(
            "pk", "name"
        )
        if organisations_before[pk] != name
    ]
    if changed_typologies or changed_organisations:
        with structures_refreshed(
            typology_ids=changed_typologies, organisation_ids=changed_organisations
        ):
            pass  # the other territories' structures: search text again, data version bumped


def _shared_values(typology: Typology) -> tuple[object, ...]:
    """What the search and the cards read of a typology."""
    return (
        typology.label,
        typology.family,
        typology.theme,
        tuple(typology.thematiques or ()),
        tuple(typology.publics or ()),
        typology.age_min,
        typology.age_max,
        typology.keywords,
    )


def accumulate(spec: FileSpec, records: list[StructureRecord], ctx: LoadContext) -> None:
    """Collect the records of each directory file; write everything after the last one."""
    pending: dict[str, list[StructureRecord]] = ctx.__dict__.setdefault("directory_records", {})
    pending[spec.path] = records
    expected = [s.path for s in ctx.manifest.files if s.kind in DIRECTORY_KINDS]
    if set(expected) <= set(pending):
        everything = [r for path in expected for r in pending[path]]
        write_records(ctx, everything, {path: ctx.sources.get(path) for path in expected})
