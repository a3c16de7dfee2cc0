"""``maillage territoire creer``: what the folder holds, checked against the national files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import yaml

from .conftest import NATIONAL, creer


def _manifest(folder: Path) -> dict:
    return yaml.safe_load((folder / "manifest.yaml").read_text(encoding="utf-8"))


def test_help_is_french_and_english_alias_exists():
    result = creer("--help")
    assert result.exit_code == 0
    assert "fichiers nationaux" in result.output and "--voisins-km" in result.output
    from click.testing import CliRunner

    from maillage.cli import main

    alias = CliRunner().invoke(main, ["territory", "create", "--help"], prog_name="maillage")
    assert alias.exit_code == 0 and "--communes" in alias.output


def test_perimeter_is_roubaix_and_the_communes_it_touches(roubaix_folder):
    territory = _manifest(roubaix_folder)["territory"]
    assert territory["communes"] == ["59512"]
    # Croix, Hem, Leers, Lys-lez-Lannoy, Tourcoing, Wattrelos: the ADMIN EXPRESS communes whose
    # outline touches Roubaix's (data/national/SOURCES.md; Roubaix also borders Belgium).
    assert territory["neighbours"] == ["59163", "59299", "59339", "59367", "59599", "59650"]
    assert territory["period"] == [2025, 2028]


def test_every_file_has_title_producer_source_licence_and_vintage(roubaix_folder):
    files = _manifest(roubaix_folder)["files"]
    kinds = sorted({(f["kind"], f.get("zone_kind", "")) for f in files})
    assert kinds == [
        ("cells", ""),
        ("colleges_geoloc", ""),
        ("communes", ""),
        ("schools_ips", ""),
        ("zone_statistics", "iris"),
        ("zones", "iris"),
        ("zones", "qpv"),
    ]
    for f in files:
        for key in ("title", "producer", "source_url", "licence", "vintage", "origin"):
            assert f[key], (f["path"], key)
        assert (roubaix_folder / f["path"]).is_file()
        assert f["vintage"] != "millésime non précisé", f["path"]
    vintages = {(f["kind"], f.get("zone_kind", "")): f["vintage"] for f in files}
    assert vintages[("zones", "qpv")] == "2015"  # codes QP…: the 2015 geography
    assert vintages[("zone_statistics", "iris")] == "RP 2016"  # prefix P16_ of the header
    assert vintages[("communes", "")] == "2023"  # declared in the sources' millesimes.yaml
    sources_md = (roubaix_folder / "SOURCES.md").read_text(encoding="utf-8")
    for f in files:
        assert f"`{f['path']}`" in sources_md
    assert "octet pour octet" in sources_md and "Tourcoing (59599)" in sources_md


def test_csv_extracts_are_lines_of_the_national_file_byte_for_byte(roubaix_folder):
    files = _manifest(roubaix_folder)["files"]
    for f in files:
        if not f["path"].endswith(".csv"):
            continue
        national = next(
            p for p in NATIONAL.glob("*.csv") if p.stem.lower() in f["path"].lower()
        ).read_bytes()
        lines = (roubaix_folder / f["path"]).read_bytes().splitlines(keepends=True)
        assert len(lines) > 1
        for line in lines[1:]:
            assert line in national, (f["path"], line[:60])
    colleges = next(f for f in files if f["kind"] == "colleges_geoloc")
    raw = (roubaix_folder / colleges["path"]).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfnumero_uai;") and b"\r\n" in raw  # BOM and CRLF kept


def test_iris_extract_keeps_the_features_of_the_perimeter(roubaix_folder):
    national = json.loads((NATIONAL / "iris_2020_mel_roubaix.geojson").read_text("utf-8"))
    built = json.loads((roubaix_folder / "raw/iris_roubaix.geojson").read_text("utf-8"))
    codes = {f["properties"]["CODE_IRIS"] for f in built["features"]}
    assert codes == {f["properties"]["CODE_IRIS"] for f in national["features"]}
    roubaix = {c for c in codes if c.startswith("59512")}
    with (NATIONAL / "insee_rp2016_IRIS_population_IR_Hab.csv").open(encoding="utf-8") as h:
        rp = {r["IRIS"] for r in csv.DictReader(h) if r["IRIS"].startswith("59512")}
    assert len(roubaix) == 38 and rp <= roubaix  # 38 IRIS, all of type H (SOURCES.md)


def test_municipal_arrondissements_are_read_as_their_commune():
    from maillage.territory.build import commune_of

    # INSEE codes: Marseille 13055 (arrondissements 13201-13216), Lyon 69123 (69381-69389),
    # Paris 75056 (75101-75120); any other code is its own commune.
    assert [commune_of(c) for c in ("13201", "13216", "69381", "75120", "59512")] == [
        "13055",
        "13055",
        "69123",
        "75056",
        "59512",
    ]
    assert commune_of("13217") == "13217"


def test_armentieres_rebuilt_from_its_raw_files_finds_the_same_neighbours(tmp_path):
    """The embedded dataset's ADMIN EXPRESS communes and COG populations, given as national
    files: the neighbours found by contact are the ones its hand-made manifest names."""
    from maillage.territory.loader import DATASETS_DIR

    dataset = DATASETS_DIR / "armentieres"
    sources = tmp_path / "sources"
    sources.mkdir()
    for name in (
        "communes_admin_express_2023_armentieres_voisines.geojson",
        "decoupage_administratif_2026_armentieres_voisines.json",
    ):
        (sources / name).write_bytes((dataset / "raw" / name).read_bytes())
    out = tmp_path / "armentieres"
    result = creer("--communes", "59017", "--sources", str(sources), "-o", str(out))
    assert result.exit_code == 0, result.output
    built, hand_made = _manifest(out), _manifest(dataset)
    assert built["territory"]["neighbours"] == hand_made["territory"]["neighbours"]
    populations = next(f for f in built["files"] if f["kind"] == "commune_populations")
    assert populations["vintage"] == "COG 2026"  # the year in the file's name
    items = json.loads((out / populations["path"]).read_text(encoding="utf-8"))
    assert {i["code"]: i["population"] for i in items}["59017"] == 26998
    assert sorted(i["code"] for i in items) == sorted(
        ["59017", *hand_made["territory"]["neighbours"]]
    )
    communes = next(f for f in built["files"] if f["kind"] == "communes")
    assert communes["vintage"] == "2023"
    assert "Absent : contours IRIS" in result.output
