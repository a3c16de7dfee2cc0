"""Kinds computed from the journal of activities: ``activity_count``, ``body_count``, ``document``.

Their rule: ``kinds`` (activity kind names), ``axis`` (axis number), optionally ``objectives``
(codes such as ``"1.3"``, any of them) and ``zone`` (``"qpv"``: an activity tagged with a QPV zone
or positioned inside a QPV polygon; ``"zone_blanche"``: same with the zones blanches of the
providers — zones flagged by the coordinator, else those the diagnostic computes for the rule's
``theme``). Counts of a year whose journal is not declared complete are ``None`` (« non
renseigné »), with what the journal already holds in ``partial``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..evidence_sources import Evidence, ZoneSet, qpv_zones, zones_blanches
from ..indicator_methods import JOURNAL_COMPLETE_RULE, quoted_names, rule_scope
from ..status import Status
from .base import Computed, IndicatorKind, KindContext, register

ZONE_FILTERS = ("qpv", "zone_blanche")
RULE_KEYS = {"kinds", "axis", "objectives", "zone", "theme"}


@dataclass(frozen=True)
class JournalEntry:
    """What the indicators need of a journal activity (read once, without model instances)."""

    pk: int
    date: dt.date
    kind: str
    title: str
    validated: bool
    is_fictional: bool
    participants: int | None
    lon: float | None
    lat: float | None
    axis_numbers: frozenset[int]
    objective_codes: frozenset[str]
    zones: tuple[tuple[int, str], ...]
    body: str = ""  # the body that met: its working group, else the body named on the entry


def activity_matches(activity: JournalEntry, rule: dict) -> bool:
    """Whether ``activity`` matches the kinds, axis and objectives of ``rule``."""
    if activity.kind not in rule.get("kinds", ()):
        return False
    if "axis" in rule and rule["axis"] not in activity.axis_numbers:
        return False
    wanted = set(rule.get("objectives") or ())
    return not wanted or bool(wanted & activity.objective_codes)


def activity_evidence(activity: JournalEntry, detail: str = "") -> Evidence:
    return Evidence(
        kind="activité",
        label=activity.title,
        activity_id=activity.pk,
        date=activity.date,
        value=float(activity.participants) if activity.participants is not None else None,
        detail=detail,
        is_fictional=activity.is_fictional,
    )


class JournalKind(IndicatorKind):
    """A kind that reads the journal activities matching its rule (and zone)."""

    validated_only = False  # only activities whose « document validé » flag is set

    def validate_rule(
        self,
        rule: dict,
        *,
        kind_names: set[str],
        axis_numbers: set[int],
        objective_codes: set[str],
    ) -> str | None:
        if unknown := set(rule) - RULE_KEYS:
            return f"clé(s) inconnue(s) : {', '.join(sorted(unknown))}."
        kinds = rule.get("kinds")
        if not isinstance(kinds, list) or not kinds or not all(isinstance(k, str) for k in kinds):
            return "liste « kinds » (types d'activité) attendue."
        if missing := [k for k in kinds if k not in kind_names]:
            return f"type(s) d'activité inconnu(s) : {', '.join(map(str, missing))}."
        axis = rule.get("axis")
        if "axis" in rule and (not isinstance(axis, int) or axis not in axis_numbers):
            return f"axe {axis} inconnu."
        objectives = rule.get("objectives", [])
        if not isinstance(objectives, list) or any(
            not isinstance(o, str) or o not in objective_codes for o in objectives
        ):
            return "objectifs inconnus (codes attendus, ex. « 1.3 »)."
        if not isinstance(rule.get("zone"), (str, type(None))) or rule.get("zone") not in (
            None,
            *ZONE_FILTERS,
        ):
            return f"filtre de zone inconnu (connus : {', '.join(ZONE_FILTERS)})."
        if "theme" in rule and (rule.get("zone") != "zone_blanche" or not rule["theme"]):
            return "« theme » (thème du diagnostic) ne sert qu'avec zone: zone_blanche."
        return None

    def compute(self, indicator: Any, rule: dict, ctx: KindContext) -> Computed:
        zone_set, notes = _zone_set(rule, ctx)
        if zone_set is None and rule.get("zone"):
            out = Computed.empty(ctx.years)
            out.missing = Status.NOT_COMPUTABLE.value
        else:
            matched = []
            for act in ctx.activities:
                if self.validated_only and not act.validated:
                    continue
                if act.date.year not in ctx.years or not activity_matches(act, rule):
                    continue
                where = zone_set.contains(act) if zone_set is not None else None
                if zone_set is not None and where is None:
                    continue
                matched.append((act, where.label if where else ""))
            out = self.from_matched(indicator, matched, ctx)
        out.notes[:0] = notes
        return out

    def from_matched(
        self, indicator: Any, matched: list[tuple[JournalEntry, str]], ctx: KindContext
    ) -> Computed:
        """The values from the matched entries, each with where it took place."""
        raise NotImplementedError


def _zone_set(rule: dict, ctx: KindContext) -> tuple[ZoneSet | None, list[str]]:
    """The zones of the rule's ``zone`` filter (``None`` without one, or when not computable)."""
    if rule.get("zone") == "qpv":
        return ctx.cached("qpv", lambda: qpv_zones(ctx.territory)), []
    if rule.get("zone") != "zone_blanche":
        return None, []
    theme = rule.get("theme")
    zone_set = ctx.cached(("zone_blanche", theme), lambda: zones_blanches(ctx.territory, theme))
    if zone_set is None:
        return None, [
            _(
                "non calculable : zones blanches non encore calculées (aucune zone "
                "signalée par le chargé de coopération, et zones blanches du "
                "diagnostic non calculables pour ce thème : offre déclarée trop peu "
                "localisée)."
            )
        ]
    return zone_set, [_("Zones blanches : {source}.").format(source=zone_set.source)]


class CountKind(JournalKind):
    """A count of the journal: by year once the year's journal is declared complete."""

    value_type = "count"

    def count_key(self, act: JournalEntry) -> Hashable | None:
        """What is counted for ``act`` (``None``: the entry cannot be counted)."""
        return act.pk

    def detail(self, act: JournalEntry, where: str) -> str:
        return where

    def count(self, keys: list[Hashable]) -> int:
        return len(keys)

    def count_period(self, keys_by_year: list[list[Hashable]]) -> int:
        return sum(self.count(keys) for keys in keys_by_year)

    def uncounted_note(self, entries: list[JournalEntry]) -> str:
        return ""

    def from_matched(
        self, indicator: Any, matched: list[tuple[JournalEntry, str]], ctx: KindContext
    ) -> Computed:
        years = ctx.years
        out = Computed.empty(years)
        keys: dict[int, list[Hashable]] = {y: [] for y in years}
        uncounted: list[JournalEntry] = []
        for act, where in matched:
            key = self.count_key(act)
            if key is None:
                uncounted.append(act)
                continue
            keys[act.date.year].append(key)
            out.evidence[act.date.year].append(
                activity_evidence(act, detail=self.detail(act, where))
            )
        for y in years:
            n = float(self.count(keys[y]))
            if y in ctx.complete:
                out.values[y] = n
            else:
                out.partial[y] = n
        done = [y for y in years if y in ctx.complete]
        if done:
            out.total = float(self.count_period([keys[y] for y in done]))
            if len(done) < len(years):
                out.notes.append(
                    _(
                        "Sur la période : années au journal déclaré complet seulement ({years})."
                    ).format(years=", ".join(map(str, done)))
                )
        if uncounted and (note := self.uncounted_note(uncounted)):
            out.notes.append(note)
        return out


class ActivityCount(CountKind):
    name = "activity_count"
    label = gettext_lazy("décompte d'activités du journal")
    order = 10

    @property
    def doc(self) -> str:
        return _(
            "Décompte des activités du journal qui répondent à la règle (type d'activité, axe, "
            "objectifs, zone), par année. {complete} Sur la période : somme des années "
            "déclarées complètes."
        ).format(complete=JOURNAL_COMPLETE_RULE)

    def method(self, rule: dict) -> str:
        return _(
            "Nombre d'activités du journal de type {kinds}{scope}, par année (années au journal "
            "déclaré complet seulement) ; sur la période, leur somme."
        ).format(kinds=quoted_names(list(rule.get("kinds") or [])), scope=rule_scope(rule))

    def target_total(self, targets: list[float]) -> float:
        return float(sum(targets))


class BodyCount(CountKind):
    """Distinct bodies (working group of the partners' space, or the body named on the
    activity) among the matching activities: a group meeting ten times counts once, its
    meetings are the evidence; a meeting naming no body is not counted (a note says so)."""

    name = "body_count"
    label = gettext_lazy("décompte d'instances distinctes")
    order = 20
    noun = gettext_lazy("instance(s)")

    @property
    def doc(self) -> str:
        return _(
            "Décompte des instances distinctes (groupes de travail de l'espace partenaires, ou "
            "instance nommée dans le champ « instance réunie » d'une activité du journal) qui se "
            "sont réunies dans l'année : une instance réunie dix fois compte une fois ; ses "
            "réunions en sont la preuve. Une réunion sans instance nommée n'est pas comptée "
            "(elle est signalée). {complete} Sur la période : nombre d'instances distinctes "
            "réunies pendant les années déclarées complètes."
        ).format(complete=JOURNAL_COMPLETE_RULE)

    def method(self, rule: dict) -> str:
        return _(
            "Nombre d'instances distinctes ({kinds}{scope}) réunies dans l'année : groupe de "
            "l'espace partenaires ou instance nommée au journal, chaque instance comptée une "
            "fois quel que soit le nombre de ses réunions (années au journal déclaré complet "
            "seulement) ; ses réunions en sont la preuve."
        ).format(kinds=quoted_names(list(rule.get("kinds") or [])), scope=rule_scope(rule))

    def count_key(self, act: JournalEntry) -> Hashable | None:
        from maillage.text import fold

        return fold(act.body) if act.body.strip() else None

    def detail(self, act: JournalEntry, where: str) -> str:
        met = _("réunion de « {name} »").format(name=act.body)
        return "; ".join(x for x in (met, where) if x)

    def count(self, keys: list[Hashable]) -> int:
        return len(set(keys))

    def count_period(self, keys_by_year: list[list[Hashable]]) -> int:
        return len({k for keys in keys_by_year for k in keys})

    def uncounted_note(self, entries: list[JournalEntry]) -> str:
        return _(
            "{n} réunion(s) sans instance nommée, non comptée(s) : indiquez l'instance "
            "réunie dans l'activité du journal ({titles})."
        ).format(n=len(entries), titles="; ".join(a.title for a in entries[:5]))

    def target_total(self, targets: list[float]) -> float:
        return max(targets)


class Document(JournalKind):
    """Oui (1) / non (0): a journal activity matching ``kinds``/``axis`` whose ``validated``
    flag is set, or a oui/non entered with its justification. A document counts from its year
    to the end of the period; an entered answer wins for its year. Never a percentage."""

    name = "document"
    label = gettext_lazy("présence d'un document (oui/non)")
    order = 30
    value_type = "presence"
    accepts_entries = True
    validated_only = True

    @property
    def doc(self) -> str:
        return _(
            "Oui/non : « oui » dès qu'un document en apporte la preuve — une activité du "
            "journal répondant à la règle et marquée « document validé », ou une réponse "
            "oui/non saisie par le chargé de coopération avec sa justification (le document). "
            "Un document vaut de son année à la fin de la convention ; une réponse saisie pour "
            "une année prime pour cette année. Sans preuve : « non ». Jamais un pourcentage."
        )

    def method(self, rule: dict) -> str:
        return _(
            "Oui si un document le prouve : activité du journal de type {kinds}{scope}, marquée "
            "« document validé », ou réponse oui/non saisie avec sa justification ; non sinon."
        ).format(
            kinds=quoted_names(list(rule.get("kinds") or [])),
            scope=rule_scope(rule, singular=True),
        )

    def from_matched(
        self, indicator: Any, matched: list[tuple[JournalEntry, str]], ctx: KindContext
    ) -> Computed:
        years = ctx.years
        out = Computed.empty(years)
        manual = {v.year: v for v in indicator.values.all() if v.year in out.values}
        present = False
        for act, where in matched:
            out.evidence[act.date.year].append(activity_evidence(act, detail=where))
        for y in years:
            if y in manual:
                entry = manual[y]
                out.evidence[y].insert(
                    0, Evidence(kind="saisie", label=entry.justification, value=entry.value)
                )
                present = entry.value >= 1
            else:
                present = present or any(e.kind == "activité" for e in out.evidence[y])
            if y <= ctx.today.year or y in manual:
                out.values[y] = 1.0 if present else 0.0
        known = [out.values[y] for y in years if out.values[y] is not None]
        out.total = known[-1] if known else None
        return out


register(ActivityCount())
register(BodyCount())
register(Document())
