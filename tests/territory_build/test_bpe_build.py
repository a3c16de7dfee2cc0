"""INSEE BPE « ensemble » géolocalisée in the sources: its equipments of the perimeter whose
``TYPEQU`` names one directory type are kept byte for byte, listed in the manifest, and loaded
by ``maillage load`` as structures placed where the file says.

There is no real BPE file in ``data/national``. The file here is an *exemple fictif* generated in
the published layout (``;``-separated, the columns of the geolocated « ensemble » file: ``REG``,
``DEP``, ``DEPCOM``, ``DCIRIS``, ``AN``, ``TYPEQU``, ``LAMBERT_X``, ``LAMBERT_Y``,
``QUALITE_XY``): the rows are invented; the positions are points of real IRIS outlines of the
test data (CONTOURS-IRIS 2020 of Roubaix and of Marseille), projected to Lambert-93, so that
they fall in (or far from) the communes they name.
"""

from __future__ import annotations

import json
from pathlib import Path

import shapely
import yaml

from maillage.analysis.geometry import lonlat_to_lambert93
from maillage.directory.models import Structure
from maillage.territory.loader import load_dataset

from .conftest import DATA, NATIONAL, creer

HEADER = "REG;DEP;DEPCOM;DCIRIS;AN;TYPEQU;LAMBERT_X;LAMBERT_Y;QUALITE_XY"


def _iris_points(path: Path, commune_prefix: str) -> list[tuple[str, float, float]]:
    """(IRIS code, Lambert-93 x, y) of a point inside each real IRIS outline of a commune."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for feat in data["features"]:
        code = str(feat["properties"]["CODE_IRIS"])
        if not code.startswith(commune_prefix):
            continue
        point = shapely.geometry.shape(feat["geometry"]).representative_point()
        x, y = lonlat_to_lambert93([[point.x, point.y]])[0]
        out.append((code, round(float(x), 1), round(float(y), 1)))
    return out


ROUBAIX = _iris_points(NATIONAL / "iris_2020_mel_roubaix.geojson", "59512")
MARSEILLE = _iris_points(DATA / "hostile" / "iris_2020_marseille_3_iris.geojson", "132")


def _line(dep: str, depcom: str, iris: str, typequ: str, x: float, y: float, q: str) -> str:
    reg = "32" if dep == "59" else "93"
    return f"{reg};{dep};{depcom};{depcom}_{iris[5:]};2021;{typequ};{x};{y};{q}"


def write_bpe(folder: Path, lines: list[str], name: str = "bpe21_ensemble_xy.csv") -> Path:
    path = folder / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def _lines() -> list[str]:
    (i1, x1, y1), (i2, x2, y2), (i3, x3, y3) = ROUBAIX[:3]
    m, mx, my = MARSEILLE[0]
    return [
        _line("59", "59512", i1, "A110", x1, y1, "Bonne"),
        _line("59", "59512", i2, "A110", x2, y2, "Mauvaise"),
        _line("59", "59512", i3, "D501", x3, y3, "Bonne"),  # no single type: not kept
        _line("59", "59512", i3, "C101", x3, y3, "Bonne"),  # given by Éducation nationale
        _line("13", "13201", m, "A110", mx, my, "Bonne"),  # outside the perimeter
    ]


def _build(sources: Path, tmp_path: Path):
    out = tmp_path / "roubaix"
    result = creer("--communes", "59512", "--sources", str(sources), "-o", str(out))
    return out, result


def test_bpe_is_cut_and_loaded(db, sources, tmp_path):
    lines = _lines()
    write_bpe(sources, lines)
    out, result = _build(sources, tmp_path)
    assert result.exit_code == 0, result.output

    manifest = yaml.safe_load((out / "manifest.yaml").read_text(encoding="utf-8"))
    entry = next(f for f in manifest["files"] if f["kind"] == "bpe")
    assert entry["producer"] == "INSEE" and entry["licence"].startswith("Licence Ouverte")
    assert entry["source_url"].startswith("https://www.insee.fr/")
    assert entry["vintage"] == "BPE 2021"  # from the AN column
    assert entry["coordinates"] == {"x": "LAMBERT_X", "y": "LAMBERT_Y", "crs": "EPSG:2154"}
    extract = (out / entry["path"]).read_text(encoding="utf-8").splitlines()
    assert extract == [HEADER, lines[0], lines[1]]  # byte for byte, only the kept lines
    text = (out / "SOURCES.md").read_text(encoding="utf-8")
    assert "2 équipement(s) sur 5 lignes lues" in text
    assert "1 × C101" in text and "1 × D501" in text and "A110 → france-travail" in text
    assert "millésime 2021 lu dans la colonne AN" in text

    load_dataset(str(out))
    fiches = Structure.objects.filter(territory__slug="roubaix", source="insee-bpe")
    assert fiches.count() == 2
    assert set(fiches.values_list("typology__code", flat=True)) == {"france-travail"}
    assert set(fiches.values_list("name", flat=True)) == {
        "Agence de proximité pôle emploi — Roubaix (BPE)"
    }
    assert set(fiches.values_list("address", flat=True)) == {""}  # never an invented address
    good = fiches.get(position_precision="exact")
    bad = fiches.get(position_precision="approximate")
    assert "« Mauvaise »" in bad.position_source and "« Bonne »" in good.position_source
    (_, x1, y1) = ROUBAIX[0]
    back = lonlat_to_lambert93([[good.lon, good.lat]])[0]
    assert abs(back[0] - x1) < 1 and abs(back[1] - y1) < 1  # the file's position
    again = load_dataset(str(out))
    assert again.changed == 0, again.lines()


def test_vintage_from_the_file_name_without_an_column(db, sources, tmp_path):
    (i1, x1, y1) = ROUBAIX[0]
    header = "DEPCOM;TYPEQU;LAMBERT_X;LAMBERT_Y"
    (sources / "bpe19_ensemble_xy.csv").write_text(
        f"{header}\n59512;A110;{x1};{y1}\n", encoding="utf-8"
    )
    out, result = _build(sources, tmp_path)
    assert result.exit_code == 0, result.output
    manifest = yaml.safe_load((out / "manifest.yaml").read_text(encoding="utf-8"))
    entry = next(f for f in manifest["files"] if f["kind"] == "bpe")
    assert entry["vintage"] == "BPE 2019"
    text = (out / "SOURCES.md").read_text(encoding="utf-8")
    assert "millésime 2019 lu dans le nom du fichier" in text
    assert "pas de colonne QUALITE_XY" in text
    load_dataset(str(out))
    fiche = Structure.objects.get(territory__slug="roubaix", source="insee-bpe")
    assert fiche.position_precision == "approximate"


def test_a_missing_bpe_is_reported_not_fatal(sources, tmp_path):
    out, result = _build(sources, tmp_path)
    assert result.exit_code == 0, result.output
    text = (out / "SOURCES.md").read_text(encoding="utf-8")
    assert "équipements (INSEE, BPE « ensemble » géolocalisée)" in text.split("## Absents")[1]


def _refused(result, out: Path, *needles: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Création refusée, rien n'a été écrit." in result.output
    for needle in needles:
        assert needle in result.output, result.output
    assert not out.exists()


def test_missing_coordinate_column(sources, tmp_path):
    (i1, x1, _y1) = ROUBAIX[0]
    (sources / "bpe.csv").write_text(f"DEPCOM;TYPEQU;LAMBERT_X\n59512;A110;{x1}\n", "utf-8")
    out, result = _build(sources, tmp_path)
    _refused(result, out, "bpe.csv", "ligne 1", "LAMBERT_Y")


def test_wrong_separator_in_a_line(sources, tmp_path):
    lines = _lines()
    lines[1] = lines[1].replace(";", ",")
    write_bpe(sources, lines)
    out, result = _build(sources, tmp_path)
    _refused(result, out, "bpe21_ensemble_xy.csv", "ligne 3", "séparateur attendu « ; »")


def test_a_line_of_another_departement(sources, tmp_path):
    lines = _lines()
    lines[0] = "32;62" + lines[0][5:]  # DEP 62 for a commune of the Nord
    write_bpe(sources, lines)
    out, result = _build(sources, tmp_path)
    _refused(result, out, "bpe21_ensemble_xy.csv", "ligne 2", "DEP", "59512")


def test_coordinates_of_another_departement(sources, tmp_path):
    (i1, _x, _y) = ROUBAIX[0]
    (_m, mx, my) = MARSEILLE[0]
    write_bpe(sources, [_line("59", "59512", i1, "A110", mx, my, "Bonne")])
    out, result = _build(sources, tmp_path)
    _refused(result, out, "bpe21_ensemble_xy.csv", "ligne 2", "LAMBERT_X", "km de la commune")


def test_huge_line(sources, tmp_path):
    lines = _lines()
    lines.insert(1, "59;59;59512;" + "X" * 200_000)
    write_bpe(sources, lines)
    out, result = _build(sources, tmp_path)
    _refused(result, out, "bpe21_ensemble_xy.csv", "ligne 3", "100 000 octets")


def test_count_files_by_iris_are_not_read_as_equipments(sources, tmp_path):
    # The BPE by IRIS (counts, NB_EQUIP, no position) is listed as not recognised.
    (sources / "bpe18_enseignement.csv").write_text(
        "REG;DEP;DEPCOM;DCIRIS;AN;TYPEQU;NB_EQUIP\n32;59;59512;59512_0101;2018;C101;1\n", "utf-8"
    )
    out, result = _build(sources, tmp_path)
    assert result.exit_code == 0, result.output
    assert "bpe18_enseignement.csv : colonnes non reconnues" in (out / "SOURCES.md").read_text(
        encoding="utf-8"
    )


def test_longitude_latitude_preferred_and_other_epsg_refused(db, sources, tmp_path):
    (i1, x1, y1) = ROUBAIX[0]
    from maillage.analysis.geometry import lambert93_to_lonlat

    lon, lat = (round(float(v), 6) for v in lambert93_to_lonlat([[x1, y1]])[0])
    header = "DEPCOM;TYPEQU;LAMBERT_X;LAMBERT_Y;LONGITUDE;LATITUDE;EPSG"
    # Lambert columns deliberately wrong: the WGS84 ones are read.
    (sources / "bpe23_ensemble.csv").write_text(
        f"{header}\n59512;A110;1;1;{lon};{lat};2154\n", encoding="utf-8"
    )
    out, result = _build(sources, tmp_path)
    assert result.exit_code == 0, result.output
    manifest = yaml.safe_load((out / "manifest.yaml").read_text(encoding="utf-8"))
    entry = next(f for f in manifest["files"] if f["kind"] == "bpe")
    assert entry["coordinates"]["crs"] == "EPSG:4326"

    header = "DEPCOM;TYPEQU;LAMBERT_X;LAMBERT_Y;EPSG"
    (sources / "bpe23_ensemble.csv").write_text(
        f"{header}\n59512;A110;{x1};{y1};5490\n", encoding="utf-8"
    )
    out2 = tmp_path / "roubaix2"
    result = creer("--communes", "59512", "--sources", str(sources), "-o", str(out2))
    _refused(result, out2, "bpe23_ensemble.csv", "ligne 2", "EPSG")
