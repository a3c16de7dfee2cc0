"""Content-Security-Policy: the one place where every policy of the site is written.

Pages get :func:`page_policy` from :class:`ContentSecurityPolicyMiddleware`: scripts, styles,
fonts, frames and connections from the site itself only, no plugin, no ``<base>``, never framed,
forms posted to the site only. Images may also be ``data:`` URIs (Leaflet's and the favicon's),
and come from the tile server only when ``MAILLAGE_TILE_URL`` is set; the browser may also call
the geocoder only when ``MAILLAGE_GEOCODER_URL`` is set. No ``'unsafe-inline'`` anywhere: the
templates have no inline script, event handler or style attribute (JSON data islands,
``<script type="application/json">``, are not executed), htmx is told not to inject its indicator
style (``<meta name="htmx-config">`` in ``web/base.html``) and Leaflet styles through the CSSOM,
which CSP allows.

A response that already has a policy keeps it: downloads set :data:`ATTACHMENT_CSP` (a file
shown inline never runs anything), server-made SVG figures :data:`SVG_CSP` and the embeddable
widget :data:`WIDGET_CSP`. Written as a small
middleware rather than with django-csp: the policy is a pure function of two settings read at
request time (so ``override_settings`` tests it), with no nonce and no per-view variant beyond
the constants here (ADR 0007).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"

# A file served by the site (journal attachment, toolbox document): nothing runs, even inline.
ATTACHMENT_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"
# An SVG figure made by matplotlib: its own <style> element only.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
# The embeddable directory widget (web/views/usage.py) is the one page other sites may frame:
# no script, no form, styles and images from the site only. Every other page keeps
# ``frame-ancestors 'none'``.
WIDGET_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors *"
)


def source_of(url: str) -> str:
    """The CSP source (``scheme://host[:port]``) of a URL template, ``""`` when it has none.

    A Leaflet template's placeholder host label (``{s}.tile.example.org``) becomes the
    wildcard CSP allows, leftmost only: ``https://*.tile.example.org``.
    """
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    try:
        host, port = parts.hostname or "", parts.port
    except ValueError:  # a port that is not a number
        return ""
    if ":" in host:  # IPv6
        host = f"[{host}]"
    if "{" in host or "}" in host:
        labels = host.split(".")
        last = max(i for i, label in enumerate(labels) if "{" in label or "}" in label)
        rest = labels[last + 1 :]
        if not rest:
            return ""
        host = ".".join(["*", *rest])
    if not host or any(c in host for c in " ;,'\""):
        return ""
    return f"{parts.scheme}://{host}{f':{port}' if port else ''}"


@lru_cache(maxsize=8)
def page_policy(*, tile_url: str = "", geocoder_url: str = "") -> str:
    """The policy of every page, with the tile and geocoder hosts only when configured."""
    img = ["'self'", "data:"]
    connect = ["'self'"]
    if tile := source_of(tile_url):
        img.append(tile)
    if geocoder := source_of(geocoder_url):
        connect.append(geocoder)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": img,
        "connect-src": connect,
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def current_policy() -> str:
    return page_policy(
        tile_url=getattr(settings, "TILE_URL", "") or "",
        geocoder_url=getattr(settings, "GEOCODER_URL", "") or "",
    )


class ContentSecurityPolicyMiddleware:
    """Add the page policy to every response that has none of its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if HEADER not in response:
            response[HEADER] = current_policy()
        return response
