"""A local stand-in for the Géoplateforme geocoder, started by the tests that need it (tests
never use the network). Its answers are *exemple fictif*: invented labels around Armentières."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def feature(label, lon, lat, score, citycode="59017", kind="housenumber"):
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "label": label,
            "score": score,
            "citycode": citycode,
            "type": kind,
            "postcode": "59280",
            "city": "Armentières",
        },
    }


class FakeGeocoder:
    """``answers[citycode]`` is the features list for that commune (``""``: no filter);
    ``mode``: ``"ok"``, ``"slow"`` (waits ``delay_s``), ``"error"`` (HTTP 500), ``"garbage"``."""

    def __init__(self) -> None:
        self.answers: dict[str, list] = {}
        self.requests: list[dict[str, str]] = []
        self.mode = "ok"
        self.delay_s = 5.0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                parts = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(parts.query))
                fake.requests.append({"path": parts.path, **query})
                if fake.mode == "slow":
                    time.sleep(fake.delay_s)
                if fake.mode == "error":
                    self.send_response(500)
                    self.end_headers()
                    return
                body = (
                    b"<html>maintenance</html>"
                    if fake.mode == "garbage"
                    else json.dumps(
                        {
                            "type": "FeatureCollection",
                            "features": fake.answers.get(query.get("citycode", ""), []),
                        }
                    ).encode()
                )
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:  # the client gave up (timeout test)
                    pass

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/geocodage/search"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def closed_port_url() -> str:
    """An address on this machine where nothing listens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/geocodage/search"
