"""The opening-hours editor on a structure's edit page (Playwright, offline): a partner writes
« sur rendez-vous » on a day and « fermé pendant les vacances scolaires » with the table; the
text field holds the OSM value the server accepts, and the coordinator's save stores it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from accounts.roles import make_user, organisations
from django.test import Client

from maillage.directory import opening_hours
from maillage.directory.models import Structure
from maillage.territory.models import Territory

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/maillage-screenshots")
EXPECTED = 'Mo 09:00-12:00 "sur rendez-vous"; Tu 14:00-17:00; SH off; PH off'


def test_editor_writes_appointments_and_school_holidays(live_data, browser, assert_accessible):
    SHOTS.mkdir(exist_ok=True)
    territory = Territory.objects.get(slug="armentieres")
    coordinator = make_user(territory, "coordinator")
    place = organisations(territory).structure_a
    client = Client()
    client.force_login(coordinator)
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_data}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_data}/territoire/armentieres/espace/structures/{place.pk}/modifier/")
    editor = page.locator(".oh-editor").first
    editor.wait_for(state="visible")
    raw = page.get_by_label("horaires d'ouverture")
    raw.fill("")
    raw.dispatch_event("input")
    monday = editor.locator("[data-oh-day='Mo']")
    monday.get_by_role("button", name="Ajouter une plage le lundi").click()
    monday.get_by_label("Lundi, plage 1 : début").fill("09:00")
    monday.get_by_label("Lundi, plage 1 : fin").fill("12:00")
    monday.get_by_label("sur rendez-vous").check()
    tuesday = editor.locator("[data-oh-day='Tu']")
    tuesday.get_by_role("button", name="Ajouter une plage le mardi").click()
    tuesday.get_by_label("Mardi, plage 1 : début").fill("14:00")
    tuesday.get_by_label("Mardi, plage 1 : fin").fill("17:00")
    editor.get_by_label("fermé pendant les vacances scolaires").check()
    editor.get_by_label("fermé les jours fériés").check()
    assert raw.input_value() == EXPECTED
    assert opening_hours.validate(EXPECTED) is None
    page.screenshot(path=str(SHOTS / "horaires-editeur-390.png"), full_page=True)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]
    assert_accessible(page)
    # Typing a value the editor can show refills the table (SH and comments included).
    raw.fill('Fr 08:00-10:00 "sur rendez-vous"; SH off')
    raw.dispatch_event("input")
    friday = editor.locator("[data-oh-day='Fr']")
    assert friday.get_by_label("Vendredi, plage 1 : début").input_value() == "08:00"
    assert friday.get_by_label("sur rendez-vous").is_checked()
    assert editor.get_by_label("fermé pendant les vacances scolaires").is_checked()
    assert not editor.get_by_label("fermé les jours fériés").is_checked()
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Enregistrer|Proposer")).click()
    assert "/modifier/" not in page.url
    saved = Structure.objects.get(pk=place.pk).opening_hours
    assert saved == 'Fr 08:00-10:00 "sur rendez-vous"; SH off'
    context.close()
