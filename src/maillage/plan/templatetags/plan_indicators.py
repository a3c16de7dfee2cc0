"""Template tags of the indicator pages: statuses (:class:`maillage.plan.status.Status`) and
the registered indicator kinds (:mod:`maillage.plan.indicator_kinds`).

``{% load plan_indicators %}`` then ``{{ r.status|status_label }}`` (the words shown),
``status-{{ r.status|status_css }}`` (the CSS class of ``static/maillage/plan.css``) and
``{% indicator_kinds as kinds %}`` (each with ``label`` and ``doc``, in French),
``{% with kind=indicator.kind|indicator_kind %}`` (one kind: ``accepts_entries``, ``value_type``).
"""

from __future__ import annotations

from django import template

from maillage.plan.indicator_kinds import IndicatorKind, kind_get, registered_kinds
from maillage.plan.status import status_css as _css
from maillage.plan.status import status_label as _label

register = template.Library()


@register.filter
def status_css(value: str) -> str:
    return _css(value)


@register.filter
def status_label(value: str) -> str:
    return _label(value)


@register.simple_tag
def indicator_kinds() -> list[IndicatorKind]:
    """Every registered kind, in display order."""
    return registered_kinds()


@register.filter
def indicator_kind(name: str) -> IndicatorKind | None:
    """The registered kind of that name (``None`` if there is none)."""
    try:
        return kind_get(name)
    except ValueError:
        return None
