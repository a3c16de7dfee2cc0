"""The base map: tiles when they load, and when they cannot (offline, service down) the map
still draws its outlines and markers, says so discreetly in French, and the page breaks no
Content-Security-Policy rule. Tiles come from local servers started here, never the network."""

from __future__ import annotations

import base64
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

URL = "/territoire/armentieres/annuaire/"
NOTE = "Fond de carte indisponible (hors ligne ?) : seuls les contours sont affichés."
# A 1×1 grey PNG: a tile made here, not a map.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGO4BwAA3ADbaxn0dQAAAABJRU5ErkJggg=="
)
SHOTS = Path("/tmp/maillage-shots")


def _closed_port() -> int:
    """A port of this machine where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tile_server():
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(PNG)))
            self.end_headers()
            self.wfile.write(PNG)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _open(browser, live_data, width=1280):
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("pageerror", lambda e: errors.append(e))
    page.goto(live_data + URL)
    return context, page, errors


MARKERS = (
    "#carte-resultats .leaflet-marker-pane .marker-cluster, "
    "#carte-resultats .leaflet-marker-pane .theme-marker"
)


def _outlines_and_markers(page):
    """(outlines, markers) drawn: communes/IRIS/QPV paths, and result points or clusters."""
    page.wait_for_selector("#carte-resultats path.leaflet-interactive")
    page.locator(MARKERS).first.wait_for()
    outlines = page.locator("#carte-resultats path.leaflet-interactive")  # markers are icons
    return outlines.count(), page.locator(MARKERS).count()


def test_unreachable_tiles_leave_outlines_markers_and_a_french_note(live_data, browser, settings):
    settings.TILE_URL = f"http://127.0.0.1:{_closed_port()}/{{z}}/{{x}}/{{y}}.png"
    settings.TILE_ATTRIBUTION = "© IGN"
    context, page, errors = _open(browser, live_data)
    try:
        note = page.locator("#carte-resultats .map-tile-note")
        note.wait_for()
        assert note.inner_text() == NOTE
        outlines, markers = _outlines_and_markers(page)
        assert outlines > 0 and markers > 0
        assert page.locator("#carte-resultats img.leaflet-tile").count() == 0  # layer removed
        assert page.locator("#carte-resultats .map-error").count() == 0  # the map itself is fine
        SHOTS.mkdir(exist_ok=True)
        page.locator("#carte-resultats").screenshot(path=str(SHOTS / "base-map-offline-1280.png"))
        assert not errors
    finally:
        context.close()


def test_tiles_that_load_are_drawn_with_their_attribution(live_data, browser, settings):
    server = _tile_server()
    settings.TILE_URL = (
        f"http://127.0.0.1:{server.server_port}/wmts?TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}"
    )
    settings.TILE_ATTRIBUTION = "© IGN <b>"
    context, page, errors = _open(browser, live_data, width=390)
    try:
        page.wait_for_selector("#carte-resultats img.leaflet-tile-loaded")
        _outlines_and_markers(page)
        attribution = page.locator("#carte-resultats .leaflet-control-attribution")
        assert "© IGN <b>" in attribution.inner_text()  # text, not HTML
        assert page.locator("#carte-resultats .map-tile-note").count() == 0
        SHOTS.mkdir(exist_ok=True)
        page.locator("#carte-resultats").screenshot(path=str(SHOTS / "base-map-tiles-390.png"))
        assert not errors
    finally:
        context.close()
        server.shutdown()
        server.server_close()


def test_no_tile_setting_means_outlines_only_and_no_note(live_data, browser, settings):
    settings.TILE_URL = ""
    context, page, errors = _open(browser, live_data)
    try:
        outlines, markers = _outlines_and_markers(page)
        assert outlines > 0 and markers > 0
        assert page.locator("#carte-resultats .leaflet-tile-pane img").count() == 0
        assert page.locator("#carte-resultats .map-tile-note").count() == 0
        assert not errors
    finally:
        context.close()
