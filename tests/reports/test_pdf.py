"""PDF rendering resolves static files and data URIs locally and never fetches remote URLs."""

from __future__ import annotations

import base64
import subprocess

import pytest
from django.template import engines

from maillage.reports import pdf

PNG_1PX = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
).decode()


@pytest.fixture
def template(monkeypatch):
    def render(body: str):
        tpl = engines["django"].from_string(body)
        monkeypatch.setattr(pdf, "render_to_string", lambda name, ctx: tpl.render(ctx))

    return render


def _images(data: bytes, tmp_path) -> int:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True)
    rows = [line.split() for line in out.stdout.strip().splitlines()[2:]]
    return sum(1 for row in rows if row[2] == "image")


def test_static_files_and_data_uris_are_embedded(template, tmp_path):
    template(
        '<html><body><p>Carte</p><img src="/static/vendor/leaflet/images/marker-icon.png">'
        f'<img src="data:image/png;base64,{PNG_1PX}"></body></html>'
    )
    data = pdf.render_pdf("x.html", {})
    assert data.startswith(b"%PDF")
    assert _images(data, tmp_path) == 2


def test_remote_resources_are_never_fetched(template, tmp_path):
    template('<html><body><img src="https://example.org/tracker.png"><p>ok</p></body></html>')
    data = pdf.render_pdf("x.html", {})
    assert data.startswith(b"%PDF") and _images(data, tmp_path) == 0
