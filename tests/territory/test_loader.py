"""The dataset loader: idempotent, dry run, refusal of bad input, any territory."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from maillage.territory.errors import DatasetError
from maillage.territory.loader import DATASETS_DIR, load_dataset
from maillage.territory.models import (
    CellZone,
    Commune,
    PopulationCell,
    Statistic,
    Territory,
    Zone,
)

MODELS = (Territory, Commune, Zone, PopulationCell, CellZone, Statistic)


def snapshot() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


@pytest.fixture
def dataset_copy(tmp_path: Path) -> Path:
    target = tmp_path / "armentieres"
    shutil.copytree(DATASETS_DIR / "armentieres", target)
    return target


def edit_manifest(folder: Path, change) -> None:
    path = folder / "manifest.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    before = snapshot()
    report = load_dataset("armentieres")
    assert report.changed == 0
    assert snapshot() == before


@pytest.mark.django_db
def test_dry_run_on_empty_database_reports_but_writes_nothing():
    Territory.objects.all().delete()
    Commune.objects.all().delete()
    Zone.objects.all().delete()
    PopulationCell.objects.all().delete()
    report = load_dataset("armentieres", dry_run=True)
    assert report.dry_run
    assert report.counts[("zones", "créé")] == Zone.objects.none().count() + 23
    assert report.counts[("carreaux de population", "créé")] > 400
    assert Territory.objects.count() == 0 and Zone.objects.count() == 0


@pytest.mark.django_db
def test_loaded_dataset_holds_the_real_geography(armentieres):
    assert sorted(armentieres.communes.values_list("insee_code", flat=True)) == ["59017"]
    assert sorted(armentieres.neighbours.values_list("insee_code", flat=True)) == [
        "59143",
        "59202",
        "59317",
        "59431",
    ]
    iris = Zone.objects.filter(kind="iris", commune__insee_code="59017")
    assert iris.count() == 12
    qpv = Zone.objects.filter(kind="qpv").order_by("code")
    assert [(z.code, z.name) for z in qpv] == [
        ("QP059069", "Attargette - Chanzy"),
        ("QP059070", "Bizet - Briquetterie"),
    ]
    arm = Commune.objects.get(insee_code="59017")
    assert arm.population == 26998 and arm.population_vintage == "COG 2026"


def _corrupt_cells_geojson(folder: Path) -> str:
    name = "raw/filosofi2017_carreaux200m_lst2022_armentieres_voisines.geojson"
    path = folder / name
    data = json.loads(path.read_text(encoding="utf-8"))
    arm = [
        i
        for i, f in enumerate(data["features"])
        if f["properties"]["_insee_com_centroide"] == "59017"
    ]
    data["features"][arm[3]]["properties"]["num_people"] = "beaucoup"
    path.write_text(json.dumps(data), encoding="utf-8")
    return f"entité n° {arm[3] + 1}"


def _replace(folder: Path, name: str, old: str, new: str) -> str:
    path = folder / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return ""


def _remove(folder: Path, name: str) -> str:
    (folder / name).unlink()
    return ""


def _truncate(folder: Path, name: str) -> str:
    (folder / name).write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    return ""


IRIS = "raw/iris_2020_armentieres_voisines.geojson"
RP_IRIS = "raw/insee_rp2016_iris_population_age_csp_armentieres_voisines.csv"
CORRUPTIONS = {
    "missing file": (lambda d: _remove(d, IRIS), [IRIS, "introuvable"]),
    "malformed geojson": (
        lambda d: _truncate(d, "raw/qpv_2015_mel.geojson"),
        ["qpv_2015_mel.geojson", "JSON invalide", "ligne 1"],
    ),
    "bad number in a feature": (_corrupt_cells_geojson, ["filosofi2017", "num_people", "beaucoup"]),
    "wrong csv column": (
        lambda d: _replace(d, RP_IRIS, "P16_POP0014", "P16_POP0_14"),
        [RP_IRIS, "ligne 1", "P16_POP0014"],
    ),
    "bad csv value": (
        lambda d: _replace(d, "statistics_ctg.csv", ",24882,", ",24 882 hab,"),
        ["statistics_ctg.csv", "ligne 2", "value"],
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(CORRUPTIONS))
def test_corrupted_dataset_is_refused_and_database_unchanged(case, dataset_copy):
    corrupt, expected = CORRUPTIONS[case]
    location = corrupt(dataset_copy)
    Statistic.objects.filter(key="population_ctg").update(value=1)  # detect any rewrite
    before = snapshot()
    with pytest.raises(DatasetError) as excinfo:
        load_dataset(str(dataset_copy))
    message = str(excinfo.value)
    for fragment in expected + ([location] if location else []):
        assert fragment in message
    assert snapshot() == before
    assert Statistic.objects.get(key="population_ctg").value == 1


@pytest.mark.django_db
def test_unknown_kind_in_manifest_is_refused(dataset_copy):
    edit_manifest(dataset_copy, lambda m: m["files"][0].update(kind="cadastre"))
    with pytest.raises(DatasetError, match=r"manifest.yaml.*kind.*cadastre"):
        load_dataset(str(dataset_copy))


@pytest.mark.django_db
def test_another_territory_lives_side_by_side(dataset_copy):
    def houplines(m):
        m["territory"].update(slug="houplines", name="Houplines", communes=["59317"], neighbours=[])
        keep = {"communes", "zones", "cells"}
        m["files"] = [f for f in m["files"] if f["kind"] in keep and f.get("zone_kind") != "qpv"]

    edit_manifest(dataset_copy, houplines)
    report = load_dataset(str(dataset_copy))
    assert report.territory == "houplines"
    assert set(Territory.objects.values_list("slug", flat=True)) == {"armentieres", "houplines"}
    houplines_t = Territory.objects.get(slug="houplines")
    assert list(houplines_t.communes.values_list("insee_code", flat=True)) == ["59317"]
    # Armentières is untouched.
    assert Territory.objects.get(slug="armentieres").statistics.count() > 30
