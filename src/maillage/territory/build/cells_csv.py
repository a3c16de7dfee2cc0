"""The INSEE Filosofi 200 m cells published as CSV (``Idcar_200m``, ``Ind``, ``Men``…).

The CSV has no geometry: each cell's square is built in ETRS89-LAEA (EPSG:3035) from its
identifier (``CRS3035RES200mN2029800E4252400``: side, northing and easting of its south-west
corner, :func:`maillage.analysis.geometry.inspire_cell_squares`) and projected to Lambert-93.
The cells kept and what is written are those of the GeoPackage path
(:meth:`.extracts.Builder.cells`): cells whose centre is in a commune of the territory or a
neighbour, as a WGS84 GeoJSON with the file's columns as properties (numbers as numbers) and
``_insee_com_centroide``. The national file is streamed: about 2,3 million lines for
metropolitan France, only those inside the perimeter's bounding box are kept in memory.
"""

from __future__ import annotations

import csv
import re
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from maillage.analysis.geometry import inspire_cell_squares, lambert93_bbox_to_laea
from maillage.territory.errors import DatasetError

from .common import _pick
from .sources import Source
from .tables import CsvHeader, unnamed_columns
from .vector import write_geojson

if TYPE_CHECKING:
    from .extracts import Builder

ID_COLUMNS = ("Idcar_200m", "idcar_200m", "IdINSPIRE")
POPULATION_COLUMNS = ("Ind", "ind")
IMPUTED_COLUMNS = ("I_est_200", "i_est_200", "I_est_cr")
# Identifiers and codes stay text (a commune code keeps its leading zero).
TEXT_COLUMNS = {"idcar_200m", "idcar_1km", "idcar_nat", "idinspire", "lcog_geo", "groupe"}
CELL_M = 200.0
_ID = re.compile(rb"CRS3035RES(\d+)mN(\d+)E(\d+)")
MARGIN_M = 300.0  # bounding-box margin (a cell's centre is 141 m from its corners)


def _number(text: str) -> float | int | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value.is_integer() and "." not in text else value


def cells_from_csv(b: Builder, src: Source) -> None:
    header = src.header
    assert header is not None
    id_col = _pick(header.columns, ID_COLUMNS)
    pop_col = _pick(header.columns, POPULATION_COLUMNS)
    for col, accepted in ((id_col, ID_COLUMNS), (pop_col, POPULATION_COLUMNS)):
        if col is None:
            raise DatasetError(
                "colonne absente de l'en-tête.",
                file=src.path.name,
                location="ligne 1",
                field=accepted[0],
            )
    assert id_col is not None and pop_col is not None
    names = iter(unnamed_columns(header))
    columns = [c or next(names) for c in header.columns]
    id_i, pop_i = header.columns.index(id_col), header.columns.index(pop_col)
    # Lines are first tested on their identifier alone (its EPSG:3035 corner inside the
    # perimeter's box): a national file's 2,3 million lines are never all parsed nor projected.
    x0, y0, x1, y1 = lambert93_bbox_to_laea(b.p.bbox, margin_m=MARGIN_M)
    delimiter = header.delimiter.encode()
    codec = "utf-8" if header.encoding == "utf-8-sig" else header.encoding
    kept: list[tuple[int, list[str]]] = []
    read = 0
    with src.path.open("rb") as handle:
        handle.readline(1_000_000)
        for number, raw in enumerate(handle, start=2):
            line = raw.rstrip(b"\r\n")
            if not line.strip():
                continue
            read += 1
            if b'"' in line:
                # Decoded as the unquoted lines are: a byte of another encoding is replaced
                # (it can only be in a text field), never a traceback.
                text = line.decode(codec, "replace")
                values_b = [v.encode(codec, "replace") for v in _csv_values(text, header)]
            else:
                values_b = line.split(delimiter)
            if len(values_b) < len(header.columns):
                raise DatasetError(
                    f"ligne trop courte ({len(values_b)} champs pour {len(header.columns)}).",
                    file=src.path.name,
                    location=f"ligne {number}",
                    field=columns[len(values_b)],
                )
            match = _ID.fullmatch(values_b[id_i].strip())
            if match is None or match.group(1) != b"200":
                value = values_b[id_i].decode(codec, "replace").strip()
                raise DatasetError(
                    f"identifiant de carreau « {value[:60]} » illisible ou d'une autre taille : "
                    "attendu CRS3035RES200mN…E… (carreaux de 200 m de la grille EPSG:3035, "
                    "ETRS89-LAEA).",
                    file=src.path.name,
                    location=f"ligne {number}",
                    field=id_col,
                )
            north, east = int(match.group(2)), int(match.group(3))
            if x0 <= east + CELL_M / 2 <= x1 and y0 <= north + CELL_M / 2 <= y1:
                kept.append((number, [v.decode(codec, "replace") for v in values_b]))
    squares = list(inspire_cell_squares([values[id_i].strip() for _, values in kept]))

    if squares:
        geoms = np.array(squares, dtype=object)
        communes = b._commune_at(shapely.centroid(geoms))
    else:
        communes = []
    feats = []
    has_poverty = {"Men_pauv", "Men"} <= set(header.columns)
    for (number, values), geom, code in zip(kept, squares, communes, strict=True):
        if code is None:
            continue
        population = _number(values[pop_i])
        if population is None or population < 0:
            raise DatasetError(
                f"population « {values[pop_i][:30]} » non numérique ou négative.",
                file=src.path.name,
                location=f"ligne {number}",
                field=pop_col,
            )
        props: dict[str, Any] = {}
        for name, text in zip(columns, values, strict=False):
            props[name] = text if name.lower() in TEXT_COLUMNS else _number(text)
        props[id_col] = values[id_i].strip()
        props["_insee_com_centroide"] = code
        if has_poverty:
            men, poor = props.get("Men"), props.get("Men_pauv")
            share = (
                poor / men if isinstance(men, int | float) and men and poor is not None else None
            )
            props["_part_menages_pauvres"] = share
        feats.append((props, geom))
    if not feats:
        b.notes.append(f"{src.label} : aucun carreau dans le périmètre.")
        return
    target = b._target("carreaux_200m", ".geojson")
    write_geojson(target, feats)
    fields = {"id": id_col, "population": pop_col, "commune": "_insee_com_centroide"}
    imputed = _pick(header.columns, IMPUTED_COLUMNS)
    if imputed:
        fields["imputed"] = imputed
    if has_poverty:
        fields["poverty_share"] = "_part_menages_pauvres"
    entry = {"kind": "cells", **b._meta(src, "cells"), "fields": fields}
    treatment = [
        "carré de chaque carreau construit dans la grille EPSG:3035 (ETRS89-LAEA) depuis son "
        f"identifiant `{id_col}` (coin sud-ouest et côté), ses quatre coins reprojetés en "
        "EPSG:4326 (WGS84), coordonnées arrondies à 1e-6°",
        "carreaux dont le centre est dans une commune du territoire ou une voisine",
        "colonnes du fichier gardées comme propriétés (valeurs numériques en nombres, "
        "identifiants et codes en texte)",
        "propriété ajoutée `_insee_com_centroide` : la commune qui contient le centre",
    ]
    if has_poverty:
        treatment.append(
            "propriété ajoutée `_part_menages_pauvres` = `Men_pauv` / `Men` (vide si `Men` = 0)"
        )
    b._add(src, entry, target, treatment, f"{len(feats)} carreaux sur {read} lignes lues")


def _csv_values(text: str, header: CsvHeader) -> list[str]:
    return next(csv.reader([text], delimiter=header.delimiter))
