"""The embedded Armentières directory: real structures, merged by UAI/FINESS, never invented."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from maillage.directory.dataset_kinds import parse_structures_ctg, parse_structures_web
from maillage.directory.models import Service, Structure
from maillage.directory.selectors import childcare_supply, data_quality
from maillage.territory.errors import DatasetError
from maillage.territory.loader import DATASETS_DIR, load_dataset, read_manifest

DATASET = DATASETS_DIR / "armentieres"


def _raw_rows(name: str, delimiter: str) -> list[dict]:
    with open(DATASET / name, encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def test_armentieres_schools_collèges_and_lycées_are_all_there(armentieres):
    annuaire = {
        r["identifiant_de_l_etablissement"]
        for r in _raw_rows("raw/ecoles_armentieres_annuaire.csv", ";")
        if r["code_commune"] == "59017"
    }
    colleges = {
        r["numero_uai"]
        for r in _raw_rows("raw/colleges_geoloc_armentieres_voisines.csv", ";")
        if r["code_commune"] == "59017"
    }
    here = Structure.objects.filter(territory=armentieres, commune__insee_code="59017")
    assert set(here.filter(typology__family="École").values_list("uai", flat=True)) == annuaire
    assert len(annuaire) == 13
    assert set(here.filter(typology__code="college").values_list("uai", flat=True)) == colleges
    assert len(colleges) == 4
    assert here.filter(typology__code="lycee").count() == 5


def test_each_uai_and_finess_is_loaded_once(armentieres):
    structures = Structure.objects.filter(territory=armentieres)
    for field in ("uai", "finess"):
        values = [v for v in structures.values_list(field, flat=True) if v]
        assert values, field
        duplicates = [v for v, n in Counter(values).items() if n > 1]
        assert duplicates == [], field


def test_merged_school_takes_the_official_address_and_position(armentieres):
    macé = Structure.objects.get(territory=armentieres, uai="0590519U")
    row = next(
        r
        for r in _raw_rows("raw/ecoles_armentieres_annuaire.csv", ";")
        if r["identifiant_de_l_etablissement"] == "0590519U"
    )
    assert macé.address == row["adresse_1"]
    assert (macé.lat, macé.lon) == (float(row["latitude"]), float(row["longitude"]))
    assert macé.position_precision == Structure.Precision.EXACT
    # Both sources are cited: the official one and the web list that also named the school.
    assert "Annuaire de l'éducation" in macé.source_label
    assert "Sources web" in macé.source_label
    # x/y are the Lambert-93 of the source (its own coordx/coordy_origine) to the decimetre.
    assert macé.x_l93 == pytest.approx(float(row["coordx_origine"]), abs=0.1)
    assert macé.y_l93 == pytest.approx(float(row["coordy_origine"]), abs=0.1)


def test_structures_without_a_sourced_position_are_to_locate(armentieres):
    web = {r["name"]: r for r in _raw_rows("raw/structures_armentieres_sources_web.csv", ",")}
    structures = Structure.objects.filter(territory=armentieres)
    unlocated = structures.filter(lon__isnull=True)
    assert unlocated.exists()
    for s in unlocated:
        assert s.lat is None and s.x_l93 is None and s.y_l93 is None
        assert s.position_precision == Structure.Precision.UNKNOWN
    for s in structures.filter(source="ctg"):
        assert s.lon is None, s.name  # the CTG gives no position
    # A web row without lat/lon gets a position only from an official source or the same
    # building named in the manifest (« same_building »), never from nowhere.
    for s in structures.filter(source="sources-web", lon__isnull=False):
        row = web[s.name]
        assert row["lat"] or "même bâtiment" in s.position_source, s.name
    quality = data_quality(territory=armentieres, published_only=False)  # the coordinator's
    assert {i.id for i in quality.missing_position} == set(unlocated.values_list("pk", flat=True))


def test_ctg_structures_use_the_seed_names_and_capacities(armentieres):
    rows = _raw_rows("structures_ctg.csv", ",")
    seed = (DATASET / "ctg-armentieres-2023-2026.txt").read_text(encoding="utf-8")
    for row in rows:
        assert row["seed_excerpt"] in seed, row["source_id"]
        s = Structure.objects.get(territory=armentieres, source="ctg", source_id=row["source_id"])
        assert s.name == row["name"]
        assert "CTG Armentières 2023-2026" in s.source_label
    epsm = Service.objects.get(structure__source_id="creche-entreprise-epsm")
    assert (epsm.capacity, epsm.places_open_to_public) == (15, 5)
    micro = Structure.objects.get(territory=armentieres, source_id="micro-creches-privees")
    assert micro.grouped_count == 6 and micro.is_grouped


def test_childcare_places_sum_to_the_ctg_total(armentieres):
    supply = childcare_supply(territory=armentieres)
    assert supply.total_places == 55 + 33 + 15 + 72
    places = {r.typology_code: r.places_known for r in supply.by_typology}
    assert places["eaje-micro-creche"] == 72
    assert places["eaje-multi-accueil"] == 33
    assert supply.children_under_3 == 1048
    assert supply.coverage_per_100 == round(100 * 175 / 1048, 1)
    assert supply.located_places + supply.unlocated_places == supply.total_places


def test_loading_twice_changes_nothing(armentieres):
    before = {
        s.pk: (s.name, s.lon, s.lat, s.search_text, s.updated_at)
        for s in Structure.objects.filter(territory=armentieres)
    }
    version = armentieres.data_version
    report = load_dataset("armentieres")
    assert report.changed == 0, report.lines()
    after = {
        s.pk: (s.name, s.lon, s.lat, s.search_text, s.updated_at)
        for s in Structure.objects.filter(territory=armentieres)
    }
    assert after == before
    armentieres.refresh_from_db()
    assert armentieres.data_version == version


def _spec(manifest, path):
    return next(s for s in manifest.files if s.path == path)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("capacity", "-3", "négatif"),
        ("capacity", "beaucoup", "nombre attendu"),
        ("age_max", "0", "inversée"),
        ("typology", "creche-inconnue", "typologie"),
    ],
)
def test_a_bad_ctg_row_is_refused_naming_file_line_and_field(tmp_path, column, value, message):
    manifest = read_manifest(DATASET)
    spec = _spec(manifest, "structures_ctg.csv")
    rows = _raw_rows("structures_ctg.csv", ",")
    rows[1][column] = value
    rows[1]["age_min"] = "2" if column == "age_max" else rows[1]["age_min"]
    path = tmp_path / "structures_ctg.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(DatasetError) as info:
        parse_structures_ctg(spec, path, manifest)
    error = info.value
    assert error.file == "structures_ctg.csv" and error.location == "ligne 3"
    assert error.field == column
    assert message in str(error)


def test_a_web_position_outside_france_is_refused(tmp_path):
    manifest = read_manifest(DATASET)
    spec = _spec(manifest, "raw/structures_armentieres_sources_web.csv")
    text = (DATASET / spec.path).read_text(encoding="utf-8")
    # The FINESS line of the CPEF with latitude and longitude swapped (2.8632, 50.68438).
    bad = text.replace(",50.68438,2.8632,", ",2.8632,50.68438,")
    assert bad != text
    with pytest.raises(DatasetError) as info:
        parse_structures_web(spec, _write(tmp_path, "web.csv", bad), manifest)
    assert info.value.field == "lat" and "hors de France" in str(info.value)


def test_a_row_removed_from_the_file_is_removed_on_reload(armentieres, tmp_path):
    import shutil

    from maillage.directory.services import structure_create

    mine = structure_create(territory=armentieres, name="Exemple fictif saisi à la main")
    copy = tmp_path / "armentieres"
    shutil.copytree(DATASET, copy)
    lines = (copy / "structures_ctg.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith("laep,")]
    assert len(kept) == len(lines) - 1
    (copy / "structures_ctg.csv").write_text("".join(kept), encoding="utf-8")
    report = load_dataset(str(copy))
    assert report.counts[("structures", "supprimé")] == 1
    structures = Structure.objects.filter(territory=armentieres)
    assert not structures.filter(source="ctg", source_id="laep").exists()
    assert structures.filter(pk=mine.pk).exists()  # entries of other sources are kept
    assert structures.filter(source="ctg").count() == len(kept) - 1


def test_a_web_row_of_an_unmapped_type_is_refused(tmp_path):
    manifest = read_manifest(DATASET)
    spec = _spec(manifest, "raw/structures_armentieres_sources_web.csv")
    text = (DATASET / spec.path).read_text(encoding="utf-8")
    bad = text.replace(",médiathèque,public (municipal),", ",ludothèque,public (municipal),")
    assert bad != text
    with pytest.raises(DatasetError) as info:
        parse_structures_web(spec, _write(tmp_path, "web.csv", bad), manifest)
    assert info.value.field == "type" and "typology_map" in str(info.value)
    assert info.value.location == "ligne 9"
