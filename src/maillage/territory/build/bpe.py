"""INSEE BPE, the geolocated « ensemble » file, cut to the perimeter.

The national file (``;``-separated, one line per equipment: ``DEPCOM``, ``TYPEQU``, and
``LAMBERT_X``/``LAMBERT_Y`` in Lambert-93 for metropolitan France and/or ``LONGITUDE``/
``LATITUDE`` in WGS84 depending on the vintage — the latter preferred —, ``QUALITE_XY`` when
present) is streamed. Lines whose commune is in the perimeter and whose ``TYPEQU`` names one
Maillage type (:data:`maillage.territory.bpe_codes.BPE_TYPOLOGIES`) are copied byte for byte
with the header; the others are counted by code in ``SOURCES.md``. Each kept line is checked:
its ``DEP`` agrees with its ``DEPCOM``, its coordinates are numbers within 10 km of its
commune (a line of another département or another coordinate system is refused, naming file,
line and field). ``maillage load`` reads the extract with the kind ``bpe``
(:mod:`maillage.directory.dataset_kinds_bpe`).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from typing import TYPE_CHECKING

import shapely

from maillage.analysis.geometry import lonlat_to_lambert93
from maillage.territory.bpe_codes import BPE_TYPOLOGIES, LEFT_OUT, NOMENCLATURE_SOURCE
from maillage.territory.errors import DatasetError
from maillage.territory.loader import commune_of

from . import catalogue
from .sources import Source
from .tables import header_line

if TYPE_CHECKING:
    from .extracts import Builder

MAX_LINE_BYTES = 100_000  # a BPE line is ~ 100-300 bytes
MAX_DISTANCE_M = 10_000.0
LAMBERT = ("LAMBERT_X", "LAMBERT_Y")
LONLAT = ("LONGITUDE", "LATITUDE")
_VINTAGE_NAME = re.compile(r"bpe[_-]?(\d\d)(?!\d)", re.IGNORECASE)


def coordinate_columns(columns: list[str]) -> tuple[str, str, str] | None:
    """``(x, y, crs)`` of a BPE header, or ``None``. Longitude and latitude first when the file
    has both (recent vintages): they are WGS84 everywhere, while ``LAMBERT_X``/``LAMBERT_Y`` are
    in each overseas département's own system (the row's ``EPSG`` column when there is one)."""
    if set(LONLAT) <= set(columns):
        return (*LONLAT, "EPSG:4326")
    if set(LAMBERT) <= set(columns):
        return (*LAMBERT, "EPSG:2154")
    return None


def _vintage(src: Source, years: Counter[str]) -> tuple[str, str]:
    """The vintage and how it was read: the ``AN`` column of the kept lines, else the name."""
    if len(years) == 1:
        (year,) = years
        if re.fullmatch(r"20\d\d", year):
            return year, f"millésime {year} lu dans la colonne AN des lignes gardées"
    named = catalogue.vintage_from_name(src.path.name)
    if not named and (m := _VINTAGE_NAME.search(src.path.name)):
        named = f"20{m.group(1)}"
    if named:
        return named, f"millésime {named} lu dans le nom du fichier"
    return "", ""


def bpe(b: Builder, src: Source) -> None:
    header = src.header
    assert header is not None
    name = src.path.name
    columns = header.columns
    for col in ("DEPCOM", "TYPEQU"):
        if col not in columns:
            raise DatasetError(
                "colonne absente de l'en-tête.", file=name, location="ligne 1", field=col
            )
    coords = coordinate_columns(columns)
    if coords is None:
        missing = [c for c in LAMBERT if c not in columns]
        raise DatasetError(
            "colonne de coordonnées absente de l'en-tête (LAMBERT_X et LAMBERT_Y, ou "
            "LONGITUDE et LATITUDE).",
            file=name,
            location="ligne 1",
            field=", ".join(missing),
        )
    x_col, y_col, crs = coords
    idx = {c: i for i, c in enumerate(columns)}
    dep_i = idx.get("DEP")
    an_i = idx.get("AN")
    quality = "QUALITE_XY" if "QUALITE_XY" in idx else ""
    codes = b.p.all_codes
    codec = "utf-8" if header.encoding == "utf-8-sig" else header.encoding
    delimiter = header.delimiter
    target = b._target("bpe_equipements", ".csv")
    kept = read = 0
    others: Counter[str] = Counter()
    years: Counter[str] = Counter()
    with src.path.open("rb") as handle, target.open("wb") as out:
        out.write(header_line(header))
        handle.readline(1_000_000)
        number = 1
        while True:
            raw = handle.readline(MAX_LINE_BYTES + 1)
            if not raw:
                break
            number += 1
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                raise DatasetError(
                    f"ligne de plus de {MAX_LINE_BYTES:_} octets : ce n'est pas une ligne de la "
                    "BPE (fichier tronqué ou d'un autre format ?).".replace("_", " "),
                    file=name,
                    location=f"ligne {number}",
                )
            text = raw.decode(codec, "replace").rstrip("\r\n")
            if not text.strip():
                continue
            read += 1
            values = (
                next(csv.reader([text], delimiter=delimiter))
                if '"' in text
                else text.split(delimiter)
            )
            if len(values) < len(columns):
                raise DatasetError(
                    f"ligne trop courte ({len(values)} champ(s) pour {len(columns)} ; séparateur "
                    f"attendu « {delimiter} », celui de l'en-tête).",
                    file=name,
                    location=f"ligne {number}",
                    field=columns[len(values)],
                )
            depcom = values[idx["DEPCOM"]].strip()
            commune = commune_of(depcom)
            if commune not in codes:
                continue
            typequ = values[idx["TYPEQU"]].strip()
            if typequ not in BPE_TYPOLOGIES:
                others[typequ] += 1
                continue
            if dep_i is not None:
                dep = values[dep_i].strip()
                if dep and not depcom.startswith(dep):
                    raise DatasetError(
                        f"département « {dep} » contredit par la commune « {depcom} » "
                        "(DEPCOM) : ligne d'un autre département ?",
                        file=name,
                        location=f"ligne {number}",
                        field="DEP",
                    )
            _check_position(b, name, number, values, idx, coords, commune)
            if an_i is not None:
                years[values[an_i].strip()] += 1
            out.write(raw if raw.endswith(b"\n") else raw + b"\n")
            kept += 1
    if not kept:
        target.unlink()
        b.notes.append(
            f"{src.label} : aucun équipement d'un type repris dans le périmètre"
            + (f" ({_others(others)})" if others else "")
            + "."
        )
        return
    vintage, how = _vintage(src, years)
    meta = b._meta(src, "bpe", vintage=vintage)
    if meta["vintage"][:1].isdigit():
        meta["vintage"] = f"BPE {meta['vintage']}"
    entry = {
        "kind": "bpe",
        "source": "insee-bpe",
        "source_label": "Base permanente des équipements (INSEE)",
        **meta,
        "coordinates": {"x": x_col, "y": y_col, "crs": crs},
        "quality_column": quality,
        "commune_names": {c: b.p.names[c] for c in sorted(codes)},
    }
    entry["public_label"] = f"Base permanente des équipements (INSEE), {entry['vintage']}"
    treatment = [
        "lignes dont DEPCOM est une commune du périmètre (arrondissements municipaux rapportés "
        "à leur commune) et dont TYPEQU a un type d'annuaire ("
        + ", ".join(f"{k} → {v[0]}" for k, v in sorted(BPE_TYPOLOGIES.items()))
        + f", d'après la {NOMENCLATURE_SOURCE}), copiées octet pour octet avec l'en-tête",
        f"coordonnées {x_col}/{y_col} ({crs}) vérifiées : à moins de 10 km de la commune",
        (
            f"qualité de géolocalisation gardée (colonne {quality})"
            if quality
            else "pas de colonne QUALITE_XY : positions chargées comme approchées"
        ),
    ]
    if how:
        treatment.append(how)
    if others:
        treatment.append("non repris dans le périmètre : " + _others(others))
    b._add(src, entry, target, treatment, f"{kept} équipement(s) sur {read} lignes lues")


def _others(others: Counter[str]) -> str:
    parts = []
    for code, n in sorted(others.items(), key=lambda kv: (-kv[1], kv[0]))[:12]:
        why = LEFT_OUT.get(code, "pas de type d'annuaire vérifié")
        parts.append(f"{n} × {code} ({why})")
    more = len(others) - 12
    return ", ".join(parts) + (f" et {more} autre(s) code(s)" if more > 0 else "")


def _check_position(
    b: Builder,
    name: str,
    number: int,
    values: list[str],
    idx: dict[str, int],
    coords: tuple[str, str, str],
    commune: str,
) -> None:
    x_col, y_col, crs = coords
    xy = []
    for col in (x_col, y_col):
        text = values[idx[col]].strip()
        if not text:
            return  # not geolocated: loaded « à localiser »
        try:
            xy.append(float(text.replace(",", ".")))
        except ValueError:
            raise DatasetError(
                f"coordonnée « {text[:30]} » non numérique.",
                file=name,
                location=f"ligne {number}",
                field=col,
            ) from None
    epsg_i = idx.get("EPSG")
    epsg = values[epsg_i].strip() if epsg_i is not None else ""
    if crs == "EPSG:2154" and epsg and epsg.removeprefix("EPSG:") != "2154":
        raise DatasetError(
            f"coordonnées LAMBERT_X/LAMBERT_Y en EPSG:{epsg.removeprefix('EPSG:')} : seules "
            "celles en Lambert-93 (2154) sont lues ; utilisez un millésime avec "
            "LONGITUDE/LATITUDE.",
            file=name,
            location=f"ligne {number}",
            field="EPSG",
        )
    if crs == "EPSG:2154" and commune.startswith("97"):
        raise DatasetError(
            "coordonnées LAMBERT_X/LAMBERT_Y d'une commune d'outre-mer : la BPE les donne dans le "
            "système local du département, que Maillage ne lit pas ; utilisez un millésime avec "
            "LONGITUDE/LATITUDE.",
            file=name,
            location=f"ligne {number}",
            field=x_col,
        )
    if crs == "EPSG:4326":
        if not (abs(xy[0]) <= 180 and abs(xy[1]) <= 90):
            raise DatasetError(
                "longitude/latitude hors des bornes (degrés WGS84 attendus).",
                file=name,
                location=f"ligne {number}",
                field=x_col,
            )
        x, y = (float(v) for v in lonlat_to_lambert93([xy])[0])
    else:
        x, y = xy
    distance = shapely.distance(b.p.geoms[commune], shapely.Point(x, y))
    if not distance <= MAX_DISTANCE_M:
        raise DatasetError(
            f"position à {distance / 1000:.0f} km de la commune {commune} (DEPCOM) : coordonnées "
            f"d'un autre lieu ou d'un autre système que {crs}.",
            file=name,
            location=f"ligne {number}",
            field=x_col,
        )
