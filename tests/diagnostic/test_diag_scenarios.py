"""« What if » scenarios: in-memory run, validation of the file, save and compare."""

from __future__ import annotations

from pathlib import Path

import pytest

from maillage.diagnostic.models import Scenario
from maillage.diagnostic.scenario_spec import ScenarioError, read_scenario_file
from maillage.diagnostic.scenarios import (
    household_size,
    scenario_compare,
    scenario_run,
    scenario_save,
    spec_from_file,
)
from maillage.diagnostic.selectors import coverage
from maillage.directory.models import Structure

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "scenario-exemple.yaml"


def _spec(territory, **fields):
    data = {"territory": "armentieres", "name": "Test (exemple fictif)", **fields}
    return spec_from_file(territory=territory, data=data)


def _creche(zone: str, places: int = 30) -> dict:
    return {
        "action": "add",
        "name": "Crèche (exemple fictif)",
        "typology": "eaje-creche-collective",
        "places": places,
        "zone": zone,
    }


def test_a_30_place_creche_raises_the_coverage_of_its_iris(armentieres, locate_theme_supply):
    locate_theme_supply("petite-enfance")
    structures = Structure.objects.count()
    result = scenario_run(scenario=_spec(armentieres, changes=[_creche("590170201")]))
    bizet = result.zone("590170201")
    assert bizet.after > bizet.before
    assert result.territory_after > result.territory_before
    assert result.coverage_after == pytest.approx(100 * (175 + 30) / 1048)
    assert result.coverage_delta == pytest.approx(100 * 30 / 1048)
    assert Structure.objects.count() == structures  # nothing written
    assert coverage(territory=armentieres).places_total == 175


def test_a_far_away_iris_gains_less_than_the_creche_iris(armentieres, locate_theme_supply):
    locate_theme_supply("petite-enfance")
    result = scenario_run(
        scenario=_spec(armentieres, changes=[_creche("590170201")], distance_m=800)
    )
    bizet, far = result.zone("590170201"), result.zone("590170102")
    assert bizet.delta > far.delta >= 0


def test_scenario_deltas_inherit_non_calculable_on_the_embedded_data(armentieres):
    # No childcare place is located: before, after and every delta are « non calculable »
    # (this test asserted 870 → 1 048 « personnes concernées » before the validity guard).
    result = scenario_run(scenario=_spec(armentieres, changes=[_creche("590170201")]))
    assert not result.validity.computable and not result.validity_before.computable
    assert "0 des 175 places" in result.validity.reason
    assert result.white_population_before is None and result.white_zones_before == []
    assert result.territory_before is None
    assert all(z.delta is None for z in result.zones)
    assert result.equity_before.gini is None
    # The CNAF-style rate over every known place is not spatial: it still moves.
    assert result.coverage_delta == pytest.approx(100 * 30 / 1048)


def test_closing_a_located_site_widens_the_white_zones(armentieres, locate_theme_supply):
    locate_theme_supply("petite-enfance")
    spec = _spec(
        armentieres,
        distance_m=500,
        changes=[{"action": "close", "structure": "creche-municipale"}],
    )
    result = scenario_run(scenario=spec)
    assert result.validity.computable
    assert result.white_population_after > result.white_population_before


def test_housing_adds_children_with_stated_assumptions(armentieres):
    project = {
        "name": "Logements (exemple fictif)",
        "dwellings": 100,
        "zone": "590170202",
        "delivery_year": 2025,
        "persons_per_dwelling": 2.0,
        "age_shares": {"0-2": 0.05},
    }
    result = scenario_run(scenario=_spec(armentieres, housing=[project]))
    assert result.children_after - result.children_before == pytest.approx(100 * 2.0 * 0.05)
    assert result.coverage_after < result.coverage_before
    late = dict(project, delivery_year=2030)
    ignored = scenario_run(scenario=_spec(armentieres, housing=[late], horizon=2026))
    assert ignored.children_after == pytest.approx(ignored.children_before)
    assert any("après l'horizon" in c for c in ignored.changes)


def test_default_household_size_comes_from_the_census(armentieres):
    size, note = household_size(territory=armentieres)
    # RP 2022 Armentières (FAM T1): 25 405 persons living in 11 745 households.
    assert size == pytest.approx(25405 / 11745)
    assert "RP 2022" in note and "population des ménages" in note


def test_a_position_can_be_given_in_lon_lat(armentieres, iris_centre):
    change = dict(_creche("590170201"))
    del change["zone"]
    lon, lat = iris_centre("590170201")
    change.update(lon=lon, lat=lat)
    by_position = scenario_run(scenario=_spec(armentieres, changes=[change]))
    by_zone = scenario_run(scenario=_spec(armentieres, changes=[_creche("590170201")]))
    assert by_position.zone("590170201").after == pytest.approx(by_zone.zone("590170201").after)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"action": "close", "structure": "creche-inconnue"}, "changes[0].structure"),
        ({"action": "resize", "structure": "creche-municipale", "places": -3}, "changes[0].places"),
        (
            {"action": "move", "structure": "creche-municipale", "lon": 2.35, "lat": 48.85},
            "changes[0].lon",
        ),
        ({"action": "add", "name": "X", "typology": "eaje-creche-collective"}, "changes[0].lon"),
        (
            {"action": "add", "name": "X", "typology": "inconnue", "zone": "590170201"},
            "changes[0].typology",
        ),
        ({"action": "demolish", "structure": "creche-municipale"}, "changes[0].action"),
        ({"action": "close", "structure": "creche-municipale", "placs": 3}, "changes[0].placs"),
        ({"action": "add", "name": "X", "typology": "mam", "zone": "999"}, "changes[0].zone"),
    ],
)
def test_bad_changes_are_refused_naming_the_field(armentieres, change, field):
    with pytest.raises(ScenarioError) as exc:
        _spec(armentieres, changes=[change])
    assert field in [f for f, _m in exc.value.errors]
    assert f"« {field} »" in str(exc.value) and "rien n'a été calculé" in str(exc.value)


def test_bad_housing_and_top_fields_are_all_reported(armentieres):
    with pytest.raises(ScenarioError) as exc:
        _spec(
            armentieres,
            distance_m="loin",
            theme="sport",
            housing=[{"name": "L", "dwellings": -10, "zone": "590170201", "delivery_year": 2025}],
        )
    fields = [f for f, _m in exc.value.errors]
    assert {"distance_m", "theme", "housing[0].dwellings"} <= set(fields)
    assert Scenario.objects.count() == 0


def test_unreadable_file_is_refused(tmp_path):
    bad = tmp_path / "s.yaml"
    bad.write_text("changes: [unclosed", encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        read_scenario_file(bad)
    assert "YAML ou JSON illisible" in str(exc.value)


def test_saved_scenario_runs_like_its_file_and_can_be_compared(armentieres):
    spec = spec_from_file(territory=armentieres, data=read_scenario_file(EXAMPLE))
    saved = scenario_save(spec=spec)
    assert saved.changes.count() == len(spec.changes)
    assert saved.housing_projects.count() == len(spec.housing)
    from_file, from_db = scenario_run(scenario=spec), scenario_run(scenario=saved)
    assert from_db.rows() == from_file.rows()
    assert from_db.changes == from_file.changes
    other = _spec(armentieres, changes=[_creche("590170103", places=12)])
    both = scenario_compare(scenarios=[saved, other])
    rows = both.rows()
    assert [r["scenario"] for r in rows] == [spec.name, other.name]
    assert rows[0]["couverture_avant"] == rows[1]["couverture_avant"]


def test_household_size_prefers_the_population_of_households(armentieres):
    import csv

    from maillage.territory.models import Commune, Statistic

    raw = (
        Path(__file__).resolve().parents[2]
        / "src/maillage/datasets/armentieres/raw"
        / "insee_rp_armentieres_menages_composition_2011_2016_2022.csv"
    )
    with raw.open(encoding="utf-8") as f:
        row = next(
            r
            for r in csv.DictReader(f)
            if r["type_menage"] == "Ensemble" and r["annee_rp"] == "2022"
        )
    Statistic.objects.get_or_create(
        commune=Commune.objects.get(insee_code="59017"),
        key="menages_ensemble_population",
        vintage="RP 2022",
        defaults={
            "label": "Population des ménages — Ensemble",
            "value": float(row["population_menages"]),
            "unit": "personnes",
            "source": "INSEE RP 2022 (FAM T1)",
        },
    )
    size, note = household_size(territory=armentieres)
    assert size == pytest.approx(float(row["population_menages"]) / float(row["nb_menages"]))
    assert "population des ménages" in note


def test_a_saved_scenario_whose_structure_was_deleted_is_refused(armentieres):
    spec = _spec(armentieres, changes=[{"action": "close", "structure": "creche-municipale"}])
    saved = scenario_save(spec=spec)
    Structure.objects.filter(slug="creche-municipale").delete()
    saved.refresh_from_db()
    assert saved.changes.get().structure is None
    with pytest.raises(ScenarioError) as exc:
        scenario_run(scenario=saved)
    assert "structure absente" in str(exc.value)


def test_other_themes_run_too(armentieres, locate_theme_supply):
    change = {
        "action": "add",
        "name": "ALSH (exemple fictif)",
        "typology": "alsh",
        "zone": "QP059070",
    }
    # On the embedded data no jeunesse record is located: one added ALSH is 1 of 5 lieux.
    honest = scenario_run(scenario=_spec(armentieres, theme="jeunesse", changes=[change]))
    assert not honest.validity.computable and honest.white_population_after is None
    locate_theme_supply("jeunesse")
    result = scenario_run(
        scenario=_spec(armentieres, theme="jeunesse", changes=[change], distance_m=500)
    )
    assert result.validity.computable
    assert result.public == "11-17"
    assert result.white_population_after < result.white_population_before
    assert result.zone("QP059070").after > result.zone("QP059070").before
