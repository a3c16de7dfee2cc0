"""« Inscrire ce support au journal » in a real browser: the coordinator chooses the widget's
filters on the audience page, records it, reads the success message and finds the link to the
new journal activity; axe-core finds no WCAG 2.1 AA violation at 1280 and 390 px and the page
fits a phone. Screenshots in ``$MAILLAGE_SCREENSHOTS`` when set (to look at them)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .test_widget_browser import ARGS, CHROMIUM, _ensure_dataset, _restore_dataset  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"), reason="Chromium absent (/usr/bin/chromium)"
)
def test_the_coordinator_records_the_widget_from_the_audience_page(transactional_db, live_server):
    from axe_playwright_python.sync_playwright import Axe
    from django.test import Client
    from django.utils import timezone
    from factories import coordinator
    from playwright.sync_api import sync_playwright

    from maillage.directory.models import Structure
    from maillage.plan.models import Activity
    from maillage.territory.models import Territory
    from maillage.usage.services import record

    _ensure_dataset()
    territory = Territory.objects.get(slug="armentieres")
    fiche = Structure.objects.filter(territory=territory, published=True).order_by("pk").first()
    record(territory=territory, kind="fiche", key=str(fiche.pk), day=timezone.localdate())
    client = Client()
    client.force_login(coordinator(territory))
    shots = os.environ.get("MAILLAGE_SCREENSHOTS")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which(str(CHROMIUM)), args=ARGS)
            context = browser.new_context(locale="fr-FR")
            context.add_cookies(
                [
                    {
                        "name": "sessionid",
                        "value": client.cookies["sessionid"].value,
                        "url": live_server.url,
                    }
                ]
            )
            page = context.new_page()
            page.goto(f"{live_server.url}/territoire/armentieres/espace/audience/#supports")
            page.select_option("#id_widget-thematique", "famille")
            page.locator("form:has(#id_widget-thematique) button").click()
            page.wait_for_load_state()
            assert "inscrit au journal" in page.locator(".messages").inner_text()
            activity = Activity.objects.get(
                territory=territory, kind__slug="support-de-communication"
            )
            assert activity.title == "Widget de l'annuaire — Thématique : Famille"
            link = page.get_by_role("link", name=activity.title)
            assert link.get_attribute("href") == f"/territoire/armentieres/journal/{activity.pk}/"
            # The poster of a consulted fiche, from the audience page's table of fiches.
            page.locator("section[aria-labelledby=fiches] form button").first.click()
            page.wait_for_load_state()
            assert f"« Affiche — {fiche.name} » inscrit" in page.locator(".messages").inner_text()
            assert Activity.objects.filter(kind__slug="support-de-communication").count() == 2
            for width in (1280, 390):
                page.set_viewport_size({"width": width, "height": 900})
                widths = page.evaluate(
                    "() => [document.documentElement.scrollWidth, window.innerWidth]"
                )
                assert widths[0] <= widths[1], f"{widths[0]} px pour un écran de {widths[1]} px"
                if shots:
                    page.locator("#supports").scroll_into_view_if_needed()
                    page.screenshot(path=str(Path(shots) / f"supports-{width}.png"))
                    page.locator("#fiches").scroll_into_view_if_needed()
                    page.screenshot(path=str(Path(shots) / f"fiches-{width}.png"))
                violations = (
                    Axe()
                    .run(
                        page,
                        options={
                            "runOnly": {
                                "type": "tag",
                                "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
                            },
                            "resultTypes": ["violations"],
                        },
                    )
                    .response["violations"]
                )
                assert not violations, [v["id"] for v in violations]
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
