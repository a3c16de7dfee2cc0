"""The territory's perimeter: its communes and their neighbours, read from the communes file."""

from __future__ import annotations

from typing import Any

import shapely

from maillage.territory.errors import DatasetError

from .common import CONTACT_M, Perimeter, _pick, _where
from .sources import Source
from .vector import layer_fields, read_layer


def read_perimeter(
    src: Source, *, communes: list[str], epci: str, neighbours_km: float
) -> tuple[Perimeter, str]:

    fields = layer_fields(src.path, src.layer)
    code_f = "INSEE_COM" if "INSEE_COM" in fields else None
    name_f = _pick(fields, ("NOM", "NOM_COM"))
    for needed, found in (("INSEE_COM", code_f), ("NOM", name_f)):
        if found is None:
            raise DatasetError(
                "colonne absente.", file=src.path.name, location=_where(src), field=needed
            )
    assert code_f is not None and name_f is not None
    cols = [code_f, name_f] + (["SIREN_EPCI"] if "SIREN_EPCI" in fields else [])
    if epci:
        if "SIREN_EPCI" not in fields:
            raise DatasetError(
                "colonne absente : impossible de choisir les communes d'un EPCI.",
                file=src.path.name,
                location=_where(src),
                field="SIREN_EPCI",
            )
        chosen = read_layer(src.path, src.layer, columns=cols, where=f"SIREN_EPCI = '{epci}'")
    else:
        listed = ", ".join(f"'{c}'" for c in communes)
        chosen = read_layer(src.path, src.layer, columns=cols, where=f"{code_f} IN ({listed})")
    codes = [str(c) for c in chosen.column(code_f)]
    if epci and not codes:
        raise DatasetError(
            f"aucune commune de l'EPCI {epci}.",
            file=src.path.name,
            location=_where(src),
            field="SIREN_EPCI",
        )
    missing = sorted(set(communes) - set(codes))
    if missing:
        raise DatasetError(
            f"commune(s) {', '.join(missing)} absente(s) du fichier des communes.",
            file=src.path.name,
            location=_where(src),
            field=code_f,
        )
    ctg = shapely.union_all(chosen.geoms)
    margin = neighbours_km * 1000.0 + 10.0
    x0, y0, x1, y1 = ctg.bounds
    around = read_layer(
        src.path,
        src.layer,
        columns=cols,
        bbox_l93=(x0 - margin, y0 - margin, x1 + margin, y1 + margin),
    )
    limit = max(neighbours_km * 1000.0, CONTACT_M)
    geoms: dict[str, Any] = {}
    names: dict[str, str] = {}
    neighbours = []
    for i, code in enumerate(str(c) for c in around.column(code_f)):
        geom = around.geoms[i]
        if code in codes:
            geoms[code], names[code] = geom, str(around.column(name_f)[i])
        elif shapely.distance(geom, ctg) <= limit:
            geoms[code], names[code] = geom, str(around.column(name_f)[i])
            neighbours.append(code)
    allgeom = shapely.union_all(list(geoms.values()))
    perimeter = Perimeter(
        codes=sorted(codes),
        neighbours=sorted(neighbours),
        names=names,
        geoms=geoms,
        bbox=tuple(allgeom.bounds),
    )
    return perimeter, code_f


def holds(src: Source, communes: list[str], epci: str) -> bool:
    """Whether a communes file holds one of the chosen communes (or the EPCI)."""

    fields = layer_fields(src.path, src.layer)
    if epci:
        where = f"SIREN_EPCI = '{epci}'" if "SIREN_EPCI" in fields else None
    else:
        listed = ", ".join(f"'{c}'" for c in communes)
        where = f"INSEE_COM IN ({listed})" if "INSEE_COM" in fields else None
    return bool(where) and len(read_layer(src.path, src.layer, columns=[], where=where)) > 0
