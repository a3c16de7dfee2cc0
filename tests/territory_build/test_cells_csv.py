"""Filosofi 200 m cells published as CSV (``Idcar_200m``…): squares built in EPSG:3035 from the
identifiers, the same cells and squares as the GeoPackage of the same cells.

The CSV is an *exemple fictif* generated here in the published layout of the Filosofi 2017 file
(``Filosofi2017_carreaux_200m_met.csv``: comma-separated, columns in the published order) with
the **real identifiers** of the Roubaix GeoPackage's cells (``data/national_roubaix``) and
figures drawn with a fixed seed, plus cells far from Roubaix that must be left out.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pyogrio.raw
import pytest
import shapely
import yaml

from maillage.territory.geo import geojson_to_l93
from maillage.territory.loader import load_dataset
from maillage.territory.models import PopulationCell

from .conftest import NATIONAL, creer

GPKG = NATIONAL / "mel_icu_mediapart_roubaix.gpkg"
NAME = "Filosofi2017_carreaux_200m_met_exemple_fictif.csv"
# The published header of Filosofi 2017 (200 m, metropolitan France), in its order.
HEADER = (
    "Idcar_200m,I_est_200,Idcar_1km,I_est_1km,Idcar_nat,Groupe,Ind,Men_1ind,Men_5ind,Men_prop,"
    "Men_fmp,Ind_snv,Men_surf,Men_coll,Men_mais,Log_av45,Log_45_70,Log_70_90,Log_ap90,Log_inc,"
    "Log_soc,Ind_0_3,Ind_4_5,Ind_6_10,Ind_11_17,Ind_18_24,Ind_25_39,Ind_40_54,Ind_55_64,"
    "Ind_65_79,Ind_80p,Ind_inc,Men_pauv,Men,lcog_geo"
).split(",")
SEED = 20_261_204
# South-west corners (EPSG:3035) of cells far from Roubaix (an arbitrary row of the grid).
FAR = [f"CRS3035RES200mN2200000E{3900000 + 200 * k}" for k in range(5)]


def _gpkg_cells() -> tuple[list[str], np.ndarray]:
    meta, _, wkb, fields = pyogrio.raw.read(GPKG, layer="enriched_grid")
    ids = [str(v) for v in fields[list(meta["fields"]).index("id")]]
    return ids, shapely.from_wkb(wkb)


def _floor_id(cell_id: str, res: int) -> str:
    n, e = cell_id.split("N")[1].split("E")
    return f"CRS3035RES{res}mN{int(n) // res * res}E{int(e) // res * res}"


def write_filosofi_fictif(path: Path, ids: list[str], *, header=HEADER) -> dict[str, float]:
    """The CSV (published layout, fictitious figures); returns ``Ind`` of each identifier."""
    rng = np.random.default_rng(SEED)
    ind: dict[str, float] = {}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for cell_id in ids:
            people = float(rng.integers(1, 400))
            men = float(rng.integers(1, 200))
            figures = rng.uniform(0, 50, size=len(HEADER) - 10).round(1)
            row = [
                cell_id,
                int(rng.integers(0, 2)),
                _floor_id(cell_id, 1000),
                0,
                _floor_id(cell_id, 8000),
                int(rng.integers(1, 99999)),
                people,
                *figures,
                round(men * 0.2, 1),
                men,
                "99999",  # no real commune code: exemple fictif
            ]
            writer.writerow(row[: len(header)])
            ind[cell_id] = people
    return ind


@pytest.fixture
def csv_sources(tmp_path: Path) -> Path:
    """Communes (the real ADMIN EXPRESS layer of the GeoPackage, copied as is) and the CSV."""
    folder = tmp_path / "sources_csv"
    folder.mkdir()
    meta, _, wkb, fields = pyogrio.raw.read(GPKG, layer="cities")
    pyogrio.raw.write(
        folder / "communes.gpkg",
        wkb,
        fields,
        fields=meta["fields"],
        layer="commune",
        driver="GPKG",
        crs=meta["crs"],
        geometry_type=meta["geometry_type"],
    )
    return folder


def _extract(folder: Path) -> dict[str, dict]:
    data = json.loads(next((folder / "raw").glob("carreaux_200m_*.geojson")).read_text())
    return {f["properties"].get("Idcar_200m") or f["properties"]["id"]: f for f in data["features"]}


def test_filosofi_csv_gives_the_geopackage_cells(db, csv_sources, roubaix_folder, tmp_path):
    ids, squares = _gpkg_cells()
    ind = write_filosofi_fictif(csv_sources / NAME, ids + FAR)
    out = tmp_path / "roubaix_csv"
    result = creer("--communes", "59512", "--sources", str(csv_sources), "-o", str(out))
    assert result.exit_code == 0, result.output

    manifest = yaml.safe_load((out / "manifest.yaml").read_text(encoding="utf-8"))
    (entry,) = [f for f in manifest["files"] if f["kind"] == "cells"]
    assert entry["vintage"] == "2017"  # from the file's name
    assert entry["fields"] == {
        "id": "Idcar_200m",
        "population": "Ind",
        "commune": "_insee_com_centroide",
        "imputed": "I_est_200",
        "poverty_share": "_part_menages_pauvres",
    }
    assert "EPSG:3035" in (out / "SOURCES.md").read_text(encoding="utf-8")

    from_csv = _extract(out)
    from_gpkg = _extract(roubaix_folder)  # the GeoPackage path, on the same real cells
    assert set(from_csv) == set(from_gpkg) and not set(from_csv) & set(FAR)
    by_id = dict(zip(ids, squares, strict=True))
    for cell_id, feat in from_csv.items():
        square = geojson_to_l93(feat["geometry"])
        real = by_id[cell_id]
        iou = shapely.intersection(square, real).area / shapely.union(square, real).area
        assert iou > 0.998, cell_id  # coordinates rounded to 1e-6° (≈ 10 cm) in both files
        assert (
            feat["properties"]["_insee_com_centroide"]
            == (from_gpkg[cell_id]["properties"]["_insee_com_centroide"])
        )
        assert feat["properties"]["Ind"] == ind[cell_id]
        assert feat["properties"]["lcog_geo"] == "99999"  # codes stay text

    load_dataset(str(out))
    cells = PopulationCell.objects.filter(cell_id__in=list(from_csv))
    assert cells.count() == len(from_csv)
    assert sum(c.population for c in cells) == pytest.approx(sum(ind[i] for i in from_csv))


def test_geopackage_cells_win_over_the_csv(sources, tmp_path):
    ids, _ = _gpkg_cells()
    write_filosofi_fictif(sources / NAME, ids[:10])
    out = tmp_path / "roubaix"
    result = creer("--communes", "59512", "--sources", str(sources), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "non retenu : " + NAME in (out / "SOURCES.md").read_text(encoding="utf-8")
    manifest = yaml.safe_load((out / "manifest.yaml").read_text(encoding="utf-8"))
    assert len([f for f in manifest["files"] if f["kind"] == "cells"]) == 1


def _refused(sources: Path, tmp_path: Path, *expected: str) -> None:
    out = tmp_path / "sortie" / "roubaix"
    result = creer("--communes", "59512", "--sources", str(sources), "-o", str(out))
    assert result.exit_code == 1, result.output
    assert "Création refusée, rien n'a été écrit." in result.output
    for text in expected:
        assert text in result.output, result.output
    assert not out.exists()


def test_csv_without_population_column(csv_sources, tmp_path):
    ids, _ = _gpkg_cells()
    header = [c if c != "Ind" else "Ind_total" for c in HEADER]
    write_filosofi_fictif(csv_sources / NAME, ids[:20], header=header)
    _refused(csv_sources, tmp_path, NAME, "Ind", "colonne absente")


def test_csv_with_identifiers_of_another_grid(csv_sources, tmp_path):
    """Lambert-93 identifiers instead of the EPSG:3035 ones: refused, the line named."""
    ids, _ = _gpkg_cells()
    wrong = [i.replace("CRS3035", "CRS2154") for i in ids[:20]]
    write_filosofi_fictif(csv_sources / NAME, wrong)
    _refused(csv_sources, tmp_path, NAME, "Idcar_200m", "ligne 2", "EPSG:3035")


def test_csv_with_a_population_that_is_not_a_number(csv_sources, tmp_path):
    ids, _ = _gpkg_cells()
    path = csv_sources / NAME
    write_filosofi_fictif(path, ids[:20])
    lines = path.read_text(encoding="utf-8").splitlines()
    values = lines[3].split(",")
    values[HEADER.index("Ind")] = "beaucoup"
    lines[3] = ",".join(values)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _refused(csv_sources, tmp_path, NAME, "ligne 4", "Ind", "beaucoup")
