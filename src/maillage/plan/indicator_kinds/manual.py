"""``manual``: values entered by year (``IndicatorValue``), each with its justification; the
value over the period is the latest one."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..evidence_sources import Evidence
from .base import Computed, IndicatorKind, KindContext, register


class Manual(IndicatorKind):
    name = "manual"
    label = gettext_lazy("valeur saisie avec justification")
    order = 50
    accepts_entries = True

    @property
    def doc(self) -> str:
        return _(
            "Valeur saisie chaque année par le chargé de coopération, avec sa justification ; "
            "sur la période : la dernière valeur saisie. Sans saisie : « non renseigné »."
        )

    def validate_rule(self, rule: dict, **plan: Any) -> str | None:
        return None if not rule else "un indicateur saisi n'a pas de règle."

    def method(self, rule: dict) -> str:
        return _("Valeur saisie chaque année avec sa justification.")

    def compute(self, indicator: Any, rule: dict, ctx: KindContext) -> Computed:
        out = Computed.empty(ctx.years)
        for v in indicator.values.all():
            if v.year in out.values:
                out.values[v.year] = v.value
                out.evidence[v.year] = [
                    Evidence(kind="saisie", label=v.justification, value=v.value)
                ]
        filled = [y for y in ctx.years if out.values[y] is not None]
        out.total = out.values[filled[-1]] if filled else None
        return out


register(Manual())
