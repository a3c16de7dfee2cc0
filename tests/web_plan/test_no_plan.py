"""A territory without a plan (built from the national files, issue 17): the plan's pages say so
and how to create it (200, ``plan/no_plan.html``) instead of a 404; the documents that need a plan
stay a French 404; a territory with a plan is unchanged."""

from __future__ import annotations

import pytest
from django.urls import reverse
from factories import coordinator, partner

from maillage.plan.models import Convention

MESSAGE = "Ce territoire n'a pas encore de plan d'action"
NOT_YET = "Le chargé de coopération ne l'a pas encore saisi."

PUBLIC_PAGES = ["plan", "plan-indicators", "plan-journal", "plan-schedule", "plan-bilan-page"]


def url(territory, name, *args):
    return reverse(f"web:{name}", args=[territory.slug, *args])


@pytest.fixture
def bare(fictif):
    """The synthetic territory (*exemple fictif*), loaded without any plan."""
    assert not Convention.objects.filter(territory=fictif.territory).exists()
    return fictif.territory


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_each_page_of_the_plan_says_there_is_no_plan_yet(client, bare, name):
    response = client.get(url(bare, name))
    assert response.status_code == 200
    html = response.content.decode()
    assert MESSAGE in html
    assert "axes, leurs objectifs opérationnels" in html  # what the plan is
    assert NOT_YET in html
    assert reverse("web:plan-import", args=[bare.slug]) not in html
    assert reverse("web:login") + "?next=" in html  # the coordinator may just not be logged in
    assert 'aria-current="page"' in html  # the menu still shows where the visitor is


def test_the_coordinator_is_shown_how_to_create_the_plan(client, bare):
    client.force_login(coordinator(bare))
    for name in [*PUBLIC_PAGES, "plan-copil", "plan-copil-new", "plan-activity-new"]:
        response = client.get(url(bare, name))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert MESSAGE in html
        assert NOT_YET not in html
        assert f'href="{reverse("web:plan-import", args=[bare.slug])}"' in html
        assert "Importer un plan" in html
        for fmt in ("xlsx", "ods", "csv"):
            assert reverse("web:plan-template", args=[bare.slug, fmt]) in html
        assert f"maillage plan importer plan.xlsx --territory {bare.slug}" in html


def test_the_template_offered_downloads(client, bare):
    client.force_login(coordinator(bare))
    response = client.get(reverse("web:plan-template", args=[bare.slug, "xlsx"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')


def test_a_partner_reads_the_message_without_the_import_link(client, bare):
    client.force_login(partner(bare))
    for name in [*PUBLIC_PAGES, "plan-copil"]:
        html = client.get(url(bare, name)).content.decode()
        assert MESSAGE in html and NOT_YET in html, name
        assert reverse("web:plan-import", args=[bare.slug]) not in html
        assert reverse("web:login") + "?next=" not in html


def test_the_copil_still_needs_a_role(client, bare):
    assert client.get(url(bare, "plan-copil")).status_code == 302  # to the login page
    client.force_login(partner(bare))
    assert client.get(url(bare, "plan-copil-new")).status_code == 403


def test_a_form_sent_without_a_plan_writes_nothing(client, bare):
    from maillage.plan.models import Activity, CopilMeeting, Milestone

    client.force_login(coordinator(bare))
    sent = {"date": "2025-03-01", "title": "COPIL", "kind": "réunion"}
    for name in ["plan-copil-new", "plan-activity-new", "plan-milestone-new"]:
        response = client.post(url(bare, name), sent)
        assert response.status_code == 409, name
        assert MESSAGE in response.content.decode()
    assert not CopilMeeting.objects.filter(territory=bare).exists()
    assert not Activity.objects.filter(territory=bare).exists()
    assert not Milestone.objects.filter(convention__territory=bare).exists()


@pytest.mark.parametrize(
    "name,args",
    [
        ("plan-bilan", ["pdf"]),
        ("plan-bilan", ["docx"]),
        ("plan-bilan", ["xlsx"]),
        ("plan-copil-deck", ["pptx"]),
        ("plan-journal-export", ["csv"]),
        ("plan-journal-geojson", []),
        ("plan-export", ["xlsx"]),
    ],
)
def test_documents_that_need_a_plan_stay_a_french_404(client, bare, name, args):
    client.force_login(coordinator(bare))
    response = client.get(url(bare, name, *args))
    assert response.status_code == 404
    html = response.content.decode()
    assert "pas de plan d&#x27;action" in html or "pas encore de plan d&#x27;action" in html


@pytest.mark.parametrize(
    "name,template",
    [
        ("plan", "plan/tree.html"),
        ("plan-indicators", "plan/indicators.html"),
        ("plan-journal", "plan/journal.html"),
        ("plan-schedule", "plan/schedule.html"),
        ("plan-bilan-page", "plan/bilan.html"),
    ],
)
def test_a_territory_with_a_plan_is_unchanged(client, armentieres, name, template):
    response = client.get(url(armentieres, name))
    assert response.status_code == 200
    used = [t.name for t in response.templates]
    assert template in used and "plan/no_plan.html" not in used
    assert MESSAGE not in response.content.decode()


def test_armentieres_copil_and_plan_tree_keep_their_content(client, armentieres):
    client.force_login(coordinator(armentieres))
    html = client.get(url(armentieres, "plan")).content.decode()
    assert "Objectifs opérationnels" in html and MESSAGE not in html
    copil = client.get(url(armentieres, "plan-copil")).content.decode()
    assert "Comités de pilotage (COPIL)" in copil and MESSAGE not in copil
    assert client.get(url(armentieres, "plan-bilan", "xlsx")).status_code == 200
