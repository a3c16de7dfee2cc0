"""A bilan asked for on the web (issue 16): the button answers at once with a progress page
(« en attente »), the worker — run here in the test, as « maillage worker --batch » would —
builds it, the page turns « prêt » by itself (tasks.js) and the browser downloads the PDF."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def queued(settings, tmp_path):
    settings.TASKS = DATABASE
    settings.JOBS_DIR = tmp_path / "taches"


def test_bilan_from_the_web_is_prepared_by_the_worker_and_downloaded(
    live_data, browser, queued, assert_accessible, tmp_path
):
    import time

    from django.core.management import call_command

    from maillage.jobs.models import Job

    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_data + "/territoire/armentieres/bilan/")
    started = time.monotonic()
    page.get_by_role("button", name=re.compile(r"^PDF \(\d{4}-\d{4}\)$")).click()
    page.wait_for_url(re.compile(r"/documents/[0-9a-f-]{36}/$"))
    answered_s = time.monotonic() - started
    assert page.locator("[data-job-label]").inner_text() == "en attente"
    assert page.locator("progress#job-progress").count() == 1
    assert page.locator("[data-job-ready]").is_hidden()
    assert answered_s < 3, f"la page de progression a mis {answered_s:.1f} s"
    assert Job.objects.get().state == "attente"  # nothing was built during the request
    page.screenshot(path=str(tmp_path / "attente-1280.png"), full_page=True)
    assert_accessible(page)

    # The worker writes while the page polls its status: with the test's in-memory SQLite
    # (shared cache, table locks) a poll answered during a write fails « database table is
    # locked ». So the polls are refused while the worker runs (tasks.js keeps retrying), and
    # the page must still turn « prêt » by itself once they get through again.
    status_url = re.compile(r"/etat\.json$")
    refused: list[str] = []
    page.route(status_url, lambda route: (refused.append(route.request.url), route.abort()))
    for _ in range(100):  # the next poll is refused: none is being answered any more
        if refused:
            break
        page.wait_for_timeout(100)
    assert refused, "la page ne demande pas l'état du document"
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    page.unroute(status_url)

    ready = page.locator("[data-job-ready]")
    ready.wait_for(state="visible")
    assert page.locator("[data-job-label]").inner_text() == "prêt"
    assert page.locator("progress#job-progress").get_attribute("value") == page.locator(
        "progress#job-progress"
    ).get_attribute("max")
    with page.expect_download() as info:
        page.locator("[data-job-file]").click()
    download = info.value
    assert download.suggested_filename == "bilan-ctg-armentieres-2023-2026.pdf"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    page.screenshot(path=str(tmp_path / "pret-1280.png"), full_page=True)
    assert_accessible(page)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"page de {widths[0]} px pour un écran de {widths[1]} px"
    page.screenshot(path=str(tmp_path / "pret-390.png"), full_page=True)
    context.close()
