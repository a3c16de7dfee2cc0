"""Browser tests: Playwright driving Debian's Chromium against pytest-django's ``live_server``.

``live_server`` needs a transactional database, which is emptied after each test. So each
browser test reloads the real Armentières dataset when it is missing, and the package reloads it
once more at its end, so that the tests run after this package find the database as the session
created it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip browser tests only on a developer machine without Chromium (never in CI)."""
    if CHROMIUM.exists() or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(
        reason="Chromium absent (/usr/bin/chromium) : apt-get install chromium pour lancer "
        "les tests navigateur (obligatoires en CI)."
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def _ensure_dataset() -> None:
    from maillage.territory.loader import load_dataset
    from maillage.territory.models import Territory

    if not Territory.objects.filter(slug="armentieres").exists():
        load_dataset("armentieres")


@pytest.fixture(scope="package", autouse=True)
def _restore_dataset_after_browser_tests(django_db_setup, django_db_blocker) -> Iterator[None]:
    yield
    with django_db_blocker.unblock():
        _ensure_dataset()


@pytest.fixture
def live_data(live_server) -> str:
    """The live server's URL, with the Armentières dataset in its database."""
    from django.core.cache import cache

    _ensure_dataset()
    cache.clear()  # the reload may reuse ids and data_version: no stale cached search
    return live_server.url


@pytest.fixture(scope="package")
def browser() -> Iterator:
    """One Chromium for this package; stopped at its end, with Playwright's event loop."""
    if not shutil.which(str(CHROMIUM)):
        pytest.fail("Chromium absent : /usr/bin/chromium est requis pour les tests navigateur.")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an asyncio loop in this thread; the tests' own ORM calls are
    # synchronous and safe, Django only needs to be told so, for this package only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser) -> Iterator:
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


def format_violations(violations: list[dict]) -> str:
    """One readable paragraph per axe-core violation: rule, impact, help URL, elements."""
    lines = []
    for v in violations:
        lines.append(f"[{v.get('impact')}] {v['id']}: {v['help']} ({v.get('helpUrl', '')})")
        for node in v.get("nodes", [])[:8]:
            lines.append(f"    {' '.join(node.get('target', []))}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.1 A and AA rules) on the page and return its violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    return results.response["violations"]


@pytest.fixture
def assert_accessible():
    def check(page) -> None:
        violations = axe_violations(page)
        assert not violations, f"{page.url} — violations WCAG 2.1 AA :\n" + format_violations(
            violations
        )

    return check
