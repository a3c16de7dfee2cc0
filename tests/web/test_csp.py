"""Content-Security-Policy on every page (issue 12): strict, hosts only when configured.

The pages are found by crawling the site's own links from the home page, as a coordinator (who
sees every page a partner or a visitor sees, and more), one visit per route; downloads keep
their own policy. The templates are scanned for what the policy would block.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client, override_settings
from django.urls import Resolver404, resolve

from maillage.web.csp import ATTACHMENT_CSP, SVG_CSP, page_policy, source_of

TEMPLATES = Path(__file__).parents[2] / "src" / "maillage" / "web" / "templates"
EXPECTED = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
# Routes the crawl must reach: every page that shows a partner's text or a map.
MUST_VISIT = {
    "web:home",
    "web:territory",
    "web:directory",
    "web:structure",
    "web:quality",
    "web:pro-directory",
    "web:partner-space",
    "web:structure-edit",
    "web:plan-journal",
    "web:plan-activity",
    "web:toolbox",
    "web:diagnostic",
    "web:diagnostic-zones",
}
SKIP = {"web:logout"}


def directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            assert words[0] not in out, f"directive {words[0]} en double : {header}"
            out[words[0]] = words[1:]
    return out


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("/") and not href.startswith("//"):
                self.links.append(href)


def _route(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


@pytest.fixture
def coordinator_client(armentieres):
    from django.contrib.auth import get_user_model

    from maillage.accounts.services import membership_set

    user = get_user_model().objects.create_user(
        username="cdc@example.org", email="cdc@example.org", password="x-Secret-42"
    )
    membership_set(user=user, territory=armentieres, role="coordinator")
    client = Client()
    client.force_login(user)
    return client


def _crawl(client: Client, start: list[str], limit: int = 150) -> dict[str, tuple[str, object]]:
    """One response per route reached by links from ``start``: {route: (path, response)}."""
    seen: dict[str, tuple[str, object]] = {}
    queue = deque(start)
    while queue and len(seen) < limit:
        path = queue.popleft()
        route = _route(path)
        if route is None or route in seen or route in SKIP:
            continue
        response = client.get(path)
        seen[route] = (path, response)
        if response.get("Content-Type", "").startswith("text/html"):
            parser = _Links()
            parser.feed(response.content.decode())
            queue.extend(parser.links)
    return seen


@pytest.mark.django_db
def test_every_page_reached_by_a_link_has_the_strict_policy(coordinator_client, armentieres):
    from maillage.directory.models import Structure
    from maillage.plan.models import ActivityKind, Axis
    from maillage.plan.services import activity_record

    structure = Structure.objects.filter(territory=armentieres, x_l93__isnull=False).first()
    activity_record(
        territory=armentieres,
        date=dt.date(2024, 3, 12),
        kind=ActivityKind.objects.order_by("order", "name").first(),
        title="Atelier, exemple fictif",
        axes=[Axis.objects.filter(convention__territory=armentieres).order_by("pk").first()],
        is_fictional=True,
    )
    start = [
        "/",
        f"/territoire/armentieres/structures/{structure.pk}/",
        "/territoire/armentieres/espace/",
        "/territoire/armentieres/journal/",
    ]
    seen = _crawl(coordinator_client, start)
    html = {
        route: (path, r)
        for route, (path, r) in seen.items()
        if r.get("Content-Type", "").startswith("text/html")
    }
    assert MUST_VISIT <= set(html), f"pages non atteintes : {sorted(MUST_VISIT - set(html))}"
    assert len(html) >= 30, sorted(html)
    for route, (path, response) in html.items():
        header = response.get("Content-Security-Policy")
        assert header, f"{path} ({route}, {response.status_code}) : pas de CSP"
        assert directives(header) == EXPECTED, f"{path} : {header}"
    for route, (path, response) in seen.items():  # downloads, GeoJSON, SVG: a policy too
        assert response.get("Content-Security-Policy"), f"{path} ({route}) : pas de CSP"


@pytest.mark.django_db
def test_anonymous_pages_errors_admin_and_api_docs_have_the_policy(armentieres):
    client = Client()
    for path, status in (
        ("/", 200),
        ("/territoire/armentieres/annuaire/?q=crèche", 200),
        ("/connexion/", 200),
        ("/admin/login/", 200),
        ("/api/v1/docs", 200),
        ("/territoire/inconnu/", 404),
        ("/territoire/armentieres/espace/", 302),
    ):
        response = client.get(path)
        assert response.status_code == status, path
        assert directives(response["Content-Security-Policy"]) == EXPECTED, path


@pytest.mark.django_db
def test_htmx_partial_has_the_policy(armentieres):
    response = Client().get("/territoire/armentieres/annuaire/?q=crèche", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == EXPECTED


@pytest.mark.django_db
@override_settings(
    TILE_URL="https://{s}.tuiles.example.org/{z}/{x}/{y}.png",
    GEOCODER_URL="https://geocodeur.example.org:8443/search/",
)
def test_tile_and_geocoder_hosts_are_allowed_once_configured(armentieres):
    response = Client().get("/territoire/armentieres/")
    got = directives(response["Content-Security-Policy"])
    assert got["img-src"] == ["'self'", "data:", "https://*.tuiles.example.org"]
    assert got["connect-src"] == ["'self'", "https://geocodeur.example.org:8443"]
    assert {k: v for k, v in got.items() if k not in ("img-src", "connect-src")} == {
        k: v for k, v in EXPECTED.items() if k not in ("img-src", "connect-src")
    }
    # The map is given the same tile address the policy allows.
    assert b'data-tile-url="https://{s}.tuiles.example.org/' in response.content


@pytest.mark.django_db
def test_without_tile_or_geocoder_no_outside_host_is_allowed(armentieres):
    header = Client().get("/territoire/armentieres/")["Content-Security-Policy"]
    assert "example" not in header and "http" not in header
    assert directives(header)["img-src"] == ["'self'", "data:"]


@pytest.mark.parametrize(
    ("url", "source"),
    [
        (
            "https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png",
            "https://*.tile.openstreetmap.fr",
        ),
        ("https://tuiles.example.org:8443/{z}/{x}/{y}.png", "https://tuiles.example.org:8443"),
        ("http://127.0.0.1:8101/t/{z}/{x}/{y}.png", "http://127.0.0.1:8101"),
        ("", ""),
        ("javascript:alert(1)", ""),
        ("https://{s}/{z}.png", ""),
        ("https://x.example.org:port/", ""),
        ("https://a'b.example.org/", ""),
    ],
)
def test_source_of_a_configured_address(url, source):
    assert source_of(url) == source


def test_a_bad_setting_never_widens_the_policy():
    assert page_policy(tile_url="javascript:alert(1)", geocoder_url="*") == page_policy()


@pytest.mark.django_db
def test_downloads_keep_their_own_policy(armentieres):
    from maillage.reports.diagnostic_figures import FIGURES

    name = next(iter(FIGURES))
    response = Client().get(f"/territoire/armentieres/diagnostic/figures/{name}.svg")
    assert response.status_code == 200
    # The figure's own policy (its <style> only), not the pages' one: one policy for every SVG.
    assert response["Content-Security-Policy"] == SVG_CSP
    from maillage.plan.models import Indicator

    indicator = Indicator.objects.filter(axis__convention__territory=armentieres).first()
    chart = Client().get(f"/territoire/armentieres/indicateurs/{indicator.pk}/tendance.svg")
    assert chart.status_code == 200
    assert chart["Content-Security-Policy"] == SVG_CSP
    assert directives(SVG_CSP)["style-src"] == ["'unsafe-inline'"]
    assert directives(ATTACHMENT_CSP) == {
        "default-src": ["'none'"],
        "sandbox": [],
        "frame-ancestors": ["'none'"],
    }


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
SCRIPT_URL = re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.I)
PDF_ONLY = {"plan/bilan_pdf.html", "diagnostic/report_pdf.html", "directory/guide_pdf.html"}


def test_templates_have_no_inline_script_handler_or_style_attribute():
    problems = []
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 50
    for path in templates:
        name = path.relative_to(TEMPLATES).as_posix()
        if name in PDF_ONLY:  # rendered by WeasyPrint on the server, never served
            continue
        text = path.read_text()
        for label, pattern in (
            ("script en ligne", INLINE_SCRIPT),
            ("gestionnaire d'événement", HANDLER),
            ("attribut style", STYLE_ATTR),
            ("adresse javascript:", SCRIPT_URL),
        ):
            for m in pattern.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                problems.append(f"{name}:{line} {label} : {m.group(0)[:80]}")
    assert not problems, "\n".join(problems)


def test_the_scan_finds_what_it_looks_for():
    sample = (
        '<script>x()</script><script src="/a.js"></script>'
        '<script type="application/json">{}</script>'
        '<img src=x onerror="alert(1)"><p style="color: red"><a href="javascript:x()">'
    )
    assert len(INLINE_SCRIPT.findall(sample)) == 1
    assert HANDLER.search(sample) and STYLE_ATTR.search(sample) and SCRIPT_URL.search(sample)
