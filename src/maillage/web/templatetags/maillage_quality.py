"""``{% datainclusion_score territory %}``: the official data·inclusion ``score_qualite`` of the
territory's export, on the quality page (``directory/_score_qualite.html``)."""

from __future__ import annotations

from typing import Any

from django import template

from maillage.interop.datainclusion_score import fr, territory_score

register = template.Library()


@register.inclusion_tag("directory/_score_qualite.html")
def datainclusion_score(territory: Any) -> dict[str, Any]:
    return {"score": territory_score(territory=territory)}


@register.filter
def score_fr(value: float | None) -> str:
    """A score 0..1 written the French way (« 0,62 »)."""
    return fr(value) if value is not None else ""
