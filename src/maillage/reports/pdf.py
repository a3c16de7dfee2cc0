"""HTML templates → PDF with WeasyPrint; static assets are resolved from local files only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


def _local_fetcher() -> Any:
    """A WeasyPrint URL fetcher serving ``data:`` URIs and ``/static/…`` files, nothing remote."""
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        def fetch(self, url: str, headers: dict | None = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            marker = "/static/"
            if marker in url:
                found = finders.find(url.split(marker, 1)[1].split("?", 1)[0])
                if found:
                    return super().fetch(Path(found).resolve().as_uri(), headers)
            raise ValueError(f"Ressource non locale refusée dans un PDF : {url}")

    return LocalFetcher(allowed_protocols=("data", "file"))


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a Django template to PDF bytes (A4 pages are set by the template's CSS)."""
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    return HTML(
        string=html, base_url="http://maillage.invalid/", url_fetcher=_local_fetcher()
    ).write_pdf()
