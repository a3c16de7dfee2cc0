"""HTML templates → PDF with WeasyPrint; static assets are resolved from local files only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


def _local_fetcher(url: str, *args: Any, **kwargs: Any) -> dict:
    """Serve ``/static/…`` URLs from the project's static files; refuse anything remote."""
    from weasyprint.urls import default_url_fetcher

    if url.startswith("data:"):
        return default_url_fetcher(url, *args, **kwargs)
    marker = "/static/"
    if marker in url:
        path = finders.find(url.split(marker, 1)[1].split("?", 1)[0])
        if path:
            return {"file_obj": Path(path).open("rb"), "filename": Path(path).name}
    raise ValueError(f"Ressource non locale refusée dans un PDF : {url}")


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a Django template to PDF bytes (A4 pages are set by the template's CSS)."""
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    return HTML(
        string=html, base_url="http://maillage.invalid/", url_fetcher=_local_fetcher
    ).write_pdf()
