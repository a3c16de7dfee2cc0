"""``audience``: a yearly total of the directory's audience measurement (:mod:`maillage.usage`)
— fiche views, contact clicks (« itinéraire », phone, e-mail, website), searches or guide
downloads, as the rule's ``measures`` list says. Indicator 1.5 of the Armentières plan
(« augmentation de la reconnaissance de structures et des sollicitations ») can read it with
``{measures: [fiche, itineraire, telephone, courriel, site]}``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..evidence_sources import Evidence
from ..status import Status
from .base import Computed, IndicatorKind, KindContext, register


def _measures() -> dict[str, str]:
    from maillage.usage.models import PLURALS

    return {k.value: str(label) for k, label in PLURALS.items()}


class Audience(IndicatorKind):
    name = "audience"
    label = gettext_lazy("mesure d'audience de l'annuaire")
    order = 45
    noun = gettext_lazy("événement(s)")

    @property
    def doc(self) -> str:
        return _(
            "Total de l'année des comptes d'audience de l'annuaire public (vues de fiches, "
            "clics « itinéraire », téléphone, courriel, site, recherches, guides : ceux que la "
            "règle choisit), comptés par jour sans cookie ni donnée personnelle ; visites des "
            "comptes connectés et des robots non comptées. Une année avant le début de la "
            "mesure est « non calculable », jamais 0 ; une année commencée en cours de route "
            "est signalée comme partielle. Sur la période : la somme des années mesurées."
        )

    def validate_rule(self, rule: dict, **plan: Any) -> str | None:
        measures = rule.get("measures")
        known = _measures()
        if (
            not isinstance(measures, list)
            or not measures
            or not all(isinstance(m, str) for m in measures)
        ):
            return "« measures » : la liste des mesures comptées est obligatoire."
        unknown = [m for m in measures if m not in known]
        if unknown:
            return f"mesure(s) inconnue(s) : {', '.join(map(str, unknown))} (connues : " + (
                f"{', '.join(known)})."
            )
        extra = set(rule) - {"measures"}
        return f"clé(s) inconnue(s) : {', '.join(sorted(extra))}." if extra else None

    def method(self, rule: dict) -> str:
        known = _measures()
        names = ", ".join(known.get(m, m) for m in rule.get("measures", []))
        return _("Total par année de la mesure d'audience de l'annuaire : {what}.").format(
            what=names
        )

    def compute(self, indicator: Any, rule: dict, ctx: KindContext) -> Computed:
        from maillage.usage.selectors import yearly_counts

        measures = list(rule.get("measures", []))
        known = _measures()
        out = Computed.empty(ctx.years)
        out.missing = Status.NOT_COMPUTABLE.value
        by_year = ctx.cached(
            ("audience", tuple(measures)),
            lambda: yearly_counts(
                territory=ctx.territory, years=ctx.years, kinds=measures, today=ctx.today
            ),
        )
        measured = []
        for year, counts in by_year.items():
            if counts is None:
                continue
            measured.append(year)
            out.values[year] = counts.total
            period = _("du {a} au {b}").format(
                a=counts.first_day.strftime("%d/%m/%Y"), b=counts.last_day.strftime("%d/%m/%Y")
            )
            out.evidence[year] = [
                Evidence(
                    kind="donnée",
                    label=_("{what} (mesure d'audience)").format(what=known.get(m, m)),
                    value=n,
                    detail=period,
                )
                for m, n in counts.counts.items()
            ]
            if not counts.whole_year:
                out.notes.append(
                    _("{year} : année mesurée en partie seulement ({period}).").format(
                        year=year, period=period
                    )
                )
        if measured:
            out.total = sum(out.values[y] or 0 for y in measured)
            unmeasured = [y for y in ctx.years if y not in measured and y <= ctx.today.year]
            if unmeasured:
                out.notes.append(
                    _(
                        "Non calculable pour {years} : la mesure d'audience n'avait pas commencé."
                    ).format(years=", ".join(map(str, unmeasured)))
                )
        else:
            out.notes.append(_("Non calculable : la mesure d'audience n'a encore rien compté."))
        return out


register(Audience())
