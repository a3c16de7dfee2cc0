"""Bulk writers of the territory's large file kinds: 200 m cells with their zone shares, and
zone statistics. A métropole has ~10 000 cells, ~15 000 shares and ~5 000 figures: written one
query per row, they took most of its load. Rows are read once, then created and updated by
batches; the counts are those of :func:`maillage.territory.loader.upsert` (« créé »,
« modifié », « inchangé »), so that reloading still reports nothing changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely import STRtree

from .errors import DatasetError
from .geo import geojson_to_l93
from .loader import FileSpec, LoadContext
from .models import CellZone, Commune, PopulationCell, Statistic, Zone


@dataclass
class CellRecord:
    cell_id: str
    geometry: dict
    x: float
    y: float
    population: float
    imputed: bool
    poverty_share: float | None
    commune: str
    polygon: Any


def write_cells(spec: FileSpec, records: list[CellRecord], ctx: LoadContext) -> None:
    """Upsert the cells and their zone shares in bulk (a métropole has ~10 000 cells and
    ~15 000 shares: one query per row took most of its load time); counted like :func:`upsert`."""
    communes = {c.insee_code: c.pk for c in Commune.objects.all()}
    source = ctx.source(spec)
    ids = [r.cell_id for r in records]
    existing = {
        c.cell_id: c
        for chunk in _chunks(ids)
        for c in PopulationCell.objects.filter(cell_id__in=chunk)
    }
    new, changed, unchanged = [], [], 0
    names = ["boundary", "x_l93", "y_l93", "population", "imputed", "poverty_share"]
    names += ["commune_id", "source_id"]
    for r in records:
        values = {
            "boundary": r.geometry,
            "x_l93": r.x,
            "y_l93": r.y,
            "population": r.population,
            "imputed": r.imputed,
            "poverty_share": r.poverty_share,
            "commune_id": communes.get(r.commune),
            "source_id": source.pk if source is not None else None,
        }
        cell = existing.get(r.cell_id)
        if cell is None:
            new.append(PopulationCell(cell_id=r.cell_id, **values))
            continue
        diff = [k for k, v in values.items() if getattr(cell, k) != v]
        for k in diff:
            setattr(cell, k, values[k])
        if diff:
            changed.append(cell)
        else:
            unchanged += 1
    PopulationCell.objects.bulk_create(new, batch_size=500)
    PopulationCell.objects.bulk_update(changed, names, batch_size=500)
    for outcome, n in (("créé", len(new)), ("modifié", len(changed)), ("inchangé", unchanged)):
        if n:
            ctx.count(PopulationCell, outcome, n)
    if ctx.progress:
        ctx.progress(f"Carreaux : {len(records)} ; parts dans les zones")
    pks = {
        c["cell_id"]: c["pk"]
        for chunk in _chunks(ids)
        for c in PopulationCell.objects.filter(cell_id__in=chunk).values("cell_id", "pk")
    }
    _write_cell_zones(ctx, records, pks)


def _chunks(items: list[str], size: int = 900) -> list[list[str]]:
    """Slices small enough for SQLite's limit on query parameters."""
    return [items[i : i + size] for i in range(0, len(items), size)]


def _write_cell_zones(ctx: LoadContext, records: list[CellRecord], pks: dict[str, int]) -> None:
    zones = [z for z in Zone.objects.filter(kind__in=[Zone.Kind.IRIS, Zone.Kind.QPV]) if z.boundary]
    if not zones or not records:
        return
    zone_geoms = np.array([geojson_to_l93(z.boundary or {}) for z in zones])
    polygons = np.array([r.polygon for r in records])
    cell_idx, zone_idx = STRtree(zone_geoms).query(polygons, predicate="intersects")
    areas = shapely.area(shapely.intersection(polygons[cell_idx], zone_geoms[zone_idx]))
    shares = np.round(areas / shapely.area(polygons[cell_idx]), 4)
    wanted = {
        (pks[records[c].cell_id], zones[z].pk): float(share)
        for c, z, share in zip(cell_idx, zone_idx, shares, strict=True)
        if share >= 0.001
    }
    cell_pks = sorted({cell for cell, _ in wanted})
    existing = {
        (cz.cell_id, cz.zone_id): cz
        for i in range(0, len(cell_pks), 900)
        for cz in CellZone.objects.filter(cell_id__in=cell_pks[i : i + 900])
    }
    new, changed, unchanged = [], [], 0
    for (cell, zone), share in wanted.items():
        link = existing.get((cell, zone))
        if link is None:
            new.append(CellZone(cell_id=cell, zone_id=zone, share=share))
        elif link.share != share:
            link.share = share
            changed.append(link)
        else:
            unchanged += 1
    CellZone.objects.bulk_create(new, batch_size=500)
    CellZone.objects.bulk_update(changed, ["share"], batch_size=500)
    for outcome, n in (("créé", len(new)), ("modifié", len(changed)), ("inchangé", unchanged)):
        if n:
            ctx.count(CellZone, outcome, n)


def _stat_values(spec: FileSpec, ctx: LoadContext) -> dict[str, Any]:
    return {
        "source": f"{spec.producer} — {spec.title}".strip(" —")[:300],
        "source_url": spec.source_url,
        "dataset": ctx.source(spec),
    }


def write_zone_statistics(spec: FileSpec, records: list[dict], ctx: LoadContext) -> None:
    """Upsert one figure per zone and column, in bulk (a métropole's three RP files are ~5 000
    figures: one query per figure took half of its load); counted like :func:`upsert`."""
    kind = spec.options.get("zone_kind")
    zones = {z.code: z for z in Zone.objects.filter(kind=kind)}
    common = _stat_values(spec, ctx)
    dataset = common["dataset"]
    values = {
        "theme": spec.options.get("theme", ""),
        "source_url": common["source_url"],
        "dataset_id": dataset.pk if dataset is not None else None,
    }
    wanted: dict[tuple[int, str], dict[str, Any]] = {}
    for r in records:
        zone = zones.get(r["code"])
        if zone is None:
            raise DatasetError(
                f"zone {r['code']} inconnue (pas de contour chargé).",
                file=spec.path,
                field=spec.options.get("code_column"),
            )
        wanted[(zone.pk, r["key"])] = {
            "label": r["label"],
            "unit": r["unit"],
            "value": r["value"],
            **values,
        }
    zone_pks = sorted({pk for pk, _ in wanted})
    existing: dict[tuple[int, str], Statistic] = {}
    for n in range(0, len(zone_pks), 900):
        for stat in Statistic.objects.filter(
            zone_id__in=zone_pks[n : n + 900], vintage=spec.vintage, source=common["source"]
        ).order_by("pk"):
            assert stat.zone_id is not None  # filtered on zone
            existing.setdefault((stat.zone_id, stat.key), stat)
    new, changed, unchanged = [], [], 0
    for (zone_pk, key), fields in wanted.items():
        found = existing.get((zone_pk, key))
        if found is None:
            new.append(
                Statistic(
                    zone_id=zone_pk,
                    key=key,
                    vintage=spec.vintage,
                    source=common["source"],
                    **fields,
                )
            )
            continue
        diff = [k for k, v in fields.items() if getattr(found, k) != v]
        for k in diff:
            setattr(found, k, fields[k])
        if diff:
            changed.append(found)
        else:
            unchanged += 1
    Statistic.objects.bulk_create(new, batch_size=500)
    Statistic.objects.bulk_update(changed, list(next(iter(wanted.values()), {})), batch_size=500)
    for outcome, n in (("créé", len(new)), ("modifié", len(changed)), ("inchangé", unchanged)):
        if n:
            ctx.count(Statistic, outcome, n)
