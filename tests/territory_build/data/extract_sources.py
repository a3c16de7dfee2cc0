"""How ``national_roubaix/`` was cut from the shared national files (kept for provenance).

Run: ``python tests/territory_build/data/extract_sources.py /path/to/data/national``. It keeps,
from each national file, what concerns Roubaix (59512) and the six communes it touches, plus a
few lines of another département (so that the builder's filter is exercised), without changing
any value: CSV lines are copied byte for byte, GeoJSON features as they are, GeoPackage layers
rewritten by pyogrio with the same attributes, geometries (WKB) and CRS (EPSG:2154).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyogrio
import pyogrio.raw

PERIMETER = {"59512", "59163", "59299", "59339", "59367", "59599", "59650"}
OUT = Path(__file__).resolve().parent / "national_roubaix"


def csv_lines(src: Path, column: str, *, other: int = 20, prefix: bool = False) -> None:
    lines = src.read_bytes().splitlines(keepends=True)
    header = lines[0].decode("utf-8-sig").rstrip("\r\n")
    sep = ";" if header.count(";") > header.count(",") else ","
    idx = header.split(sep).index(column)
    kept, others = [lines[0]], 0
    for raw in lines[1:]:
        value = raw.decode("utf-8", "replace").rstrip("\r\n").split(sep)[idx]
        code = value[:5] if prefix else value
        if code in PERIMETER:
            kept.append(raw)
        elif code[:2] != "59" and others < other:
            kept.append(raw)
            others += 1
    (OUT / src.name).write_bytes(b"".join(kept))


def main(national: Path) -> None:
    OUT.mkdir(exist_ok=True)
    gpkg = OUT / "mel_icu_mediapart_roubaix.gpkg"
    gpkg.unlink(missing_ok=True)
    src = national / "mel_icu_mediapart.gpkg"
    m, _, wkb, fields = pyogrio.raw.read(src, layer="cities")
    i = list(m["fields"]).index("INSEE_COM")
    keep = [n for n, code in enumerate(fields[i]) if code in PERIMETER]
    _write(gpkg, "cities", m, wkb, fields, keep)
    bounds = pyogrio.read_bounds(gpkg, layer="cities")[1]
    box = (bounds[0].min(), bounds[1].min(), bounds[2].max(), bounds[3].max())
    for layer in ("qpvs", "enriched_grid"):
        m, _, wkb, fields = pyogrio.raw.read(src, layer=layer, bbox=box)
        _write(gpkg, layer, m, wkb, fields, list(range(len(wkb))))
    iris = json.loads((national / "iris_2020_mel.geojson").read_text(encoding="utf-8"))
    iris["features"] = [f for f in iris["features"] if f["properties"]["INSEE_COM"] in PERIMETER]
    (OUT / "iris_2020_mel_roubaix.geojson").write_text(
        json.dumps(iris, ensure_ascii=False), encoding="utf-8"
    )
    for name in (
        "insee_rp2016_IRIS_population_IR_Hab.csv",
        "insee_rp2016_IRIS_household_IR_Hab.csv",
        "insee_rp2016_IRIS_housing_IR_Hab.csv",
    ):
        csv_lines(national / name, "IRIS", prefix=True)
    csv_lines(national / "men_fr-en-adresse-et-geolocalisation_colleges.csv", "code_commune")
    csv_lines(national / "men_fr-en-ips_ecoles_2021-2022.csv", "Code INSEE de la commune")
    csv_lines(national / "men_fr-en-ips_lycees_2016-2022.csv", "Code INSEE de la commune")


def _write(path: Path, layer: str, meta: dict, wkb, fields, keep: list[int]) -> None:
    pyogrio.raw.write(
        path,
        wkb[keep],
        [f[keep] for f in fields],
        fields=meta["fields"],
        layer=layer,
        driver="GPKG",
        crs=meta["crs"],
        geometry_type=meta["geometry_type"],
        encoding="UTF-8",
        append=path.exists(),
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
