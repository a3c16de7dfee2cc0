"""Maillage's visual identity (issue 20): one palette, AA contrast, a pictogram per CTG theme.

The palette is written in site.css (custom properties) for the pages and in reports/charts.py
for the charts and PDFs: the two must agree, and every colour used by the PDF templates must be
one of them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template

from maillage.directory.models import CtgTheme
from maillage.reports.charts import PALETTE, SEQUENTIAL, THEME_COLOURS, THEME_MARKERS

WEB = Path(__file__).resolve().parents[2] / "src" / "maillage" / "web"
STATIC = WEB / "static" / "maillage"
SITE_CSS = (STATIC / "site.css").read_text(encoding="utf-8")
PDF_TEMPLATES = [
    "diagnostic/report_pdf.html",
    "plan/bilan_pdf.html",
    "plan/copil_pdf.html",
    "usage/poster_pdf.html",
]


def _luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def css_variables() -> dict[str, str]:
    root = SITE_CSS[SITE_CSS.index(":root {") : SITE_CSS.index("}", SITE_CSS.index(":root {"))]
    return {m[1]: m[2].lower() for m in re.finditer(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})\b", root)}


def test_site_css_and_charts_share_one_palette():
    variables = css_variables()
    for name, value in PALETTE.items():
        assert variables.get(name) == value, name
    for theme, value in THEME_COLOURS.items():
        assert variables.get(f"theme-{theme}") == value, theme


@pytest.mark.parametrize(
    "name", ["ink", "muted", "accent", "accent-strong", "warn", "danger", "ok", "iris"]
)
def test_text_colours_are_aa_on_white_and_on_panels(name):
    for background in ("#ffffff", PALETTE["surface"], PALETTE["accent-soft"]):
        assert contrast(PALETTE[name], background) >= 4.5, (name, background)


def test_form_borders_and_focus_are_visible():
    variables = css_variables()
    assert contrast(variables["line-strong"], "#ffffff") >= 3  # WCAG 1.4.11, fields' borders
    assert contrast(variables["focus"], "#ffffff") >= 3  # focus ring


def test_every_theme_has_a_colour_a_marker_and_a_pictogram():
    themes = {t.value for t in CtgTheme}
    assert set(THEME_COLOURS) == themes == set(THEME_MARKERS)
    assert len(set(THEME_MARKERS.values())) == len(themes)  # one shape each
    for theme, colour in THEME_COLOURS.items():
        assert contrast(colour, "#ffffff") >= 4.5, theme  # text on white, white on it
        svg = (STATIC / "icons" / f"{theme}.svg").read_text(encoding="utf-8")
        assert colour in svg, theme
        assert "<script" not in svg and "href" not in svg  # self-contained, inert
    assert (STATIC / "icons" / "generic.svg").exists()


def test_map_js_knows_the_same_themes():
    js = (STATIC / "map.js").read_text(encoding="utf-8")
    listed = re.search(r"var THEMES = \[([^\]]*)\]", js)
    assert listed is not None
    assert set(re.findall(r'"([\w-]+)"', listed.group(1))) == set(THEME_COLOURS)


def test_pdf_templates_use_the_palette():
    allowed = {*PALETTE.values(), *THEME_COLOURS.values(), *SEQUENTIAL, "#ffffff", "#fff"}
    for name in PDF_TEMPLATES:
        text = (WEB / "templates" / name).read_text(encoding="utf-8")
        used = {c.lower() for c in re.findall(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b", text)}
        assert used <= allowed, (name, used - allowed)


def test_theme_tag_gives_a_decorative_pictogram_and_the_name_in_text():
    html = Template("{% load maillage_identity %}{% theme slug %}").render(
        Context({"slug": "petite-enfance"})
    )
    assert 'aria-hidden="true"' in html and 'alt=""' in html
    assert "maillage/icons/petite-enfance.svg" in html
    assert "Petite enfance" in html
    assert Template("{% load maillage_identity %}{% theme '' %}").render(Context()) == ""
