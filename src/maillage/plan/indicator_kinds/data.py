"""``data``: a figure taken from the data (``source``: one of ``DATA_SOURCES``), a snapshot of
today placed on the current year of the convention."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..evidence_sources import DATA_SOURCES
from ..indicator_methods import data_source_text
from ..status import Status
from .base import Computed, IndicatorKind, KindContext, register


class Data(IndicatorKind):
    name = "data"
    label = gettext_lazy("chiffre tiré des données")
    order = 40

    @property
    def doc(self) -> str:
        return _(
            "Chiffre tiré des données de l'outil (annuaire), état du jour de l'édition, "
            "placé sur l'année en cours."
        )

    def validate_rule(self, rule: dict, **plan: Any) -> str | None:
        if not isinstance(rule.get("source"), str) or rule["source"] not in DATA_SOURCES:
            return f"source de données inconnue (connues : {', '.join(sorted(DATA_SOURCES))})."
        return None

    def method(self, rule: dict) -> str:
        return _("Chiffre de l'annuaire : {what} (état du jour).").format(
            what=data_source_text(rule.get("source", ""))
        )

    def compute(self, indicator: Any, rule: dict, ctx: KindContext) -> Computed:
        years = ctx.years
        out = Computed.empty(years)
        source = rule.get("source", "")
        fig = ctx.cached(("data", source), lambda: DATA_SOURCES[source](ctx.territory))
        if fig.note:
            out.notes.append(fig.note)
        if fig.value is None:
            out.missing = Status.NOT_COMPUTABLE.value
        else:
            out.total = fig.value
            year = min(max(ctx.today.year, years[0]), years[-1])
            out.values[year] = fig.value
            out.evidence[year] = list(fig.evidence)
        return out


register(Data())
