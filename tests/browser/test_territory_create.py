"""« Créer un territoire » in Chromium (issue 16): a site administrator fills the form (Roubaix,
the real national files cut to it), the page answers at once with the progress page
(« en attente »), the worker — run here as « maillage worker --batch » would — builds and
loads it, and the page shows by itself what was built, with the link to the new territory and
the folder to download. Same pattern as ``test_background_document.py``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.browser

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
NATIONAL = Path(__file__).resolve().parents[1] / "territory_build" / "data" / "national_roubaix"
SHOTS = Path("/tmp/maillage-screenshots")  # for a person to look at; not asserted


@pytest.fixture
def queued(settings, tmp_path):
    settings.TASKS = DATABASE
    settings.JOBS_DIR = tmp_path / "taches"
    settings.TERRITORY_BUILDS_DIR = tmp_path / "territoires"
    settings.NATIONAL_SOURCES = NATIONAL


def _fits(page) -> None:
    wide = page.evaluate(
        "() => [...document.querySelectorAll('body *')].filter(e => e.scrollWidth"
        " > e.clientWidth + 1 && e.children.length < 3).map(e => e.tagName + '.' + e.className"
        " + ': ' + (e.textContent || '').slice(0, 80))"
    )
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], (
        f"{page.url} : {widths[0]} px pour un écran de {widths[1]} px : {wide[:5]}"
    )


def _shoot(page, name: str, assert_accessible) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        _fits(page)
        page.screenshot(path=str(SHOTS / f"territoire-{name}-{width}.png"), full_page=True)
        assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_an_administrator_creates_roubaix_from_the_web(
    live_data, browser, queued, assert_accessible, tmp_path
):
    import time

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from maillage.jobs.models import Job
    from maillage.territory.models import Territory

    admin = get_user_model().objects.create_user(
        "equipe@example.org", password="x-Long-Pass-42", is_staff=True
    )
    client = Client()
    client.force_login(admin)
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_data}]
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(live_data + "/administration/territoires/creer/")
    assert page.get_by_label(re.compile("^Dossier des fichiers nationaux")).input_value() == str(
        NATIONAL
    )
    _shoot(page, "formulaire", assert_accessible)

    # A wrong folder is refused by the form, in French, and nothing is queued.
    page.get_by_label(re.compile(r"^Communes \(codes INSEE\)")).fill("59512")
    page.get_by_label(re.compile("^Dossier des fichiers nationaux")).fill(str(NATIONAL / "absent"))
    page.get_by_role("button", name="Créer le territoire").click()
    page.get_by_text(f"Dossier « {NATIONAL / 'absent'} » introuvable sur le serveur.").wait_for()
    assert not Job.objects.exists()
    _shoot(page, "erreur", assert_accessible)

    page.get_by_label(re.compile("^Dossier des fichiers nationaux")).fill(str(NATIONAL))
    assert page.get_by_label("Charger ensuite le territoire dans la base").is_checked()
    started = time.monotonic()
    page.get_by_role("button", name="Créer le territoire").click()
    page.wait_for_url(re.compile(r"/administration/territoires/creer/[0-9a-f-]{36}/$"))
    answered_s = time.monotonic() - started
    assert page.locator("[data-job-label]").inner_text() == "en attente"
    assert answered_s < 3, f"la page de progression a mis {answered_s:.1f} s"
    assert Job.objects.get().state == "attente"  # nothing was built during the request
    _shoot(page, "attente", assert_accessible)

    # As in test_background_document.py: the status polls are refused while the worker writes
    # (the test's in-memory SQLite locks its tables), then let through again.
    status_url = re.compile(r"/etat\.json$")
    refused: list[str] = []
    page.route(status_url, lambda route: (refused.append(route.request.url), route.abort()))
    for _ in range(100):
        if refused:
            break
        page.wait_for_timeout(100)
    assert refused, "la page ne demande pas l'état de la création"
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    page.unroute(status_url)

    # The page reloads itself once finished and shows what was built.
    page.get_by_role("heading", name="Ce qui a été construit").wait_for()
    assert page.locator("[data-job-label]").inner_text() == "prêt"
    result = page.locator(".job-result").inner_text()
    assert "Territoire « Roubaix » (roubaix) : 1 commune" in result
    assert "Chargé dans la base" in result
    assert Territory.objects.filter(slug="roubaix").exists()
    _shoot(page, "pret", assert_accessible)

    with page.expect_download() as info:
        page.locator("[data-job-file]").click()
    assert info.value.suggested_filename == "territoire-roubaix.zip"
    path = tmp_path / "territoire-roubaix.zip"
    info.value.save_as(path)
    assert path.read_bytes()[:2] == b"PK"

    page.get_by_role("link", name="Voir le territoire Roubaix").click()
    page.wait_for_url(re.compile(r"/territoire/roubaix/$"))
    assert "Roubaix" in page.locator("h1").inner_text()
    context.close()
