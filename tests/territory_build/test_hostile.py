"""A bad national file stops the build with a French message naming the file and the field,
and nothing is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from maillage.territory.geo import lonlat_to_l93

from .conftest import DATA, creer


def _refused(sources: Path, tmp_path: Path, *expected: str) -> str:
    out = tmp_path / "sortie" / "roubaix"
    result = creer("--communes", "59512", "--sources", str(sources), "-o", str(out))
    assert result.exit_code == 1, result.output
    assert "Création refusée, rien n'a été écrit." in result.output
    for text in expected:
        assert text in result.output, result.output
    assert not out.exists()
    assert not (tmp_path / "sortie").exists() or not any((tmp_path / "sortie").iterdir())
    return result.output


def test_missing_column(sources, tmp_path):
    path = sources / "insee_rp2016_IRIS_population_IR_Hab.csv"
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b"P16_POP3044", b"P16_POP3O44", 1))
    _refused(sources, tmp_path, "insee_rp2016_IRIS_population_IR_Hab.csv", "P16_POP3044", "colonne")


def test_commune_layer_without_its_code_column(sources, tmp_path):
    import pyogrio.raw

    gpkg = sources / "mel_icu_mediapart_roubaix.gpkg"
    meta, _, wkb, fields = pyogrio.raw.read(gpkg, layer="cities")
    keep = [i for i, f in enumerate(meta["fields"]) if f != "INSEE_COM"]
    broken = sources / "communes_sans_code.gpkg"
    pyogrio.raw.write(
        broken,
        wkb,
        [fields[i] for i in keep],
        fields=[meta["fields"][i] for i in keep],
        layer="commune",
        driver="GPKG",
        crs=meta["crs"],
        geometry_type=meta["geometry_type"],
    )
    gpkg.unlink()  # the intact communes layer would be picked instead
    _refused(sources, tmp_path, "communes_sans_code.gpkg", "INSEE_COM")


def test_wrong_crs(sources, tmp_path):
    """Lambert-93 metres in a GeoJSON, which is WGS84 by definition."""
    path = sources / "iris_2020_mel_roubaix.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))

    def project(coords):
        if isinstance(coords[0], (int, float)):
            x, y = lonlat_to_l93(coords[0], coords[1])
            return [float(x), float(y)]
        return [project(c) for c in coords]

    for feature in data["features"]:
        feature["geometry"]["coordinates"] = project(feature["geometry"]["coordinates"])
    path.write_text(json.dumps(data), encoding="utf-8")
    _refused(sources, tmp_path, "iris_2020_mel_roubaix.geojson", "geometry", "système")


def test_truncated_geopackage(sources, tmp_path):
    path = sources / "mel_icu_mediapart_roubaix.gpkg"
    path.write_bytes(path.read_bytes()[:400_000])
    _refused(sources, tmp_path, "mel_icu_mediapart_roubaix.gpkg", "tronqué")


def test_iris_file_of_another_departement(sources, tmp_path):
    (sources / "iris_2020_mel_roubaix.geojson").unlink()
    (sources / "iris_marseille.geojson").write_bytes(
        (DATA / "hostile" / "iris_2020_marseille_3_iris.geojson").read_bytes()
    )
    _refused(sources, tmp_path, "iris_marseille.geojson", "INSEE_COM", "département(s) 13")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--communes", "5951"], "code commune « 5951 » invalide"),
        (["--communes", "59512", "--epci", "200093201"], "soit --communes, soit --epci"),
        (["--communes", "59999"], "59999 absente(s) du fichier des communes"),
    ],
)
def test_bad_options(sources, tmp_path, args, message):
    out = tmp_path / "out"
    result = creer(*args, "--sources", str(sources), "-o", str(out))
    assert result.exit_code == 1 and message in result.output, result.output
    assert not out.exists()


def test_missing_optional_files_are_reported_not_fatal(sources, tmp_path):
    for name in ("men_fr-en-ips_lycees_2016-2022.csv", "insee_rp2016_IRIS_housing_IR_Hab.csv"):
        (sources / name).unlink()
    out = tmp_path / "out"
    result = creer("--communes", "59512", "--sources", str(sources), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "Absent : lycées" in result.output and "Absent : logements par IRIS" in result.output
    assert "lycées (IPS des lycées" in (out / "SOURCES.md").read_text(encoding="utf-8")


def test_output_folder_not_empty_is_refused(sources, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "garder.txt").write_text("à garder", encoding="utf-8")
    result = creer("--communes", "59512", "--sources", str(sources), "-o", str(out))
    assert result.exit_code == 1 and "n'est pas vide" in result.output
    assert [p.name for p in out.iterdir()] == ["garder.txt"]
