"""Every list of a territory in CSV, XLSX and ODS, rendered from the selectors' results."""

from __future__ import annotations

import pytest

from maillage.interop.lists import LISTS, list_table
from maillage.interop.tabular import read_table
from maillage.plan.selectors import indicator_results
from maillage.territory.selectors import territory_diagnostic

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_zone_and_figure_lists_match_the_diagnostic(armentieres, fmt):
    diagnostic = territory_diagnostic(territory=armentieres)
    zones = read_table(
        list_table(territory=armentieres, name="zones", fmt=fmt), filename=f"z.{fmt}"
    )
    assert [row["Code"] for _, row in zones.rows] == [z.code for z in diagnostic.zones]
    figures = read_table(
        list_table(territory=armentieres, name="chiffres", fmt=fmt), filename=f"c.{fmt}"
    )
    assert len(figures.rows) == len(diagnostic.figures)
    assert all(row["Source"] and row["Millésime"] for _, row in figures.rows)


def test_indicator_list_has_one_row_per_indicator_and_year(armentieres, client):
    results = indicator_results(territory=armentieres)
    table = read_table(
        list_table(territory=armentieres, name="indicateurs", fmt="csv"), filename="i.csv"
    )
    assert len(table.rows) == sum(len(r.years) for r in results)
    response = client.get("/api/v1/export/armentieres/listes/indicateurs.ods")
    assert response.status_code == 200
    assert len(read_table(response.content, filename="i.ods").rows) == len(table.rows)


def test_every_list_is_exported_in_every_format(armentieres):
    for name in LISTS:
        for fmt in ("csv", "xlsx", "ods"):
            table = read_table(
                list_table(territory=armentieres, name=name, fmt=fmt), filename=f"l.{fmt}"
            )
            assert table.columns


def test_the_echeancier_list_is_the_table_page_export(client, armentieres):
    """`maillage export liste echeancier` and the API list give the échéancier page's export:
    same columns (« En retard » included), same rows, same order."""
    import datetime as dt

    from django.urls import reverse

    from maillage.plan.models import Milestone
    from maillage.plan.services import milestone_create

    today = dt.date.today()
    milestone_create(
        territory=armentieres,
        title="Étape passée, à faire (exemple fictif)",
        due_date=today - dt.timedelta(days=3),
        status=Milestone.Status.PLANNED,
    )
    milestone_create(
        territory=armentieres,
        title="Étape reportée (exemple fictif)",
        due_date=today - dt.timedelta(days=3),
        status=Milestone.Status.POSTPONED,
    )
    listed = read_table(
        list_table(territory=armentieres, name="echeancier", fmt="csv"), filename="e.csv"
    )
    page = client.get(reverse("web:plan-table-export", args=["armentieres", "csv"]))
    exported = read_table(page.content, filename="p.csv")
    assert listed.columns == exported.columns
    assert "En retard" in listed.columns
    assert [cells for _, cells in listed.rows] == [cells for _, cells in exported.rows]
    late = {cells["Intitulé"]: cells["En retard"] for _, cells in listed.rows}
    assert late["Étape passée, à faire (exemple fictif)"] != late["Étape reportée (exemple fictif)"]
