"""Browser tests: Playwright driving Debian's Chromium against pytest-django's ``live_server``.

``live_server`` needs a transactional database, which is emptied after each test. So each
browser test puts the real Armentières dataset back when it is missing, and the package once more
at its end, so that the tests run after this package find the database as the session created it
(``tests/dataset_state.py``: a copy of the session's SQLite database, or a new load elsewhere).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import dataset_state
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


@pytest.fixture(scope="package", autouse=True)
def _restore_dataset_after_browser_tests(django_db_setup, django_db_blocker) -> Iterator[None]:
    yield
    with django_db_blocker.unblock():
        dataset_state.restore()


@pytest.fixture
def live_data(live_server) -> str:
    """The live server's URL, with the Armentières dataset in its database."""
    from django.core.cache import cache

    dataset_state.restore()
    cache.clear()  # the reload may reuse ids and data_version: no stale cached search
    return live_server.url


# Recorded in every page of every context before any page script: a Content-Security-Policy
# violation is reported to the test (binding) and kept on ``window`` (read back at the end of the
# test, in case the binding's message is still in flight).
CSP_LISTENER = """
(() => {
  window.__maillageCsp = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    const v = {
      directive: e.effectiveDirective || e.violatedDirective,
      blocked: e.blockedURI,
      sample: e.sample,
      source: (e.sourceFile || "") + ":" + e.lineNumber,
      page: document.location.href,
    };
    window.__maillageCsp.push(v);
    if (window.maillageCspReport) { window.maillageCspReport(v).catch(() => {}); }
  }, true);
})();
"""


class SecurityGuard:
    """Every CSP violation and every JavaScript dialog (alert, confirm, prompt) of the pages.

    Watches every browser context made by the ``browser`` fixture; a test that used a browser
    fails when anything was recorded (see ``pytest_runtest_call``). A dialog is dismissed.
    """

    def __init__(self) -> None:
        self.events: list[str] = []
        self.seen: set[str] = set()  # reported once per test, even if read again later
        self.contexts: list = []

    def watch(self, context) -> None:
        self.contexts.append(context)
        context.expose_function("maillageCspReport", self._violation)
        context.add_init_script(CSP_LISTENER)
        context.on("dialog", self._dialog)
        context.on("console", self._console)

    def _violation(self, v: dict) -> None:
        self._add(
            f"CSP : {v.get('directive')} a bloqué « {v.get('blocked') or v.get('sample')} »"
            f" ({v.get('source')}) sur {v.get('page')}"
        )

    def _dialog(self, dialog) -> None:
        self._add(f"boîte de dialogue {dialog.type} « {dialog.message} » sur {dialog.page.url}")
        dialog.dismiss()

    def _console(self, msg) -> None:
        if msg.type == "error" and "Content Security Policy" in msg.text:
            self._add(f"console : {msg.text}")

    def _add(self, event: str) -> None:
        if event not in self.seen:
            self.seen.add(event)
            self.events.append(event)

    def _flush(self) -> None:
        for context in self.contexts:
            try:
                pages = list(context.pages)
            except Exception:  # noqa: BLE001 - a closed context has nothing more to say
                continue
            for pg in pages:
                try:
                    recorded = pg.evaluate("window.__maillageCsp || []")
                except Exception:  # noqa: BLE001 - closed or navigating page
                    continue
                for v in recorded:
                    self._violation(v)

    def take(self) -> list[str]:
        """Return what was recorded so far (read from the open pages too) and forget it."""
        self._flush()
        events, self.events = self.events, []
        return events

    def reset(self) -> None:
        self.events = []
        self.seen = set()
        self.contexts = [c for c in self.contexts if _is_open(c)]


def _is_open(context) -> bool:
    try:
        context.pages  # noqa: B018 - raises once closed in some Playwright versions
    except Exception:  # noqa: BLE001
        return False
    return True


class GuardedBrowser:
    """The Chromium browser, whose every new context is watched by the security guard."""

    def __init__(self, browser, guard: SecurityGuard) -> None:
        self._browser = browser
        self.guard = guard

    def new_context(self, **kwargs):
        context = self._browser.new_context(**kwargs)
        self.guard.watch(context)
        return context

    def __getattr__(self, name: str):
        return getattr(self._browser, name)


@pytest.fixture(scope="package")
def _security_guard() -> SecurityGuard:
    return SecurityGuard()


@pytest.fixture(autouse=True)
def security_guard(request) -> Iterator[SecurityGuard | None]:
    """The guard of this test's browser contexts (None for a test without a browser)."""
    if not {"browser", "page"} & set(request.fixturenames):
        yield None
        return
    guard = request.getfixturevalue("_security_guard")
    guard.reset()
    yield guard


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """Fail a browser test on any CSP violation or dialog recorded during it."""
    guard = getattr(item, "funcargs", {}).get("security_guard")
    try:
        result = yield
    except BaseException as exc:  # the test failed: say what the guard saw meanwhile
        events = guard.take() if guard is not None else []
        if events:
            exc.add_note("Pendant le test :\n" + "\n".join(events))
        raise
    if guard is not None:
        events = guard.take()
        assert not events, "Violation CSP ou boîte de dialogue pendant le test :\n" + "\n".join(
            events
        )
    return result


@pytest.fixture(scope="package")
def browser(_security_guard) -> Iterator:
    """One Chromium for this package; stopped at its end, with Playwright's event loop.

    Every context it makes is watched for CSP violations and dialogs (``SecurityGuard``)."""
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
            yield GuardedBrowser(chromium, _security_guard)
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
