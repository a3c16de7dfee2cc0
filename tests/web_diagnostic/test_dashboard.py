"""Dashboard, zones and data-quality pages: figures with sources, maps, downloads, bad input."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from maillage.diagnostic.report_access import THEMES
from maillage.directory.selectors import data_quality

from .conftest import SCRIPT


def url(name, *args):
    return reverse(f"web:{name}", args=["armentieres", *args])


def text(response) -> str:
    return response.content.decode()


def test_dashboard_shows_the_key_figures_with_source_and_vintage(client, report):
    page = text(client.get(url("diagnostic")))
    for key in ("population_ctg", "enfants_0_2_ans", "foyers_allocataires"):
        figure = report.diag.figure(key)
        shown = f"{figure.value:,.0f}".replace(",", "\xa0")
        assert shown in page, key
        assert figure.source in page.replace("&#x27;", "'")
        assert figure.vintage in page
    # the seed's figures, as a reader checks them against the signed CTG
    for seed in ("24\xa0882", "1\xa0048", "7\xa0410"):
        assert seed in page


def test_dashboard_shows_census_evolution_with_a_chart_and_its_table(client, report):
    page = text(client.get(url("diagnostic")))
    assert report.ages and len(report.ages[0].points) >= 3
    for year, _value in report.ages[0].points:
        assert f">{year}<" in page
    assert url("diagnostic-figure", "ages") in page
    svg = client.get(url("diagnostic-figure", "ages"))
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content


def test_dashboard_childcare_coverage_matches_places_and_children(client, report):
    page = text(client.get(url("diagnostic")))
    rate = report.childcare.coverage_per_100
    assert rate == pytest.approx(100 * report.childcare.total_places / 1048, abs=0.05)
    assert f"{rate}".replace(".", ",") in page
    # No place located: the 2SFCA coverage map by IRIS is « non calculable », not a map of 0.
    assert 'data-diag-map="' + url("diagnostic-coverage-geojson") not in page
    assert "0 des 175 places déclarées en petite enfance sont localisées" in page


def test_dashboard_coverage_map_once_the_places_are_located(client, childcare_located):
    page = text(client.get(url("diagnostic")))
    assert 'data-diag-map="' + url("diagnostic-coverage-geojson") in page


def test_coverage_geojson_has_every_iris_with_a_legend_colour(client, report):
    data = client.get(url("diagnostic-coverage-geojson")).json()
    iris = [f for f in data["features"] if f["properties"]["layer"] == "choropleth"]
    expected = {z.code for z in report.zones if z.kind == "iris" and z.geometry}
    assert {f["properties"]["code"] for f in iris} == expected
    assert all(f["properties"]["fill"].startswith("#") for f in iris)


@pytest.mark.parametrize(
    "name",
    [
        "chiffres",
        "evolution",
        "accueil-jeune-enfant",
        "equipements",
        "couverture",
        "zones-blanches",
        "qualite",
    ],
)
def test_every_table_downloads_as_csv(client, armentieres, name):
    response = client.get(url("diagnostic-table", name, "csv"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) >= 2, "a header and at least one row"


def test_tables_download_as_xlsx_and_unknown_ones_are_404(client, armentieres):
    response = client.get(url("diagnostic-table", "chiffres", "xlsx"))
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    assert client.get(url("diagnostic-table", "inconnu", "csv")).status_code == 404
    assert client.get(url("diagnostic-table", "chiffres", "exe")).status_code == 404


@pytest.mark.parametrize("theme", [t for t, _label, _public in THEMES])
def test_zones_page_for_each_theme_shows_threshold_and_population(client, armentieres, theme):
    response = client.get(url("diagnostic-zones"), {"theme": theme, "distance_m": 800})
    assert response.status_code == 200
    page = text(response)
    assert "800 m" in page
    assert "Zones blanches" in page
    geo = client.get(url("diagnostic-zones-geojson"), {"theme": theme, "distance_m": 800})
    assert geo.status_code == 200
    assert geo.json()["type"] == "FeatureCollection"


def test_zones_page_lists_the_structures_to_locate_as_a_warning(client, armentieres):
    from maillage.diagnostic.selectors import white_zones

    result = white_zones(territory=armentieres, theme="petite-enfance")
    assert result.excluded, "the real data has childcare structures « à localiser »"
    page = text(client.get(url("diagnostic-zones"), {"theme": "petite-enfance"}))
    assert 'class="warning validity"' in page
    assert "Non calculable" in page
    assert "0 des 175 places déclarées en petite enfance sont localisées" in page
    for t in result.validity.to_locate:
        assert t.name.replace("'", "&#x27;") in page
        assert f'href="{t.locate_path}"' in page
    # No percentage of people concerned, no map of zones blanches.
    assert (
        'id="carte-zones"' not in page and "sans structure à portée (zones blanches) —" not in page
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [("50", "au moins 100 m"), ("20000", "ne peut dépasser 10000 m"), ("loin", "nombre entier")],
)
def test_out_of_range_threshold_gets_a_french_message_on_the_field(
    client, armentieres, value, message
):
    response = client.get(url("diagnostic-zones"), {"theme": "enfance", "distance_m": value})
    assert response.status_code == 400
    page = text(response)
    assert 'id="id_distance_m_error"' in page
    assert message in page.replace("\xa0", "").replace("\u202f", "")
    geo = client.get(url("diagnostic-zones-geojson"), {"theme": "enfance", "distance_m": value})
    assert geo.status_code == 400
    assert "distance_m" in json.loads(geo.content)["erreurs"]


def test_unknown_theme_is_a_field_message_not_a_500(client, armentieres):
    response = client.get(url("diagnostic-zones"), {"theme": SCRIPT, "distance_m": "1000"})
    assert response.status_code == 400
    assert SCRIPT not in text(response)
    assert 'id="id_theme_error"' in text(response)


def test_quality_panel_lists_what_is_missing_and_old(client, armentieres, report):
    page = text(client.get(url("diagnostic-quality"))).replace("&#x27;", "'")
    for item in data_quality(territory=armentieres).missing_position:
        assert item.name in page
    assert report.quality.old_figures, "RP 2011 and 2016 figures are over five years old"
    assert "RP 2011" in page


def test_pages_escape_user_text(client, armentieres):
    from maillage.directory.models import Structure

    structure = Structure.objects.filter(territory=armentieres, x_l93__isnull=True).first()
    Structure.objects.filter(pk=structure.pk).update(name=SCRIPT)
    from maillage.territory.services import territory_touch

    territory_touch(territory=armentieres)
    for name in ("diagnostic-quality", "diagnostic"):
        page = text(client.get(url(name)))
        assert SCRIPT not in page
    assert "&lt;script&gt;" in text(client.get(url("diagnostic-quality")))


def test_report_is_recomputed_after_a_data_change(armentieres, report):
    from maillage.diagnostic.selectors import diagnostic_build
    from maillage.territory.services import territory_touch

    assert diagnostic_build(territory=armentieres) is not None
    territory_touch(territory=armentieres)
    again = diagnostic_build(territory=armentieres)
    assert again.data_version == report.data_version + 1


@pytest.mark.parametrize("name", ["zones-blanches-choix", "zones-influence", "accessibilite"])
def test_zones_page_tables_download_for_the_chosen_threshold(client, armentieres, name):
    from maillage.diagnostic.selectors import white_zones

    query = {"theme": "vie-sociale", "distance_m": "600"}
    page = text(client.get(url("diagnostic-zones"), query))
    assert url("diagnostic-table", name, "csv") in page
    response = client.get(url("diagnostic-table", name, "csv"), query)
    assert response.status_code == 200
    assert "600m" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    if name == "zones-blanches-choix":
        result = white_zones(territory=armentieres, theme="vie-sociale", max_distance_m=600)
        # Embedded data: no vie-sociale record located, so no zone but one row saying why
        # (before the validity guard this sheet listed « 100 % zone blanche »).
        assert not result.validity.computable and result.zones == []
        assert len(rows) == 2 and rows[1][0].startswith("non calculable : 0 des 5 lieux")
    bad = client.get(url("diagnostic-table", name, "csv"), {**query, "distance_m": "5"})
    assert bad.status_code == 400
