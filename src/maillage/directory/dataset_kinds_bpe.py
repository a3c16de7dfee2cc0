"""``bpe``: the equipments of an INSEE BPE « ensemble » extract, loaded as directory structures.

Written by ``maillage territoire creer`` (:mod:`maillage.territory.build.bpe`): the national
file's lines of the perimeter, byte for byte. The manifest entry names the coordinate
columns and their system (``coordinates``: ``LAMBERT_X``/``LAMBERT_Y`` in EPSG:2154, or
``LONGITUDE``/``LATITUDE`` in EPSG:4326), the quality column (``quality_column``:
``QUALITE_XY``) and the perimeter's commune names.

The BPE gives no name and no address for these equipments. A structure is named from the
INSEE label of its ``TYPEQU`` and its commune (« Agence de proximité pôle emploi — Roubaix
(BPE) »), its address left empty, and a note says so. Its position is the file's, marked
« exacte » only when ``QUALITE_XY`` is « Bonne » and « approchée » otherwise (or when the file
has no quality column), the quality value kept in the position's source; a line without
coordinates is loaded « à localiser ». Identity across reloads: ``TYPEQU``, ``DEPCOM`` and the
coordinates as written in the file.

Registered by :mod:`.dataset_kinds`, like the directory's other kinds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from maillage.territory.bpe_codes import BPE_TYPOLOGIES
from maillage.territory.errors import DatasetError
from maillage.territory.loader import (
    FileSpec,
    Manifest,
    commune_of,
    read_csv_rows,
    register_kind,
    to_float,
)

PRIORITY = 5  # below every named source: a BPE record never overrides a named one


def parse_bpe(spec: FileSpec, path: Path, manifest: Manifest) -> list[Any]:
    from maillage.directory.dataset_kinds import _finish, _label, _public_label
    from maillage.directory.loading import StructureRecord

    coords = spec.options.get("coordinates") or {}
    x_col, y_col = str(coords.get("x") or ""), str(coords.get("y") or "")
    crs = str(coords.get("crs") or "")
    if not x_col or not y_col or crs not in ("EPSG:2154", "EPSG:4326"):
        raise DatasetError(
            "« coordinates » doit donner x, y et crs (EPSG:2154 ou EPSG:4326).",
            file="manifest.yaml",
            location=spec.path,
            field="coordinates",
        )
    quality_col = str(spec.options.get("quality_column") or "")
    names: dict[str, str] = {
        str(k): str(v) for k, v in (spec.options.get("commune_names") or {}).items()
    }
    required = ["DEPCOM", "TYPEQU", x_col, y_col] + ([quality_col] if quality_col else [])
    label = _label(spec)
    records = []
    seen: dict[str, int] = {}
    for line, row in read_csv_rows(path, spec.path, required):
        loc = f"ligne {line}"
        commune = commune_of(row["DEPCOM"])
        if commune not in manifest.perimeter_codes:
            continue
        typequ = row["TYPEQU"]
        if typequ not in BPE_TYPOLOGIES:
            raise DatasetError(
                f"type d'équipement « {typequ[:20]} » sans type d'annuaire vérifié "
                "(voir territory/bpe_codes.py).",
                file=spec.path,
                location=loc,
                field="TYPEQU",
            )
        typology, type_label = BPE_TYPOLOGIES[typequ]
        fields: dict[str, Any] = {
            "name": f"{type_label} — {names.get(commune, commune)} (BPE)",
            "typology": typology,
            "commune": commune,
        }
        quality = row.get(quality_col, "") if quality_col else ""
        if row[x_col] and row[y_col]:
            x = to_float(row[x_col], name=spec.path, location=loc, field_name=x_col)
            y = to_float(row[y_col], name=spec.path, location=loc, field_name=y_col)
            lon, lat = _lonlat(x, y, crs)
            said = f"qualité « {quality} » (colonne {quality_col})" if quality_col else "qualité"
            fields.update(
                lon=lon,
                lat=lat,
                position_precision="exact" if quality == "Bonne" else "approximate",
                position_source=(
                    f"{label}, {spec.vintage} : coordonnées {x_col}/{y_col} du fichier, "
                    + (said if quality_col else "qualité non donnée par le fichier")
                ),
            )
        identity = f"{typequ}:{row['DEPCOM']}:{row[x_col]}:{row[y_col]}"
        seen[identity] = seen.get(identity, 0) + 1
        if seen[identity] > 1:
            identity += f":{seen[identity]}"
        records.append(
            StructureRecord(
                key=f"insee-bpe:{identity}",
                priority=int(spec.options.get("priority", PRIORITY)),
                file=spec.path,
                location=loc,
                source=str(spec.options.get("source", "insee-bpe")),
                source_id=identity,
                source_label=label,
                source_url=spec.source_url,
                fields=fields,
                notes=[
                    f"Équipement de la BPE (INSEE, {spec.vintage}, type {typequ}) : la BPE ne "
                    "donne ni son nom ni son adresse ; nom composé du libellé INSEE du type et de "
                    "la commune, à remplacer par le vrai nom."
                ]
                + (
                    [f"Géolocalisation de qualité « {quality} » selon la BPE."]
                    if quality and quality != "Bonne"
                    else []
                ),
                public_source=_public_label(spec),
            )
        )
    return _finish(records)


def _lonlat(x: float, y: float, crs: str) -> tuple[float, float]:
    if crs == "EPSG:4326":
        return round(x, 6), round(y, 6)
    from maillage.analysis.geometry import lambert93_to_lonlat

    lon, lat = lambert93_to_lonlat([[x, y]])[0]
    return round(float(lon), 6), round(float(lat), 6)


def register() -> None:
    from maillage.directory.loading import DIRECTORY_KINDS, accumulate

    DIRECTORY_KINDS.add("bpe")
    register_kind("bpe", parse=parse_bpe, write=accumulate, order=60)


register()
