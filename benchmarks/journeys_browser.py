"""Time for each page of the three journeys (issue 20) to be usable in Chromium, beside a peer.

A live server (Django's WSGI handler in a thread of this process, static files included) serves
a fresh database holding the embedded Armentières dataset (or ``--existing``); Debian's Chromium
(``/usr/bin/chromium``, through Playwright) opens each page of the three journeys — the list of
``benchmarks/journeys.py``, not a copy — at 1280 × 900 px, in a new browser context each time
(no HTTP cache, as a first visit). Printed per page, best of ``--repeat``, with the server's
caches (pages, and the indicator charts shared with the worker) emptied before each visit
(« froid », nothing drawn ahead) and then kept (« chaud »); for the indicators pages also
« prêts » (caches emptied, then the charts drawn by :func:`charts_warm`, what the background
worker does when a page finds them missing: the first visitor once the worker has run; the time
it takes to draw them all is printed):

- ``load``: the navigation's ``loadEventEnd`` (HTML, styles, scripts and the images in view);
- ``utilisable``: when the last map (``maillage:loaded``, its markers drawn in the next frame) or
  the last chart image in view was drawn, if later than ``load``; the page is waited for until
  the network is idle. Lazy images out of view are not counted (the visitor has not scrolled).

The peer is a trivial page in the same run (the accessibility statement, a template without any
query of the data). No base map is fetched (``MAILLAGE_TILE_URL`` is emptied): the figures do not
depend on a remote tile server. A download (CSV export) is not a page: it is listed, not timed.
Goal of the issue: usable in < 1 s. Usage::

    .venv/bin/python benchmarks/journeys_browser.py       # temporary SQLite database, best of 3
    .venv/bin/python benchmarks/journeys_browser.py --repeat 5
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _armentieres import setup  # noqa: E402
from journeys import PEER, prepare  # noqa: E402

GOAL_MS = 1000.0
WIDTH, HEIGHT = 1280, 900
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
DOWNLOADS = ("format=csv", "format=xlsx", "format=ods")
CHARTS = "/indicateurs/"  # pages showing indicator charts: also timed with the charts drawn ahead

# Recorded in every page before its scripts: when each map said it was drawn (plus one frame,
# for the markers drawn by the listeners of that event) and when each image finished loading.
RECORDER = """
(() => {
  window.__drawn = [];
  const mark = () => requestAnimationFrame(() => window.__drawn.push(performance.now()));
  document.addEventListener("maillage:loaded", mark, true);
  document.addEventListener("maillage:error", mark, true);
  document.addEventListener("load", (e) => { if (e.target.tagName === "IMG") mark(); }, true);
})();
"""
# After the network is idle: (loadEventEnd, last drawing or null), in ms from navigation start.
MEASURE = """
() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const load = nav ? nav.loadEventEnd : performance.now();
  const drawn = window.__drawn || [];
  return [load, drawn.length ? Math.max(...drawn) : null];
}
"""


def serve() -> tuple[str, Any]:
    """Start the site on a free local port in a daemon thread; its URL and the server."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib name)
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet, allow_reuse_address=False)
    server.set_app(WSGIHandler())
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--existing", action="store_true")
    args = parser.parse_args()
    os.environ["MAILLAGE_TILE_URL"] = ""  # no remote base map: outlines and markers only
    setup(args.existing)

    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client
    from playwright.sync_api import sync_playwright

    from maillage.jobs.charts import charts_warm
    from maillage.reports.chart_cache import chart_cache
    from maillage.territory.models import Territory

    territory = Territory.objects.get(slug="armentieres")
    warm_ms: list[float] = []
    warm_count: list[int] = []

    def clear(ahead: bool) -> None:
        cache.clear()
        chart_cache().clear()
        if ahead:  # as the worker would, after the change and before this visit
            t = time.perf_counter()
            # In a thread: Playwright's sync API runs an event loop here, where Django
            # refuses database queries.
            with ThreadPoolExecutor(1) as pool:
                warm_count.append(pool.submit(charts_warm, territory=territory).result())
            warm_ms.append((time.perf_counter() - t) * 1000)

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1", "testserver"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # silent proposal
    coordinator, journeys = prepare()
    client = Client()
    client.force_login(coordinator)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    base, server = serve()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        def visit(path: str, logged: bool, cold: bool, ahead: bool = False) -> tuple[float, float]:
            if cold:
                clear(ahead)
            context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
            if logged:
                context.add_cookies(
                    [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base}]
                )
            context.add_init_script(RECORDER)
            page = context.new_page()
            try:
                response = page.goto(base + path, wait_until="load")
                assert response is not None and response.status == 200, (path, response)
                page.wait_for_load_state("networkidle")
                load, drawn = page.evaluate(MEASURE)
            finally:
                context.close()
            return load, max(load, drawn or 0.0)

        def timed(path: str, logged: bool) -> tuple[float, ...]:
            cold = [visit(path, logged, True) for _ in range(args.repeat)]
            warm = [visit(path, logged, False) for _ in range(args.repeat)]
            ready = [(0.0, 0.0)]
            if CHARTS in path:
                ready = [visit(path, logged, True, ahead=True) for _ in range(args.repeat)]
            return (
                min(r[0] for r in cold),
                min(r[1] for r in cold),
                min(r[0] for r in warm),
                min(r[1] for r in warm),
                min(r[1] for r in ready),
            )

        timed(PEER, False)  # first visit: imports, templates, Chromium's own start
        peer = timed(PEER, False)
        print(
            f"\nChromium {browser.version}, {WIDTH} px, nouveau contexte (sans cache HTTP) à "
            f"chaque visite, meilleur de {args.repeat} ; en ms : load et utilisable, cache "
            "serveur vidé avant chaque visite (froid) puis gardé (chaud)"
        )
        print(f"  {'':<44} {'froid':>15} {'chaud':>15} {'prêts':>7}")
        print(f"  {'pair : page triviale ' + PEER:<44} {peer[0]:7.0f} {peer[1]:7.0f} "
              f"{peer[2]:7.0f} {peer[3]:7.0f}")  # fmt: skip
        over: list[str] = []
        count = 0
        for journey, pages in journeys.items():
            print(f"\n{journey}")
            for logged, path, label in pages:
                if any(d in path for d in DOWNLOADS):
                    print(f"  {label:<44} {'téléchargement, non mesuré':>24}")
                    continue
                count += 1
                t = timed(path, logged)
                usable = t[1]  # the goal is read on the cold figure (first visit after a change)
                verdict = "OK" if usable < GOAL_MS else f"AU-DELÀ DE {GOAL_MS:.0f} ms"
                if usable >= GOAL_MS:
                    over.append(label)
                ready = f"{t[4]:7.0f}" if CHARTS in path else f"{'—':>7}"
                print(
                    f"  {label:<44} {t[0]:7.0f} {t[1]:7.0f} {t[2]:7.0f} {t[3]:7.0f} {ready}  "
                    f"{usable / peer[1]:5.1f}× le pair  {verdict}"
                )
        browser.close()
    server.shutdown()
    print(
        f"\n{count - len(over)} pages sur {count} utilisables en moins de {GOAL_MS:.0f} ms"
        + " (cache serveur froid)"
        + (f" ; au-delà : {', '.join(over)}" if over else "")
    )
    if warm_ms:
        print(
            f"Graphiques des indicateurs dessinés d'avance (charts_warm, travail du travailleur) : "
            f"{min(warm_ms):.0f} à {max(warm_ms):.0f} ms pour les {max(warm_count)} du plan"
        )


if __name__ == "__main__":
    main()
