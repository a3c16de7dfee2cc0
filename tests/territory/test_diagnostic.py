"""The diagnostic: every seed figure with source and vintage, per-zone populations."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from maillage.cli import main
from maillage.territory.selectors import territory_diagnostic

SEED_FIGURES = {
    "population_ctg": 24882,
    "population_qpv": 1713,
    "part_moins_25_ans": 34.8,
    "part_moins_25_ans_qpv": 37.2,
    "part_60_ans_et_plus": 21.9,
    "part_60_ans_et_plus_qpv": 23.5,
    "foyers_allocataires": 7410,
    "personnes_couvertes": 17009,
    "taux_personnes_couvertes": 69,
    "evolution_taux_personnes_couvertes_4_ans": 4.2,
    "foyers_monoparentaux": 1300,
    "part_monoparentaux_aeeh": 6,
    "part_allocataires_isoles": 46.4,
    "ecoliers": 3000,
    "ecoles": 9,
    "ecoles_privees": 2,
    "enfants_pause_meridienne": 1100,
    "colleges": 4,
    "colleges_prives": 2,
    "lycees": 5,
    "eleves_second_degre": 5000,
    "enfants_0_2_ans": 1048,
    "places_creche_municipale": 55,
    "places_multi_accueil": 33,
    "multi_accueils": 2,
    "places_creche_entreprise_epsm": 15,
    "places_creche_entreprise_epsm_exterieurs": 5,
    "places_micro_creches": 72,
    "micro_creches": 6,
    "rpe": 1,
    "laep": 1,
}


@pytest.fixture
def diagnostic_json(armentieres) -> dict:
    result = CliRunner().invoke(
        main, ["diagnostic", "--territory", "armentieres", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_json_holds_every_seed_figure_with_source_and_vintage(diagnostic_json):
    figures = {f["key"]: f for f in diagnostic_json["figures"] if f["subject"] == "territoire"}
    for key, value in SEED_FIGURES.items():
        assert figures[key]["value"] == value, key
        assert figures[key]["source"] and figures[key]["vintage"], key
    assert "Observatoire 2020 de la CAF" in figures["foyers_allocataires"]["source"]
    assert figures["enfants_0_2_ans"]["vintage"] == "2020"


def test_per_zone_populations_match_the_sources(diagnostic_json):
    iris = [z for z in diagnostic_json["zones"] if z["kind"] == "iris" and z["commune"] == "59017"]
    residential = [z for z in iris if z["population_rp2016"] is not None]
    assert len(iris) == 12 and len(residential) == 11
    assert round(sum(z["population_rp2016"] for z in residential)) == 25015
    assert diagnostic_json["iris_rp2016_total"] == pytest.approx(25015, abs=0.5)
    arm = next(c for c in diagnostic_json["communes"] if c["insee_code"] == "59017")
    assert round(arm["cells_population"]) in (24212, 24213)  # INSEE imputed halves
    assert abs(arm["cells_population"] - 24212) <= 0.5


def test_rp_evolution_is_kept_for_three_censuses(armentieres):
    diag = territory_diagnostic(territory=armentieres)
    totals = {f.vintage: f.value for f in diag.figures if f.key == "population_ensemble"}
    assert totals == {"RP 2011": 25704, "RP 2016": 25015, "RP 2022": 26107}
    mono = diag.figure("menages_une_famille_monoparentale", "RP 2022")
    assert mono.value == 1587 and "insee.fr" in mono.source_url


def test_qpv_cells_population_is_computed_by_area_share(armentieres):
    diag = territory_diagnostic(territory=armentieres)
    qpv = {z.code: z for z in diag.zones if z.kind == "qpv"}
    # Cell population weighted by the share of each cell inside the QPV outline (Lambert-93).
    assert 0 < qpv["QP059069"].cells_population < 24212
    assert 0 < qpv["QP059070"].cells_population < 24212


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_other_formats_render(armentieres, fmt):
    result = CliRunner().invoke(main, ["diagnostic", "--territory", "armentieres", "--format", fmt])
    assert result.exit_code == 0
    assert "24" in result.output and "Observatoire 2020 de la CAF" in result.output


def test_unknown_territory_is_a_clear_error(db):
    result = CliRunner().invoke(main, ["diagnostic", "--territory", "nulle-part"])
    assert result.exit_code != 0
    assert "Territoire « nulle-part » introuvable" in result.output
