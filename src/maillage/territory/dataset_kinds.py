"""File kinds of the territory app: communes, zones, 200 m cells and statistics."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from shapely.errors import GEOSException

from maillage.text import fold

from .dataset_bulk import CellRecord, _stat_values, write_cells, write_zone_statistics
from .errors import DatasetError
from .geo import geojson_to_l93
from .loader import (
    FileSpec,
    LoadContext,
    Manifest,
    commune_of,
    link_territory_communes,
    prop,
    read_csv_rows,
    read_features,
    read_json,
    register_kind,
    to_float,
    upsert,
)
from .models import Commune, Statistic, Zone


def _fields(spec: FileSpec, *required: str) -> dict[str, str]:
    fields = spec.options.get("fields") or {}
    missing = [k for k in required if k not in fields]
    if missing:
        raise DatasetError(
            "correspondance de champ manquante.",
            file="manifest.yaml",
            location=spec.path,
            field="fields." + ", fields.".join(missing),
        )
    return fields


def _geometry_l93(feature: dict, *, name: str, index: int):
    try:
        geom = geojson_to_l93(feature["geometry"])
    except (GEOSException, ValueError, TypeError, IndexError, KeyError) as exc:
        raise DatasetError(
            f"géométrie illisible ({exc}).",
            file=name,
            location=f"entité n° {index}",
            field="geometry",
        ) from exc
    if geom.is_empty:
        raise DatasetError(
            "géométrie vide.", file=name, location=f"entité n° {index}", field="geometry"
        )
    if not geom.is_valid:
        geom = geom.buffer(0)
    return geom


def slugify_key(text: str) -> str:
    return fold(text).replace(" ", "_")


# --------------------------------------------------------------------------- communes


def parse_communes(spec: FileSpec, path: Path, manifest: Manifest) -> list[dict]:
    f = _fields(spec, "code", "name")
    records = []
    for i, feat in enumerate(read_features(path, spec.path), start=1):
        code = str(prop(feat, f["code"], name=spec.path, index=i))
        if code not in manifest.perimeter_codes:
            continue
        _geometry_l93(feat, name=spec.path, index=i)
        records.append(
            {
                "code": code,
                "name": str(prop(feat, f["name"], name=spec.path, index=i)),
                "geometry": feat["geometry"],
            }
        )
    missing = manifest.perimeter_codes - {r["code"] for r in records}
    if missing:
        raise DatasetError(
            f"commune(s) du périmètre absente(s) : {', '.join(sorted(missing))}.",
            file=spec.path,
            field=f["code"],
        )
    return records


def write_communes(spec: FileSpec, records: list[dict], ctx: LoadContext) -> None:
    for r in records:
        upsert(
            ctx, Commune, {"insee_code": r["code"]}, {"name": r["name"], "boundary": r["geometry"]}
        )
    link_territory_communes(ctx)


def parse_commune_populations(spec: FileSpec, path: Path, manifest: Manifest) -> list[dict]:
    f = _fields(spec, "code", "population")
    data = read_json(path, spec.path)
    items = data.get(spec.options.get("list", ""), data) if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise DatasetError("liste attendue.", file=spec.path, field=spec.options.get("list"))
    records = []
    for i, item in enumerate(items, start=1):
        code = str(item.get(f["code"], ""))
        if code not in manifest.perimeter_codes:
            continue
        pop = to_float(
            item.get(f["population"]),
            name=spec.path,
            location=f"élément n° {i}",
            field_name=f["population"],
        )
        records.append({"code": code, "population": int(pop)})
    return records


def write_commune_populations(spec: FileSpec, records: list[dict], ctx: LoadContext) -> None:
    label = f"{spec.producer} — {spec.title}".strip(" —")
    for r in records:
        commune = Commune.objects.filter(insee_code=r["code"]).first()
        if commune is None:
            raise DatasetError("commune sans contour chargé.", file=spec.path, field=r["code"])
        upsert(
            ctx,
            Commune,
            {"pk": commune.pk},
            {
                "population": r["population"],
                "population_vintage": spec.vintage,
                "population_source": label[:300],
            },
        )


# --------------------------------------------------------------------------- zones


def parse_zones(spec: FileSpec, path: Path, manifest: Manifest) -> list[dict]:
    f = _fields(spec, "code", "name")
    kind = spec.options.get("zone_kind")
    if kind not in Zone.Kind.values:
        raise DatasetError(
            f"type de zone « {kind} » inconnu.",
            file="manifest.yaml",
            location=spec.path,
            field="zone_kind",
        )
    only = spec.options.get("only") or {}
    commune_const = spec.options.get("commune")
    records = []
    for i, feat in enumerate(read_features(path, spec.path), start=1):
        if only and str(feat["properties"].get(only["field"])) not in set(only["values"]):
            continue
        commune = str(commune_const or prop(feat, f.get("commune", ""), name=spec.path, index=i))
        if commune not in manifest.perimeter_codes:
            continue
        _geometry_l93(feat, name=spec.path, index=i)
        records.append(
            {
                "code": str(prop(feat, f["code"], name=spec.path, index=i)),
                "name": str(prop(feat, f["name"], name=spec.path, index=i)),
                "type": str(feat["properties"].get(f.get("type", ""), "") or ""),
                "commune": commune,
                "geometry": feat["geometry"],
            }
        )
    if not records:
        raise DatasetError("aucune zone du périmètre dans ce fichier.", file=spec.path)
    return records


def write_zones(spec: FileSpec, records: list[dict], ctx: LoadContext) -> None:
    kind = spec.options["zone_kind"]
    communes = {c.insee_code: c for c in Commune.objects.all()}
    for r in records:
        upsert(
            ctx,
            Zone,
            {"kind": kind, "code": r["code"]},
            {
                "name": r["name"],
                "zone_type": r["type"],
                "commune": communes.get(r["commune"]),
                "boundary": r["geometry"],
                "source": ctx.source(spec),
            },
        )


# --------------------------------------------------------------------------- cells


def parse_cells(spec: FileSpec, path: Path, manifest: Manifest) -> list[CellRecord]:
    f = _fields(spec, "id", "population", "commune")
    records = []
    for i, feat in enumerate(read_features(path, spec.path), start=1):
        commune = feat["properties"].get(f["commune"])
        if commune is None or str(commune) not in manifest.perimeter_codes:
            continue
        loc = f"entité n° {i}"
        poly = _geometry_l93(feat, name=spec.path, index=i)
        pop = to_float(
            prop(feat, f["population"], name=spec.path, index=i),
            name=spec.path,
            location=loc,
            field_name=f["population"],
        )
        if pop < 0:
            raise DatasetError(
                "population négative.", file=spec.path, location=loc, field=f["population"]
            )
        poverty = feat["properties"].get(f.get("poverty_share", ""))
        if poverty is not None:
            poverty = to_float(poverty, name=spec.path, location=loc, field_name=f["poverty_share"])
        c = poly.centroid
        records.append(
            CellRecord(
                cell_id=str(prop(feat, f["id"], name=spec.path, index=i)),
                geometry=feat["geometry"],
                x=round(c.x, 2),
                y=round(c.y, 2),
                population=pop,
                imputed=bool(feat["properties"].get(f.get("imputed", ""), 0)),
                poverty_share=poverty,
                commune=str(commune),
                polygon=poly,
            )
        )
    return records


# --------------------------------------------------------------------------- statistics


def parse_zone_statistics(spec: FileSpec, path: Path, manifest: Manifest) -> list[dict]:
    columns: dict[str, dict] = spec.options.get("columns") or {}
    code_col = spec.options.get("code_column", "")
    rows = read_csv_rows(path, spec.path, [code_col, *columns])
    records = []
    for line, row in rows:
        code = row[code_col].strip()
        if commune_of(code[:5]) not in manifest.perimeter_codes:
            continue
        for col, meta in columns.items():
            value = to_float(row[col], name=spec.path, location=f"ligne {line}", field_name=col)
            records.append({"code": code, "value": value, **meta})
    return records


def parse_commune_statistics(spec: FileSpec, path: Path, manifest: Manifest) -> list[dict]:
    o = spec.options
    values: list[dict] = o.get("values") or []
    required: list[Any] = [o.get("code_column"), o.get("category_column"), o.get("vintage_column")]
    rows = read_csv_rows(path, spec.path, [*required, *(v["column"] for v in values)])
    records = []
    for line, row in rows:
        code = row[o["code_column"]].strip()
        if code not in manifest.perimeter_codes:
            continue
        category = row[o["category_column"]].strip()
        for v in values:
            value = to_float(
                row[v["column"]], name=spec.path, location=f"ligne {line}", field_name=v["column"]
            )
            records.append(
                {
                    "code": code,
                    "key": f"{o['key_prefix']}_{slugify_key(category)}{v.get('key_suffix', '')}",
                    "label": f"{v.get('label_prefix', o['label_prefix'])} — {category}",
                    "unit": v["unit"],
                    "value": value,
                    "vintage": f"{o.get('vintage_prefix', '')}{row[o['vintage_column']].strip()}",
                }
            )
    return records


def write_commune_statistics(spec: FileSpec, records: list[dict], ctx: LoadContext) -> None:
    communes = {c.insee_code: c for c in Commune.objects.all()}
    common = _stat_values(spec, ctx)
    for r in records:
        upsert(
            ctx,
            Statistic,
            {
                "commune": communes[r["code"]],
                "key": r["key"],
                "vintage": r["vintage"],
                "source": common["source"],
            },
            {
                "label": r["label"],
                "unit": r["unit"],
                "value": r["value"],
                "theme": spec.options.get("theme", ""),
                "source_url": common["source_url"],
                "dataset": common["dataset"],
            },
        )


STAT_COLUMNS = (
    "subject",
    "key",
    "label",
    "theme",
    "value",
    "unit",
    "vintage",
    "source",
    "source_url",
    "note",
)


def parse_statistics(spec: FileSpec, path: Path, manifest: Manifest) -> list[dict]:
    records = []
    for line, row in read_csv_rows(path, spec.path, STAT_COLUMNS):
        loc = f"ligne {line}"
        for col in ("subject", "key", "label", "unit", "vintage", "source"):
            if not row[col].strip():
                raise DatasetError("valeur manquante.", file=spec.path, location=loc, field=col)
        subject = row["subject"].strip()
        if not (
            subject == "territory" or re.fullmatch(r"(commune:\d[\dAB]\d{3}|zone:\w+:\w+)", subject)
        ):
            raise DatasetError(
                f"sujet « {subject} » invalide (territory, commune:CODE ou zone:TYPE:CODE).",
                file=spec.path,
                location=loc,
                field="subject",
            )
        records.append(
            {
                **{c: row[c].strip() for c in STAT_COLUMNS},
                "value": to_float(row["value"], name=spec.path, location=loc, field_name="value"),
                "line": line,
            }
        )
    return records


def write_statistics(spec: FileSpec, records: list[dict], ctx: LoadContext) -> None:
    """Upsert the file's figures, then delete the figures this file wrote before and no longer
    gives (a corrected vintage or source must not leave the old figure beside the new one);
    figures entered by hand (no file) are never touched."""
    written: set[int] = set()
    for r in records:
        subject: dict[str, Any] = {"territory": ctx.territory}
        if r["subject"].startswith("commune:"):
            subject = {"commune": Commune.objects.filter(insee_code=r["subject"][8:]).first()}
        elif r["subject"].startswith("zone:"):
            _, kind, code = r["subject"].split(":")
            subject = {"zone": Zone.objects.filter(kind=kind, code=code).first()}
        if None in subject.values():
            raise DatasetError(
                f"sujet « {r['subject']} » introuvable.",
                file=spec.path,
                location=f"ligne {r['line']}",
                field="subject",
            )
        stat = upsert(
            ctx,
            Statistic,
            {**subject, "key": r["key"], "vintage": r["vintage"], "source": r["source"]},
            {
                "label": r["label"],
                "theme": r["theme"],
                "value": r["value"],
                "unit": r["unit"],
                "source_url": r["source_url"],
                "note": r["note"],
                "dataset": ctx.source(spec),
            },
        )
        written.add(stat.pk)
    dataset = ctx.source(spec)
    if dataset is not None:
        for stale in Statistic.objects.filter(dataset=dataset).exclude(pk__in=written):
            stale.delete()
            ctx.count(Statistic, "supprimé")


def _parse_reference(spec: FileSpec, path: Path, manifest: Manifest) -> None:
    if not path.is_file():
        raise DatasetError("fichier introuvable.", file=spec.path)


def _write_nothing(spec: FileSpec, records: Any, ctx: LoadContext) -> None:
    return None


register_kind("communes", parse=parse_communes, write=write_communes, order=10)
register_kind(
    "commune_populations",
    parse=parse_commune_populations,
    write=write_commune_populations,
    order=11,
)
register_kind("zones", parse=parse_zones, write=write_zones, order=20)
register_kind("cells", parse=parse_cells, write=write_cells, order=30)
register_kind("zone_statistics", parse=parse_zone_statistics, write=write_zone_statistics, order=40)
register_kind(
    "commune_statistics", parse=parse_commune_statistics, write=write_commune_statistics, order=40
)
register_kind("statistics", parse=parse_statistics, write=write_statistics, order=41)
register_kind("reference", parse=_parse_reference, write=_write_nothing, order=99)
