"""The widget in a real browser, inside a page of another origin: it renders there, while an
ordinary page of the site framed the same way is refused (CSP ``frame-ancestors 'none'``);
axe-core finds no WCAG 2.1 AA violation in it at 1280 and 390 px. The coordination's audience
page fits a phone and passes axe-core too.

The other origin is a local static server on ``localhost`` (the site is on ``127.0.0.1``: a
different host, so a different origin). ``live_server`` empties the database after the test:
the module reloads the Armentières dataset at its end, as ``tests/browser`` does.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import dataset_state
import pytest

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


_ensure_dataset = dataset_state.restore


@pytest.fixture(scope="module", autouse=True)
def _restore_dataset(django_db_setup, django_db_blocker):
    yield
    with django_db_blocker.unblock():
        _ensure_dataset()


@pytest.fixture
def other_origin(tmp_path, live_server):
    """A page of another origin that frames the widget and an ordinary page of the site."""
    site = live_server.url
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Ville (exemple '
        "fictif)</title></head><body><h1>Site de la ville (exemple fictif)</h1>"
        f'<iframe id="widget" title="Lieux ressources" src="{site}/territoire/armentieres/'
        'widget/?thematique=famille" width="100%" height="500"></iframe>'
        f'<iframe id="page" title="Annuaire" src="{site}/territoire/armentieres/annuaire/" '
        'width="100%" height="200"></iframe></body></html>',
        encoding="utf-8",
    )
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://localhost:{server.server_address[1]}/index.html"
    server.shutdown()
    server.server_close()


@pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"), reason="Chromium absent (/usr/bin/chromium)"
)
@pytest.mark.parametrize("width", [1280, 390])
def test_the_widget_renders_in_another_origin_and_ordinary_pages_do_not(
    transactional_db, other_origin, width
):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    from maillage.directory.selectors import structure_search
    from maillage.territory.models import Territory

    _ensure_dataset()
    from django.core.cache import cache

    cache.clear()
    territory = Territory.objects.get(slug="armentieres")
    expected = structure_search(territory=territory, thematique="famille", limit=50).results
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which(str(CHROMIUM)), args=ARGS)
            page = browser.new_page(viewport={"width": width, "height": 900}, locale="fr-FR")
            refused = []
            page.on(
                "console", lambda m: refused.append(m.text) if "frame-ancestors" in m.text else None
            )
            page.goto(other_origin)
            widget = page.frame_locator("#widget")
            widget.locator("h1").wait_for()
            assert widget.locator("h1").inner_text() == "Lieux ressources — Armentières"
            assert widget.locator("ul.places li").count() == len(expected)
            names = widget.locator("ul.places h2 a").all_inner_texts()
            assert expected[0].structure.name in names[0]
            # The ordinary page is not shown inside the other site (CSP frame-ancestors 'none').
            assert any("'none'" in text for text in refused), refused
            assert page.frame_locator("#page").locator("form.search-form").count() == 0
            frame = next(f for f in page.frames if "/widget/" in f.url)
            scrolled = frame.evaluate(
                "() => document.documentElement.scrollWidth <= window.innerWidth"
            )
            assert scrolled, "le widget déborde horizontalement"
            own = browser.new_page(viewport={"width": width, "height": 900}, locale="fr-FR")
            own.goto(frame.url)
            violations = (
                Axe()
                .run(
                    own,
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


@pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"), reason="Chromium absent (/usr/bin/chromium)"
)
def test_the_audience_page_fits_a_phone_and_passes_axe(transactional_db, live_server):
    from axe_playwright_python.sync_playwright import Axe
    from django.test import Client
    from django.utils import timezone
    from factories import coordinator
    from playwright.sync_api import sync_playwright

    from maillage.territory.models import Territory
    from maillage.usage.services import record

    _ensure_dataset()
    territory = Territory.objects.get(slug="armentieres")
    for kind, key in (("fiche", "1"), ("recherche_vide", "age=3&thematique=famille")):
        record(territory=territory, kind=kind, key=key, day=timezone.localdate())
    client = Client()
    client.force_login(coordinator(territory))
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
            page.goto(f"{live_server.url}/territoire/armentieres/espace/audience/")
            assert page.locator("h1").inner_text() == "Audience de l'annuaire — Armentières"
            for width in (1280, 390):
                page.set_viewport_size({"width": width, "height": 900})
                widths = page.evaluate(
                    "() => [document.documentElement.scrollWidth, window.innerWidth]"
                )
                assert widths[0] <= widths[1], f"{widths[0]} px pour un écran de {widths[1]} px"
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
