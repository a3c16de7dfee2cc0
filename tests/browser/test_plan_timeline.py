"""The plan as a table and a timeline in Chromium, at 1280 and 390 px: the page never scrolls
sideways (the table and the frise scroll inside their own labelled region), axe-core finds no
violation, the filter form works without JavaScript, the SVG shows every échéance.

Échéances are created through the services for this test (« (test) »), on the real plan."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("MAILLAGE_SHOTS", "/tmp/maillage-shots"))
HOSTILE = "<img src=x onerror=alert(1)> Forum (test)"


def _steps() -> list[str]:
    from maillage.plan.models import Axis, Milestone, Objective
    from maillage.plan.services import milestone_create

    today = dt.date.today()
    axes = {a.number: a for a in Axis.objects.filter(convention__territory__slug="armentieres")}
    o11 = Objective.objects.get(axis=axes[1], number=1)
    made = [
        ("Recrutement du chargé de coopération (test)", -300, 1, o11, Milestone.Status.DONE),
        ("Diagnostic partagé des modes de garde (test)", -45, 1, None, Milestone.Status.PLANNED),
        ("Comité de pilotage annuel (test)", 30, 2, None, Milestone.Status.PLANNED),
        (HOSTILE, 90, 3, None, Milestone.Status.IN_PROGRESS),
        ("Guide des familles imprimé (test)", 200, None, None, Milestone.Status.POSTPONED),
    ]
    for title, days, axis, objective, status in made:
        milestone_create(
            territory=axes[1].convention.territory,
            title=title,
            due_date=today + dt.timedelta(days=days),
            axis=axes.get(axis) if axis else None,
            objective=objective,
            owner="Ville d'Armentières",
            status=status,
        )
    from maillage.plan.services import activity_record

    activity_record(
        territory=axes[1].convention.territory,
        date=today - dt.timedelta(days=20),
        kind="groupe de travail",
        title="Groupe de travail parentalité (test)",
        axes=[3],
    )
    return [m[0] for m in made]


def _no_sideways_scroll(page, where: str) -> None:
    width, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"{where} : page de {width} px pour un écran de {inner} px"


@pytest.mark.parametrize("width", [1280, 390])
def test_table_and_timeline_fit_the_screen_and_are_accessible(
    live_data, page, assert_accessible, width
):
    titles = _steps()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})

    page.goto(live_data + "/territoire/armentieres/plan/tableau/")
    assert page.locator(".table-scroll[role=region] table.figures tbody tr").count() == 5
    _no_sideways_scroll(page, f"tableau {width}")
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / f"plan-tableau-{width}.png"), full_page=True)
    # The filter form is a plain GET form: submitted with its button, the server filters.
    page.select_option("#id_statut", "en-retard")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**statut=en-retard**")
    rows = page.locator("table.figures tbody tr")
    assert rows.count() == 1
    assert "Diagnostic partagé" in rows.first.inner_text()
    # The « réalisées » view: the journal's activities, same filters and layout.
    page.get_by_role("link", name="Réalisées : activités du journal").click()
    page.wait_for_url("**vue=realisees**")
    assert page.locator("caption#t-echeances").inner_text().startswith("Activités réalisées")
    assert "Groupe de travail parentalité" in page.locator("table.figures tbody").inner_text()
    _no_sideways_scroll(page, f"réalisées {width}")
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / f"plan-realisees-{width}.png"), full_page=True)

    page.goto(live_data + "/territoire/armentieres/echeancier/frise/")
    svg = page.locator("svg[role=img]")
    assert svg.count() == 1
    marker_titles = svg.locator("g.echeance > title").all_text_contents()
    assert len(marker_titles) == 5
    for title in titles:
        assert any(title in t for t in marker_titles), title
    assert page.locator("img[src=x]").count() == 0  # the hostile title stayed text
    assert page.get_by_role("region", name="Frise des échéances (défilante)").count() == 1
    _no_sideways_scroll(page, f"frise {width}")
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / f"plan-frise-{width}.png"), full_page=True)
