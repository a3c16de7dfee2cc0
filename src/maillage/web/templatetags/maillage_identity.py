"""Maillage's visual identity in templates: the CTG theme's pictogram beside its name.

``{% theme s.theme %}`` renders ``<span class="theme petite-enfance"><img … aria-hidden="true">
Petite enfance</span>``: the pictogram (``static/maillage/icons/<thème>.svg``, the same files as
the map markers') is decorative, the theme is always named in text. An unknown or empty theme
renders nothing.
"""

from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from maillage.directory.models import CtgTheme

register = template.Library()

THEMES = {c.value: c for c in CtgTheme}


def theme_icon_url(theme: str) -> str:
    """The static URL of a theme's pictogram (the generic one for an unknown theme)."""
    return static(f"maillage/icons/{theme if theme in THEMES else 'generic'}.svg")


@register.simple_tag
def theme(slug: str, size: str = "") -> str:
    """A theme's pictogram and name; ``size="large"`` for a bigger pictogram."""
    if slug not in THEMES:
        return ""
    cls = "theme-icon large" if size == "large" else "theme-icon"
    return format_html(
        '<span class="theme {}"><img class="{}" src="{}" alt="" aria-hidden="true" '
        'width="24" height="24">{}</span>',
        slug,
        cls,
        theme_icon_url(slug),
        THEMES[slug].label,
    )


@register.simple_tag
def theme_legend() -> str:
    """The map legend: every CTG theme's pictogram (the markers' shapes) and name."""
    items = format_html_join("", "<li>{}</li>", ((theme(slug),) for slug in THEMES))
    return format_html(
        '<ul class="theme-legend" aria-label="{}">{}</ul>', _("Thèmes des repères"), items
    )
