"""The two parts of a search result card (``directory/_card.html``) that depend on the search,
not on the structure: ``{% card_distance hit %}`` (« · à 350 m ») and ``{% card_services hit %}``
(the services shown, five at most).

A card is otherwise the same for every search, so :func:`maillage.web.views.directory.
result_cards` renders the template once per structure with these two tags left as slots
(``card_slots`` in the context) and fills them for each hit: the template stays the one
description of a card, and a search does not pay for rendering it again for each subset of
services it shows (a test checks the assembled card equals the template's rendering).
"""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()

SERVICES_SHOWN = 5
#: Markers left in a card rendered with ``card_slots`` (a card whose text happened to hold one is
#: rendered whole instead, see ``result_cards``).
DISTANCE_SLOT = "\x00card-distance\x00"
SERVICES_SLOT = "\x00card-services\x00"


def distance_html(hit: Any) -> SafeString:
    if hit.distance_m is None:
        return SafeString("")
    label = _("à %(d)s m") % {"d": floatformat(hit.distance_m, "0g")}
    return SafeString(f" · {escape(label)}")


def services_html(hit: Any) -> SafeString:
    """Built with the standard library's escaping (the same as the template's) rather than
    ``format_html``: it runs for every hit of every search."""
    if not hit.services:
        return SafeString("")
    items = "".join(f"<li>{escape(sv.name)}</li>" for sv in hit.services[:SERVICES_SHOWN])
    more = len(hit.services) - SERVICES_SHOWN
    if more > 0:
        text = ngettext("et %(n)s autre", "et %(n)s autres", more) % {"n": more}
        items += f"<li>{escape(text)}</li>"
    return SafeString(f'<ul class="tags" aria-label="{escape(_("Services"))}">{items}</ul>')


@register.simple_tag(takes_context=True)
def card_distance(context: dict[str, Any], hit: Any) -> str:
    return mark_safe(DISTANCE_SLOT) if context.get("card_slots") else distance_html(hit)  # noqa: S308


@register.simple_tag(takes_context=True)
def card_services(context: dict[str, Any], hit: Any) -> str:
    return mark_safe(SERVICES_SLOT) if context.get("card_slots") else services_html(hit)  # noqa: S308
