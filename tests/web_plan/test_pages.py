"""Public plan pages: tree, indicator dashboard and drill-down, journal, map data, échéancier."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from factories import coordinator

from maillage.plan.models import Axis, Indicator, Objective
from maillage.plan.services import activity_record, milestone_create

from .conftest import SCRIPT


def url(name, *args, **query):
    base = reverse(f"web:{name}", args=["armentieres", *args])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.parametrize(
    "name", ["plan", "plan-indicators", "plan-journal", "plan-schedule", "plan-bilan-page"]
)
def test_public_pages_render_without_login(client, armentieres, name):
    response = client.get(url(name))
    assert response.status_code == 200
    assert b'lang="fr"' in response.content


def test_unknown_territory_is_a_404(client, db):
    assert client.get("/territoire/nulle-part/plan/").status_code == 404


def test_plan_tree_shows_every_axis_objective_and_indicator(client, armentieres):
    html = client.get(url("plan")).content.decode()
    for axis in Axis.objects.all():
        assert axis.title.replace("'", "&#x27;") in html
    for objective in Objective.objects.all():
        assert objective.title.replace("'", "&#x27;") in html
    for indicator in Indicator.objects.all():
        assert reverse("web:plan-indicator", args=["armentieres", indicator.pk]) in html
    assert "Cartographier les structures et leur zone d&#x27;influence" in html  # a sub-point


def test_dashboard_counts_the_journal(client, activity):
    indicator = Indicator.objects.get(axis__number=1, number=1)  # groupes de travail, axe 1
    html = client.get(url("plan-indicators")).content.decode()
    assert reverse("web:plan-indicator-chart", args=["armentieres", indicator.pk]) in html
    detail = client.get(url("plan-indicator", indicator.pk)).content.decode()
    assert "Groupe de travail AVS" in detail  # the activity behind the 2024 value
    assert reverse("web:plan-activity", args=["armentieres", activity.pk]) in detail


def test_indicator_of_another_plan_is_a_404(client, armentieres):
    assert client.get(url("plan-indicator", 999999)).status_code == 404


def test_indicator_chart_is_svg_with_the_years(client, activity):
    indicator = Indicator.objects.get(axis__number=1, number=1)
    response = client.get(url("plan-indicator-chart", indicator.pk))
    assert response["Content-Type"] == "image/svg+xml"
    body = b"".join(response)
    assert b"<svg" in body and b"2023" in body and b"2026" in body


def test_journal_filters_by_year_axis_kind_and_quartier(client, armentieres, activity):
    activity_record(
        territory=armentieres,
        date=dt.date(2025, 2, 3),
        kind="action de prévention",
        title="Atelier écrans",
        axes=[2],
    )
    both = client.get(url("plan-journal")).content.decode()
    assert "Groupe de travail AVS" in both and "Atelier écrans" in both
    for query in (
        {"annee": 2024},
        {"axe": 1},
        {"type": "groupe-de-travail"},
        {"quartier": "QP059069"},
    ):
        html = client.get(url("plan-journal", **query)).content.decode()
        assert "Groupe de travail AVS" in html and "Atelier écrans" not in html, query
    html = client.get(url("plan-journal", annee=2030)).content.decode()
    assert "Sélectionnez un choix valide" in html  # French message, filter ignored


def test_journal_geojson_counts_activities_per_zone(client, activity):
    data = client.get(url("plan-journal-geojson")).json()
    zones = {
        f["properties"]["code"]: f["properties"]
        for f in data["features"]
        if f["properties"]["layer"] == "activites"
    }
    assert zones["QP059069"]["count"] == 1
    assert zones["QP059070"]["count"] == 0
    filtered = client.get(url("plan-journal-geojson", annee=2023)).json()
    assert all(f["properties"].get("count", 0) == 0 for f in filtered["features"])


def test_schedule_lists_milestones_by_due_date_and_flags_late_ones(client, armentieres):
    today = dt.date.today()
    milestone_create(
        territory=armentieres,
        title="Comité de pilotage annuel",
        due_date=today + dt.timedelta(days=60),
    )
    milestone_create(
        territory=armentieres,
        title="Recrutement du chargé de coopération",
        due_date=today - dt.timedelta(days=30),
    )
    html = client.get(url("plan-schedule")).content.decode()
    assert html.index("Recrutement du chargé") < html.index("Comité de pilotage annuel")
    assert html.count('<strong class="late-label">en retard</strong>') == 1
    assert "1 étape en retard" in html


def test_stored_script_is_escaped_on_every_page(client, armentieres, django_user_model):
    bad = activity_record(
        territory=armentieres,
        date=dt.date(2025, 3, 4),
        kind="groupe de travail",
        title=SCRIPT,
        axes=[1],
        partners=[SCRIPT],
        description=SCRIPT,
    )
    milestone_create(territory=armentieres, title=SCRIPT, due_date=dt.date(2025, 6, 1), note=SCRIPT)
    indicator = Indicator.objects.get(axis__number=1, number=1)
    pages = [
        url("plan-journal"),
        url("plan-activity", bad.pk),
        url("plan-indicator", indicator.pk),
        url("plan-indicators"),
        url("plan-schedule"),
        url("plan"),
    ]
    for page in pages:
        html = client.get(page).content.decode()
        assert SCRIPT not in html, page
    edit = reverse("web:plan-activity-edit", args=["armentieres", bad.pk])
    client.force_login(coordinator(armentieres, username="coordination", password="x-y-z-123456"))
    html = client.get(edit).content.decode()
    assert SCRIPT not in html and "&lt;script&gt;" in html
    for page in pages[:3] + [url("plan-schedule")]:
        assert "&lt;script&gt;" in client.get(page).content.decode(), page


def test_bilan_downloads(client, activity):
    response = client.get(url("plan-bilan", "xlsx", annee=2024))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "bilan-ctg-armentieres-2024.xlsx" in response["Content-Disposition"]
    assert client.get(url("plan-bilan", "exe")).status_code == 404
    assert client.get(url("plan-bilan", "xlsx", annee=2019)).status_code == 404


def test_journal_export_keeps_the_filters_and_reimports(client, armentieres, activity):
    from maillage.interop.tabular import read_table

    activity_record(
        territory=armentieres, date=dt.date(2025, 2, 3), kind="commission", title="CLAS", axes=[4]
    )
    response = client.get(url("plan-journal-export", "csv", annee=2024))
    table = read_table(b"".join(response), filename="journal.csv")
    assert [row["titre"] for _, row in table.rows] == ["Groupe de travail AVS"]
    assert table.rows[0][1]["quartiers"] == "Attargette - Chanzy"
    assert client.get(url("plan-journal-export", "pdf")).status_code == 404


def test_bilan_download_follows_the_journal(client, armentieres, activity):
    """A cached bilan is never stale: a new journal entry changes the next download."""
    import io

    from openpyxl import load_workbook

    def titles():
        data = b"".join(client.get(url("plan-bilan", "xlsx", annee=2024)))
        sheet = load_workbook(io.BytesIO(data), read_only=True)["Activités"]
        return sorted(r[1] for r in list(sheet.iter_rows(values_only=True))[1:])

    assert titles() == ["Groupe de travail AVS"]
    activity_record(
        territory=armentieres, date=dt.date(2024, 9, 2), kind="commission", title="CLAS", axes=[4]
    )
    assert titles() == ["CLAS", "Groupe de travail AVS"]


def test_journal_is_paged_and_labels_the_fictional_journal(client, armentieres):
    from maillage.plan.fictif import demo_journal_load
    from maillage.plan.models import Activity

    demo_journal_load(territory=armentieres, count=60, today=dt.date(2025, 11, 28))
    first = client.get(url("plan-journal"))
    second = client.get(url("plan-journal", page=2))
    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == Activity.objects.count() - 50
    assert "Dont 60 « exemple fictif »" in first.content.decode()
    filtered = client.get(url("plan-journal", axe=1)).content.decode()
    expected = Activity.objects.filter(axes__number=1).count()
    assert f"{expected} activités." in filtered


def test_the_journal_page_declares_a_year_complete_and_the_dashboard_follows(
    coordinator_client, activity
):
    """Issue 14: an undeclared year reads « non renseigné »; the coordinator declares it."""
    from django.test import Client

    from maillage.accounts.models import ChangeRecord
    from maillage.plan.models import JournalYear

    client = Client()  # anonymous

    journal = client.get(url("plan-journal")).content.decode()
    assert "non déclaré complet" in journal and "Déclarer le journal" not in journal
    indicators = client.get(url("plan-indicators")).content.decode()
    assert "non renseigné" in indicators
    assert client.post(url("plan-journal-year"), {"year": "2024"}).status_code == 302
    assert not JournalYear.objects.exists()  # anonymous: sent to the login page
    page = coordinator_client.get(url("plan-journal")).content.decode()
    assert "Déclarer le journal 2024 complet" in page
    response = coordinator_client.post(url("plan-journal-year"), {"year": "2024"})
    assert response.status_code == 302
    assert list(JournalYear.objects.values_list("year", flat=True)) == [2024]
    assert ChangeRecord.objects.filter(object_id=str(JournalYear.objects.get().pk)).exists()
    assert "déclaré complet le" in coordinator_client.get(url("plan-journal")).content.decode()
    bad = coordinator_client.post(url("plan-journal-year"), {"year": "99999999999999999999"})
    assert bad.status_code == 302 and JournalYear.objects.count() == 1


def test_the_plan_page_shows_the_study_subjects_verbatim(client, armentieres):
    html = client.get(url("plan")).content.decode()
    assert "Les sujets d&#x27;étude" in html or "Les sujets d'étude" in html
    assert "Développer des « passerelles d&#x27;accompagnement »" in html
    assert html.index("Egalité des chances") < html.index("Axe 1 — Animation")
