"""Roubaix built from the national files, loaded beside Armentières, and its diagnostic checked
against figures computed here from the national files themselves."""

from __future__ import annotations

import csv
import json
from collections import defaultdict

import pyogrio.raw
from click.testing import CliRunner

from maillage.cli import main
from maillage.directory.models import Structure
from maillage.territory.loader import load_dataset
from maillage.territory.models import Territory

from .conftest import NATIONAL

AGE_COLUMNS = ("P16_POP0014", "P16_POP1529", "P16_POP3044", "P16_POP4559", "P16_POP6074")
AGE_COLUMNS += ("P16_POP75P",)


def _rows(name: str, delimiter: str) -> list[dict[str, str]]:
    with (NATIONAL / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def _diagnostic(slug: str) -> dict:
    result = CliRunner().invoke(
        main, ["diagnostic", "--territory", slug, "--format", "json"], prog_name="maillage"
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_roubaix_diagnostic_matches_the_national_files(db, roubaix_folder, armentieres):
    before = _diagnostic("armentieres")
    first = load_dataset(str(roubaix_folder))
    assert first.changed > 0
    again = load_dataset(str(roubaix_folder))  # safe to re-run: nothing changes the second time
    assert again.changed == 0, again.lines()
    roubaix = Territory.objects.get(slug="roubaix")
    diag = _diagnostic("roubaix")

    # Population of each IRIS = the sum of the six age bands of its line in the RP 2016 file.
    expected: dict[str, float] = defaultdict(float)
    for row in _rows("insee_rp2016_IRIS_population_IR_Hab.csv", ","):
        if row["IRIS"].startswith("59512"):
            expected[row["IRIS"]] = sum(float(row[c]) for c in AGE_COLUMNS)
    iris = {z["code"]: z for z in diag["zones"] if z["kind"] == "iris"}
    assert set(iris) == set(expected) and len(iris) == 38
    for code, population in expected.items():
        assert abs(iris[code]["population_rp2016"] - population) < 0.01, code
    assert abs(diag["iris_rp2016_total"] - sum(expected.values())) < 0.1

    # QPV: the three 2015 QPV whose COMMUNE_QP names Roubaix (the GeoPackage layer qpvs).
    meta, _, _, fields = pyogrio.raw.read(
        NATIONAL / "mel_icu_mediapart_roubaix.gpkg", layer="qpvs", read_geometry=False
    )
    columns = dict(zip(meta["fields"], fields, strict=True))
    named = {
        code
        for code, communes in zip(columns["CODE_QP"], columns["COMMUNE_QP"], strict=True)
        if "Roubaix" in communes
    }
    qpv = {z["code"] for z in diag["zones"] if z["kind"] == "qpv"}
    assert qpv == named and len(qpv) == 3
    qpv_source = next(s for s in diag["sources"] if "qpv" in s["path"])
    assert qpv_source["vintage"] == "2015" and qpv_source["licence"]

    # Collèges: the 13 lines of Roubaix in the geolocation file, each placed at its position.
    colleges = {
        r["numero_uai"]: (float(r["longitude"]), float(r["latitude"]))
        for r in _rows("men_fr-en-adresse-et-geolocalisation_colleges.csv", ";")
        if r["code_commune"] == "59512"
    }
    assert len(colleges) == 13
    located = Structure.objects.filter(
        territory=roubaix, uai__in=colleges, commune__insee_code="59512", lon__isnull=False
    )
    assert located.count() == 13
    for s in located:
        lon, lat = colleges[s.uai]
        assert abs(s.lon - lon) < 1e-9 and abs(s.lat - lat) < 1e-9

    # Écoles: listed by the IPS file with no position, so « à localiser ».
    schools = {
        r["UAI"]
        for r in _rows("men_fr-en-ips_ecoles_2021-2022.csv", ";")
        if r["Code INSEE de la commune"] == "59512"
    }
    listed = Structure.objects.filter(territory=roubaix, uai__in=schools)
    assert listed.count() == len(schools) == 44
    assert not listed.filter(lon__isnull=False).exists()
    assert set(listed.values_list("typology__code", flat=True)) <= {
        "ecole-primaire",
        "ecole-elementaire",
    }

    # Lycées: one fiche per UAI of the IPS file (six rentrées), none placed.
    lycees = {
        r["UAI"]
        for r in _rows("men_fr-en-ips_lycees_2016-2022.csv", ";")
        if r["Code INSEE de la commune"] == "59512"
    }
    fiches = Structure.objects.filter(territory=roubaix, uai__in=lycees)
    assert fiches.count() == len(lycees) and not fiches.filter(lon__isnull=False).exists()
    assert set(fiches.values_list("typology__code", flat=True)) == {"lycee"}

    # Every file of the manifest is a source of the territory, with its licence and vintage.
    assert len(diag["sources"]) == 10
    assert all(s["licence"] and s["vintage"] and s["source_url"] for s in diag["sources"])

    # Armentières is untouched, and neither territory sees the other's records.
    after = _diagnostic("armentieres")
    assert after["iris_rp2016_total"] == before["iris_rp2016_total"] == 25015.0
    assert [z["code"] for z in after["zones"]] == [z["code"] for z in before["zones"]]
    assert not Structure.objects.filter(territory__slug="armentieres", uai__in=colleges).exists()
    assert not any(z["commune"] == "59017" for z in diag["zones"])
