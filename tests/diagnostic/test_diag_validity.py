"""« Non calculable » on the embedded Armentières data (no childcare place located), and the
same analysis computed once the supply is located in the test database (positions made up
by code inside the commune: exemple fictif, never in the real dataset)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from django.urls import reverse

from maillage.cli import main
from maillage.diagnostic import selectors
from maillage.diagnostic.themes import THEMES
from maillage.directory.models import Structure
from maillage.territory.services import territory_touch

# The CTG's childcare records with places (55 + 33 + 15 + 72 = 175) and the web records.
CTG_CHILDCARE = {
    "creche-municipale",
    "multi-accueil-municipal-2-lieux",
    "creche-dentreprise-de-lepsm",
    "micro-creches-privees-6-lieux",
}
FICTIF = "exemple fictif (test) : position générée dans la commune"


def _run(*args):
    return CliRunner().invoke(main, list(args))


def _childcare_unlocated(territory) -> set[str]:
    return set(
        Structure.objects.filter(
            territory=territory, typology__childcare=True, x_l93__isnull=True, published=True
        ).values_list("slug", flat=True)
    )


def test_petite_enfance_zones_blanches_are_not_computable_with_reason_and_records(
    armentieres,
):
    r = selectors.white_zones(territory=armentieres, theme="petite-enfance")
    v = r.validity
    assert not v.computable
    assert v.status == "non calculable"
    assert "0 des 175 places déclarées en petite enfance sont localisées" in v.reason
    assert (v.declared_places, v.located_places) == (175, 0)
    assert v.share == 0.0
    # No percentage, no zone, no figure of people concerned.
    assert r.share is None and r.concerned_population is None and r.zones == []
    # Every unlocated childcare record is listed, each with the link where it is placed.
    slugs = {t.slug for t in v.to_locate}
    assert CTG_CHILDCARE <= slugs
    assert slugs == _childcare_unlocated(armentieres)
    quality = reverse("web:complete-offer", args=["armentieres"])  # « Compléter l'offre »
    for t in v.to_locate:
        assert t.locate_path == f"{quality}#a-localiser-{t.id}"
    assert v.fix_path == quality
    micro = next(t for t in v.to_locate if t.slug == "micro-creches-privees-6-lieux")
    assert (micro.places, micro.lieux) == (72, 6)


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_no_theme_is_computable_on_the_embedded_data(armentieres, theme):
    white = selectors.white_zones(territory=armentieres, theme=theme)
    acc = selectors.accessibility_by_zone(territory=armentieres, theme=theme)
    infl = selectors.influence(territory=armentieres, theme=theme)
    for result in (white, acc, infl):
        assert not result.validity.computable, theme
        assert result.validity.reason
    assert white.share is None and white.zones == []
    assert acc.territory_value is None and acc.distance_shares == []
    assert acc.equity.gini is None and acc.equity.qpv_ratio is None
    assert acc.equity.qpv_mean is None and acc.equity.non_qpv_mean is None
    assert all(z.value is None for z in acc.zones)
    assert infl.sites == [] and infl.unserved_population is None


def test_enfance_has_nothing_declared(armentieres):
    v = selectors.white_zones(territory=armentieres, theme="enfance").validity
    assert v.declared_lieux == 0 and v.share is None
    assert "Aucune structure" in v.reason and "enfance" in v.reason


def test_parentalite_gini_is_absent_on_one_located_point(armentieres):
    acc = selectors.accessibility_by_zone(territory=armentieres, theme="parentalite")
    assert acc.validity.located_lieux == 1
    assert acc.equity.gini is None


def test_coverage_by_zone_is_unknown_not_zero(armentieres):
    cov = selectors.coverage(territory=armentieres)
    assert not cov.validity.computable
    assert cov.located_rate is None
    assert cov.zones and all(z.value is None for z in cov.zones)
    # The CNAF-style rate of the whole territory counts unlocated places: not spatial, kept.
    assert cov.rate == pytest.approx(100 * 175 / 1048)


def _locate_ctg_childcare(territory, iris_centre):
    """Place the CTG's childcare records with the services layer (exemple fictif)."""
    from maillage.directory.services import structure_place

    centres = ["590170103", "590170202", "590170301", "590170402"]
    for slug, code in zip(sorted(CTG_CHILDCARE), centres, strict=True):
        lon, lat = iris_centre(code)
        structure_place(
            structure=Structure.objects.get(territory=territory, slug=slug),
            lon=lon,
            lat=lat,
            precision=Structure.Precision.APPROXIMATE,
            source=FICTIF,
        )
    territory_touch(territory=territory)


def test_locating_the_supply_makes_the_analysis_computable(armentieres, iris_centre):
    _locate_ctg_childcare(armentieres, iris_centre)
    r = selectors.white_zones(territory=armentieres, theme="petite-enfance")
    v = r.validity
    assert v.computable and v.status == "calculable" and v.reason == ""
    assert (v.declared_places, v.located_places) == (175, 175)
    assert v.share >= 0.8
    assert r.share is not None and 0 <= r.share < 1
    assert r.concerned_population == pytest.approx(sum(z.population for z in r.zones))
    # No reported zone blanche is a lone cell or less than one person.
    assert all(z.cell_count >= 2 and z.population >= 1 for z in r.zones)
    acc = selectors.accessibility_by_zone(territory=armentieres, theme="petite-enfance")
    assert acc.validity.computable and acc.territory_value is not None
    assert acc.equity.gini is not None
    cov = selectors.coverage(territory=armentieres)
    assert cov.validity.computable and cov.located_rate is not None


def test_cli_json_geojson_and_api_carry_the_same_validity(client, armentieres):
    args = ("analyse", "zones-blanches", "--territory", "armentieres", "--theme",
            "petite-enfance")  # fmt: skip
    table = _run(*args)
    assert table.exit_code == 0, table.output
    assert "non calculable" in table.output
    assert "0 des 175 places déclarées en petite enfance sont localisées" in table.output
    assert "%" not in table.output.split("\n")[0].replace("(0 %", "")
    assert "personnes concernées" not in table.output
    data = json.loads(_run(*args, "--format", "json").stdout)
    geo = json.loads(_run(*args, "--format", "geojson").stdout)
    api = client.get("/api/v1/analyse/armentieres/zones-blanches", {"theme": "petite-enfance"})
    assert api.status_code == 200
    assert geo["features"] == [] and api.json()["features"] == []
    expected = selectors.white_zones(territory=armentieres, theme="petite-enfance").validity
    for validity in (data["validity"], geo["validity"], api.json()["validity"]):
        assert validity["computable"] is False
        assert validity["reason"] == expected.reason
        assert {t["slug"] for t in validity["to_locate"]} == {t.slug for t in expected.to_locate}
    assert data["share"] is None and data["concerned_population"] is None
    acc = client.get("/api/v1/analyse/armentieres/accessibilite", {"theme": "parentalite"})
    assert acc.json()["validity"]["computable"] is False
    assert acc.json()["equity"]["gini"] is None


def test_cli_never_prints_zero_for_unknown_values(armentieres):
    for cmd in ("accessibilite", "couverture"):
        out = _run("analyse", cmd, "--territory", "armentieres", "--theme", "petite-enfance")
        assert out.exit_code == 0, out.output
        assert "0,00" not in out.output and "0.00" not in out.output
        assert "non calculable" in out.output
