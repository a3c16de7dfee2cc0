"""Template tags of the gap links (:mod:`maillage.plan.gaps`).

``{% gap_labels activity as links %}`` (the labels of an activity's links) and, in the
diagnostic, ``{% gap_actions_for territory theme as gaps %}`` (what is being done in each
zone blanche of ``theme`` and in each QPV).
"""

from __future__ import annotations

from typing import Any

from django import template

from maillage.plan import gaps

register = template.Library()


@register.simple_tag
def gap_labels(activity: Any) -> list[str]:
    return [gaps.link_label(link) for link in gaps.links_of(activity=activity)]


@register.simple_tag(takes_context=True)
def gap_actions_for(context: Any, territory: Any, theme: str) -> gaps.GapActions:
    """``white`` is read from the context: absent when the diagnostic could not compute it."""
    white = context.get("white")
    return gaps.gap_actions(territory=territory, white=white, theme=theme or "")
