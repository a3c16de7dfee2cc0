"""Template helpers of the partners' space: ``{% load accounts_tags %}``.

``{% history_link obj %}`` shows a link to the object's change history to users who may see
it (coordinator, observer, the partner who may edit it), nothing to the public.
``{% edit_link obj %}`` links to the partner edit form of a structure or service.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _g

from maillage.accounts import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def history_link(context: dict, obj: Any) -> str:
    user = context.get("user") or getattr(context.get("request"), "user", None)
    territory = permissions.territory_of(obj)
    if territory is None or user is None or not permissions.can_view_history(user, obj, territory):
        return ""
    url = reverse("web:history", args=[territory.slug, obj._meta.label_lower, obj.pk])
    return format_html('<a href="{}">{}</a>', url, _g("Historique des modifications"))


@register.simple_tag(takes_context=True)
def edit_link(context: dict, obj: Any) -> str:
    user = context.get("user") or getattr(context.get("request"), "user", None)
    label = obj._meta.label_lower
    if user is None or label not in ("directory.structure", "directory.service"):
        return ""
    if not permissions.can_edit(user, obj):
        return ""
    territory = permissions.territory_of(obj)
    name = "web:structure-edit" if label == "directory.structure" else "web:service-edit"
    text = (
        _g("Proposer une modification")
        if permissions.needs_validation(user, obj)
        else _g("Modifier")
    )
    return format_html('<a href="{}">{}</a>', reverse(name, args=[territory.slug, obj.pk]), text)
