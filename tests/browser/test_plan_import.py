"""« Importer un plan » in a browser: the coordinator of a new territory (*exemple fictif*)
uploads Armentières' plan exported to the template, reads the simulation, confirms, and lands on
the plan page; a file with a wrong indicator kind shows the problem and writes nothing.
Screenshots at 1280 and 390 px; axe-core on every page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from factories import TerritoryFactory, coordinator

from maillage.interop.tabular import write_table
from maillage.plan.models import Axis
from maillage.plan.plan_io import PLAN_COLUMNS, plan_export, plan_rows
from maillage.territory.models import Territory

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/maillage-screenshots")


def _shoot(page, name: str, assert_accessible) -> None:
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"{page.url} : {widths[0]} px pour {widths[1]} px"
        page.screenshot(path=str(SHOTS / f"plan-import-{name}-{width}.png"), full_page=True)
        assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_coordinator_imports_a_plan_into_a_new_territory(
    live_data, browser, assert_accessible, tmp_path, settings
):
    SHOTS.mkdir(exist_ok=True)
    settings.VAR_DIR = tmp_path
    armentieres = Territory.objects.get(slug="armentieres")
    good = tmp_path / "plan.xlsx"
    good.write_bytes(plan_export(territory=armentieres, fmt="xlsx"))
    rows = [
        r | {"mode de calcul": "sondage"}
        if (r["élément"], r["code"]) == ("indicateur", "2.2")
        else r
        for r in plan_rows(territory=armentieres)
    ]
    bad = tmp_path / "plan-faux.csv"
    bad.write_bytes(write_table(rows, columns=PLAN_COLUMNS, fmt="csv"))
    target = TerritoryFactory(period_start=2023, period_end=2026)
    client = Client()
    client.force_login(coordinator(target))
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_data}]
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_data}/territoire/{target.slug}/plan/importer/")
    _shoot(page, "vide", assert_accessible)

    page.get_by_label("Fichier du plan").set_input_files(str(bad))
    page.get_by_role("button", name="Simuler l'import").click()
    page.get_by_text("mode de calcul « sondage » inconnu").wait_for()
    _shoot(page, "refus", assert_accessible)
    assert not Axis.objects.filter(convention__territory=target).exists()

    page.get_by_label("Fichier du plan").set_input_files(str(good))
    page.get_by_role("button", name="Simuler l'import").click()
    page.get_by_role("row", name="axes 4 0 0 0").wait_for()
    _shoot(page, "simulation", assert_accessible)
    page.get_by_role("button", name="Confirmer l'import du plan").click()
    page.wait_for_url(re.compile(rf"/territoire/{target.slug}/plan/$"))
    page.get_by_text("Plan d'action importé.").wait_for()
    assert Axis.objects.filter(convention__territory=target).count() == 4
    _shoot(page, "plan", assert_accessible)
