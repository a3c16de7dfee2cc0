"""The plan as a table and a timeline (issue 18): filters, export of exactly the filtered rows,
the frise (SVG) and its text alternative, the iCalendar feed of échéances.

The plan is Armentières' real one; the échéances are created here through the services and
named « (test) »: they exist only in this test's transaction.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import icalendar
import pytest
from django.urls import reverse

from maillage.interop.tabular import read_table
from maillage.plan.models import Axis, Milestone, Objective
from maillage.plan.services import milestone_create, milestone_update

from .conftest import SCRIPT

TODAY = dt.date.today()


def url(name, *args, **query):
    base = reverse(f"web:{name}", args=["armentieres", *args])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def steps(armentieres):
    axis1 = Axis.objects.get(convention__territory=armentieres, number=1)
    axis2 = Axis.objects.get(convention__territory=armentieres, number=2)
    o11 = Objective.objects.get(axis=axis1, number=1)
    o12 = Objective.objects.get(axis=axis1, number=2)

    def make(title, due, **kw):
        return milestone_create(territory=armentieres, title=f"{title} (test)", due_date=due, **kw)

    return {
        "late": make(
            "Recruter le chargé",
            TODAY - dt.timedelta(days=40),
            axis=axis1,
            objective=o11,
            owner="Ville d'Armentières",
            status=Milestone.Status.PLANNED,
        ),
        "done": make(
            "Cartographie publiée",
            TODAY - dt.timedelta(days=10),
            axis=axis1,
            objective=o12,
            owner="CAF du Nord",
            status=Milestone.Status.DONE,
        ),
        "coming": make(
            "Forum des familles",
            TODAY + dt.timedelta(days=50),
            axis=axis2,
            owner="Ville d'Armentières",
            status=Milestone.Status.IN_PROGRESS,
        ),
        "dropped": make(
            "Guide papier", TODAY + dt.timedelta(days=80), status=Milestone.Status.CANCELLED
        ),
    }


def titles(response):
    return [r.title for r in response.context["page"].object_list]


def test_table_lists_every_echeance_by_date_for_anyone(client, steps):
    response = client.get(url("plan-table"))
    assert response.status_code == 200
    assert titles(response) == [steps[k].title for k in ("late", "done", "coming", "dropped")]
    html = response.content.decode()
    assert '<span class="status status-realise">réalisé</span>' in html
    assert html.count('<strong class="late-label">en retard</strong>') == 1
    assert 'role="region" aria-labelledby="t-echeances"' in html  # scrolls on a phone


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"axe": 1}, ["late", "done"]),
        ({"objectif": "1.2"}, ["done"]),
        ({"porteur": "Ville d'Armentières"}, ["late", "coming"]),
        ({"statut": "en_cours"}, ["coming"]),
        ({"statut": "en-retard"}, ["late"]),
        (
            {
                "du": (TODAY - dt.timedelta(days=20)).isoformat(),
                "au": (TODAY + dt.timedelta(days=60)).isoformat(),
            },
            ["done", "coming"],
        ),
        ({"axe": 1, "statut": "realise"}, ["done"]),
    ],
)
def test_filters_keep_the_right_rows(client, steps, query, expected):
    response = client.get(url("plan-table"), query)
    assert response.status_code == 200
    assert titles(response) == [steps[k].title for k in expected]


def test_unknown_filter_value_is_an_error_not_a_500(client, steps):
    response = client.get(url("plan-table"), {"statut": "inconnu", "du": "demain"})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert len(titles(response)) == 4  # the invalid filters are ignored


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "ods"])
def test_export_holds_exactly_the_filtered_table(client, steps, fmt):
    query = {"porteur": "Ville d'Armentières"}
    table = client.get(url("plan-table"), query).context["page"].object_list
    response = client.get(url("plan-table-export", fmt), query)
    assert response.status_code == 200
    assert f"echeances-ctg-armentieres.{fmt}" in response["Content-Disposition"]
    sheet = read_table(response.content, filename=f"export.{fmt}")
    assert sheet.columns[:7] == [
        "Axe",
        "Objectif",
        "Intitulé",
        "Porteur",
        "Statut",
        "En retard",
        "Échéance",
    ]
    rows = [cells for _line, cells in sheet.rows]
    assert [r["Intitulé"] for r in rows] == [r.title for r in table]
    assert [r["Statut"] for r in rows] == [r.status_label for r in table]
    assert [r["En retard"] for r in rows] == ["oui", "non"]
    assert rows[0]["Axe"].startswith("1. ") and rows[0]["Objectif"].startswith("1.1 ")


def test_export_of_an_unknown_format_is_a_404(client, steps):
    assert client.get(url("plan-table-export", "exe")).status_code == 404


def test_timeline_svg_shows_every_echeance_and_escapes_titles(client, steps, armentieres):
    milestone_create(territory=armentieres, title=SCRIPT, due_date=TODAY)
    response = client.get(url("plan-timeline"))
    assert response.status_code == 200
    html = response.content.decode()
    assert SCRIPT not in html
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    root = ET.fromstring(svg)  # well-formed: every text escaped
    ns = {"s": "http://www.w3.org/2000/svg"}
    marker_titles = [t.text for t in root.findall(".//s:g[@class='echeance']/s:title", ns)]
    assert len(marker_titles) == 5
    for m in steps.values():
        assert any(m.title in t for t in marker_titles), m.title
    assert any(SCRIPT in t for t in marker_titles)  # the text itself, escaped in the markup
    assert "&lt;script&gt;" in svg
    late = next(t for t in marker_titles if steps["late"].title in t)
    assert "en retard" in late
    lanes = [t.text for t in root.findall("./s:g/s:title", ns)]
    assert any(t.startswith("Axe 1") for t in lanes) and any(
        t.startswith("Sans axe") for t in lanes
    )
    assert root.find("s:title", ns).text.startswith("Frise de l'échéancier")
    # Text alternative: the same échéances, numbered as the markers.
    assert [r.title for _n, r in response.context["frise"].items][:2] == [
        steps["late"].title,
        steps["done"].title,
    ]
    assert 'aria-labelledby="t-frise"' in html


def test_timeline_follows_the_filters(client, steps):
    response = client.get(url("plan-timeline"), {"axe": 2})
    assert [r.title for _n, r in response.context["frise"].items] == [steps["coming"].title]
    assert f"{reverse('web:plan-table-export', args=['armentieres', 'xlsx'])}?axe=2" in (
        response.content.decode()
    )


def _events(body):
    cal = icalendar.Calendar.from_ical(body)
    return {str(e["summary"]): e for e in cal.walk("VEVENT")}


def test_ical_feed_one_all_day_event_per_echeance_with_stable_uids(client, steps):
    first = client.get(url("plan-schedule-ics"))
    assert first.status_code == 200
    assert first["Content-Type"].startswith("text/calendar")
    events = _events(first.content)
    assert len(events) == len(steps)
    again = _events(client.get(url("plan-schedule-ics")).content)
    assert {str(e["uid"]) for e in events.values()} == {str(e["uid"]) for e in again.values()}
    coming = events[f"Échéance CTG — {steps['coming'].title}"]
    assert coming.decoded("dtstart") == steps["coming"].due_date  # a date: all-day
    assert coming.decoded("dtend") == steps["coming"].due_date + dt.timedelta(days=1)
    assert "Statut : en cours" in str(coming["description"])
    assert "dtstamp" in coming
    dropped = events[f"Échéance CTG — {steps['dropped'].title}"]
    assert str(dropped["status"]) == "CANCELLED"
    assert str(coming["status"]) == "CONFIRMED"


def test_ical_sequence_goes_up_when_an_echeance_changes(client, steps):
    before = _events(client.get(url("plan-schedule-ics")).content)
    old = before[f"Échéance CTG — {steps['coming'].title}"]
    assert int(old["sequence"]) == 0
    milestone_update(milestone=steps["coming"], due_date=TODAY + dt.timedelta(days=90))
    after = _events(client.get(url("plan-schedule-ics")).content)
    new = after[f"Échéance CTG — {steps['coming'].title}"]
    assert str(new["uid"]) == str(old["uid"])
    assert int(new["sequence"]) == 1
    assert new.decoded("dtstart") == TODAY + dt.timedelta(days=90)
    assert "last-modified" in new


def test_schedule_page_links_the_table_the_timeline_and_the_feed(client, armentieres):
    html = client.get(url("plan-schedule")).content.decode()
    for name in ("plan-table", "plan-timeline", "plan-schedule-ics"):
        assert reverse(f"web:{name}", args=["armentieres"]) in html


@pytest.mark.parametrize("name", ["plan-table", "plan-timeline", "plan-schedule-ics"])
def test_pages_are_public_like_the_schedule_and_read_only(client, steps, name):
    assert client.get(url(name)).status_code == 200
    assert client.post(url(name)).status_code == 405
    assert (
        client.get(f"/territoire/nulle-part/{url(name).split('/armentieres/')[1]}").status_code
        == 404
    )


def test_one_late_rule_on_the_schedule_the_copil_and_the_portfolio(armentieres, steps):
    """A step still to do and past its date is « en retard » on every page and document; a
    postponed step past its date is not (it has no date to be late on), nor a done one."""
    from maillage.plan.copil import _next_milestones
    from maillage.plan.schedule_table import schedule_rows

    postponed = milestone_create(
        territory=armentieres,
        title="Étude des besoins reportée (test)",
        due_date=TODAY - dt.timedelta(days=5),
        status=Milestone.Status.POSTPONED,
    )
    expected = {steps["late"].title}
    assert {r.title for r in schedule_rows(territory=armentieres) if r.late} == expected
    copil = _next_milestones(armentieres, TODAY)
    assert postponed.title in {m.title for m in copil}  # listed among the open steps…
    assert {m.title for m in copil if m.late} == expected  # …but not late
    assert [m.title for m in Milestone.objects.all() if m.is_late(TODAY)] == [steps["late"].title]


@pytest.fixture
def done(armentieres, activity):
    """Two journal activities (the conftest's, axis 1 on 14/05/2024, and one of axis 2)."""
    from maillage.plan.services import activity_record

    other = activity_record(
        territory=armentieres,
        date=dt.date(2025, 2, 3),
        kind="groupe de travail",
        title="Réunion parentalité (test)",
        axes=[2],
    )
    return {"axis1": activity, "axis2": other}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["axis1", "axis2"]),
        ({"axe": 2}, ["axis2"]),
        ({"objectif": "1.1"}, ["axis1"]),
        ({"du": "2025-01-01"}, ["axis2"]),
    ],
)
def test_done_view_lists_the_journal_filtered(client, done, steps, query, expected):
    response = client.get(url("plan-table"), {"vue": "realisees", **query})
    assert response.status_code == 200
    assert titles(response) == [done[k].title for k in expected]
    assert 'aria-current="page">Réalisées' in response.content.decode()


def test_done_view_export_equals_its_table(client, done):
    query = {"vue": "realisees", "axe": 1}
    table = client.get(url("plan-table"), query).context["page"].object_list
    response = client.get(url("plan-table-export", "xlsx"), query)
    assert "realisees-ctg-armentieres.xlsx" in response["Content-Disposition"]
    rows = [cells for _line, cells in read_table(response.content, filename="r.xlsx").rows]
    assert [r["Intitulé"] for r in rows] == [r.title for r in table] == [done["axis1"].title]
    assert rows[0]["Axes"] == "1" and rows[0]["Objectifs"] == "1.1"


def test_tabs_keep_the_shared_filters_only(client, steps):
    response = client.get(
        url("plan-table"), {"axe": 1, "statut": "prevu", "porteur": "CAF du Nord"}
    )
    links = response.context["links"]
    assert "axe=1" in links["tab_done"] and "vue=realisees" in links["tab_done"]
    assert "statut" not in links["tab_done"] and "porteur" not in links["tab_done"]
    back = client.get(url("plan-table"), {"axe": 1, "vue": "realisees"}).context["links"]
    assert back["tab_schedule"].endswith("?axe=1")


def test_long_table_is_paginated_and_the_export_has_every_page(client, armentieres):
    start = dt.date(2024, 1, 1)
    for i in range(55):
        milestone_create(
            territory=armentieres, title=f"Étape {i:02d} (test)", due_date=start + dt.timedelta(i)
        )
    first = client.get(url("plan-table"))
    assert len(titles(first)) == 50
    second = client.get(url("plan-table"), {"page": 2})
    assert titles(second) == [f"Étape {i:02d} (test)" for i in range(50, 55)]
    assert "page=2" in first.content.decode()
    export = client.get(url("plan-table-export", "csv"))
    assert len(read_table(export.content, filename="e.csv").rows) == 55


@pytest.mark.parametrize("path", ["plan/tableau/", "echeancier/frise/"])
def test_a_territory_without_plan_says_so_like_the_schedule(client, fictif, path):
    for page in ("echeancier/", path):
        response = client.get(f"/territoire/{fictif.territory.slug}/{page}")
        assert response.status_code == 200
        assert "pas encore de plan d'action" in response.content.decode()


@pytest.mark.parametrize("path", ["plan/tableau.xlsx", "echeances.ics"])
def test_a_territory_without_plan_has_no_file_to_download(client, fictif, path):
    assert client.get(f"/territoire/{fictif.territory.slug}/{path}").status_code == 404
