"""Actions linked to the gaps of the diagnostic they answer.

A journal activity or an échéance may be linked (:class:`maillage.plan.models.GapLink`) to a
zone blanche (a theme of the diagnostic and a zone of the territory), a QPV, or a scenario of the
diagnostic. The diagnostic then shows, for each zone blanche and each QPV, what is being done
there (:func:`gap_actions`); the COPIL deck shows, for each linked gap, the figures before and
after when they can be computed (:func:`gap_effects`) — never a figure the diagnostic cannot
state: « non calculable » with its reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from maillage.accounts.actor import Actor, author

from .validation import PlanValidationError

if TYPE_CHECKING:
    from maillage.diagnostic.report import DiagnosticReport
    from maillage.diagnostic.results import WhiteZones
    from maillage.territory.models import Territory, Zone

    from .models import Activity, GapLink, Milestone

__all__ = [
    "GapAction",
    "GapEffect",
    "ZoneActions",
    "gap_actions",
    "gap_choices",
    "gap_effects",
    "gap_link_add",
    "gap_link_remove",
    "links_of",
]


def _themes() -> dict[str, str]:
    from maillage.diagnostic.themes import THEMES

    return {slug: str(t.label) for slug, t in THEMES.items()}


@dataclass(frozen=True)
class GapChoices:
    """What a link may point to in ``territory``: themes, zones, QPV, scenarios."""

    themes: list[tuple[str, str]]
    zones: list[Zone]
    qpv: list[Zone]
    scenarios: list[tuple[int, str]]


def gap_choices(*, territory: Territory) -> GapChoices:
    from maillage.diagnostic.models import Scenario
    from maillage.territory.models import Zone
    from maillage.territory.selectors import territory_zones

    zones = sorted(territory_zones(territory=territory), key=lambda z: (z.kind, z.name))
    return GapChoices(
        themes=list(_themes().items()),
        zones=zones,
        qpv=[z for z in zones if z.kind == Zone.Kind.QPV],
        scenarios=list(
            Scenario.objects.filter(territory=territory).order_by("name").values_list("pk", "name")
        ),
    )


def _territory_of(activity: Activity | None, milestone: Milestone | None) -> Territory:
    if activity is not None:
        return activity.territory
    assert milestone is not None
    return milestone.convention.territory


@transaction.atomic
def gap_link_add(
    *,
    activity: Activity | None = None,
    milestone: Milestone | None = None,
    kind: str,
    theme: str = "",
    zone_id: int | None = None,
    scenario_id: int | None = None,
    user: Actor = None,
) -> GapLink:
    """Link ``activity`` or ``milestone`` (one of them) to a gap of the diagnostic.

    ``kind`` ``zone_blanche``: ``theme`` (a theme of the diagnostic) and ``zone_id`` (a zone of
    the territory); ``qpv``: ``zone_id`` (a QPV of the territory); ``scenario``:
    ``scenario_id`` (a scenario of the territory). :class:`PlanValidationError` (French, by
    field) otherwise; the same link twice is refused."""
    from maillage.accounts.history import record_change, snapshot
    from maillage.diagnostic.models import Scenario

    from .models import GapLink

    if (activity is None) == (milestone is None):
        raise PlanValidationError({"kind": _("lien à une activité ou à une échéance attendu.")})
    territory = _territory_of(activity, milestone)
    choices = gap_choices(territory=territory)
    errors: dict[str, str] = {}
    zone = None
    scenario = None
    if kind not in GapLink.Kind.values:
        errors["kind"] = _("type de manque inconnu (zone blanche, QPV ou scénario).")
    if kind == GapLink.Kind.ZONE_BLANCHE:
        if theme not in _themes():
            errors["theme"] = _("choisissez un thème du diagnostic.")
    else:
        theme = ""
    if kind in (GapLink.Kind.ZONE_BLANCHE, GapLink.Kind.QPV):
        pool = choices.zones if kind == GapLink.Kind.ZONE_BLANCHE else choices.qpv
        zone = next((z for z in pool if z.pk == zone_id), None)
        if zone is None:
            errors["zone"] = (
                _("choisissez une zone du territoire.")
                if kind == GapLink.Kind.ZONE_BLANCHE
                else _("choisissez un quartier prioritaire (QPV) du territoire.")
            )
    if kind == GapLink.Kind.SCENARIO:
        scenario = Scenario.objects.filter(territory=territory, pk=scenario_id or 0).first()
        if scenario is None:
            errors["scenario"] = _("choisissez un scénario de ce territoire.")
    if errors:
        raise PlanValidationError(errors)
    same = GapLink.objects.filter(
        activity=activity, milestone=milestone, kind=kind, theme=theme, zone=zone, scenario=scenario
    )
    if same.exists():
        raise PlanValidationError({"kind": _("ce lien existe déjà.")})
    link = GapLink.objects.create(
        activity=activity,
        milestone=milestone,
        kind=kind,
        theme=theme,
        zone=zone,
        scenario=scenario,
        created_by=author(user),
    )
    record_change(obj=link, user=user, before=None, after=snapshot(link), action="create")
    return link


@transaction.atomic
def gap_link_remove(*, link: GapLink, user: Actor = None) -> None:
    """Remove ``link`` (recorded in the history)."""
    from maillage.accounts.history import record_change, snapshot

    before = snapshot(link)
    record_change(obj=link, user=user, before=before, after=None, action="delete")
    link.delete()


def links_of(*, activity: Activity | None = None, milestone: Milestone | None = None) -> list[Any]:
    """The gap links of an activity or an échéance, with their zone and scenario."""
    from .models import GapLink

    qs = GapLink.objects.select_related("zone", "scenario")
    if activity is not None:
        return list(qs.filter(activity=activity))
    return list(qs.filter(milestone=milestone))


def link_label(link: GapLink) -> str:
    """« Zone blanche Petite enfance — Résidence du Lac », « QPV Le Bizet », « Scénario … »."""
    from .models import GapLink

    if link.kind == GapLink.Kind.ZONE_BLANCHE:
        return _("Zone blanche %(theme)s — %(zone)s") % {
            "theme": _themes().get(link.theme, link.theme),
            "zone": link.zone.name if link.zone else "?",
        }
    if link.kind == GapLink.Kind.QPV:
        return _("QPV %(zone)s") % {"zone": link.zone.name if link.zone else "?"}
    return _("Scénario « %(name)s »") % {"name": link.scenario.name if link.scenario else "?"}


# --------------------------------------------------------------------------- what is done where


@dataclass(frozen=True)
class GapAction:
    """An activity or an échéance linked to a gap."""

    kind: str  # "activité" or "échéance"
    title: str
    date: dt.date
    activity_id: int | None
    status: str = ""
    is_fictional: bool = False


@dataclass
class ZoneActions:
    """What is being done in a zone blanche (its rank and zones) or a QPV."""

    label: str
    zone_codes: list[str]
    population: float | None = None
    actions: list[GapAction] = field(default_factory=list)


def _links(territory: Territory) -> list[Any]:
    from django.db.models import Q

    from .models import GapLink

    return list(
        GapLink.objects.filter(
            Q(activity__territory=territory) | Q(milestone__convention__territory=territory)
        )
        .select_related("zone", "scenario", "activity", "milestone")
        .order_by("pk")
    )


def _action(link: GapLink) -> GapAction:
    if link.activity is not None:
        a = link.activity
        return GapAction(_("activité"), a.title, a.date, a.pk, "", a.is_fictional)
    m = link.milestone
    assert m is not None
    return GapAction(_("échéance"), m.title, m.due_date, None, str(m.get_status_display()))


@dataclass
class GapActions:
    """For the diagnostic: zones blanches of a theme and QPV, each with what is done there."""

    theme_label: str
    computable: bool
    reason: str
    white: list[ZoneActions]
    elsewhere: list[ZoneActions]  # linked to a zone blanche of the theme the result lacks
    qpv: list[ZoneActions]

    @property
    def empty(self) -> bool:
        return not any(z.actions for z in (*self.white, *self.elsewhere, *self.qpv))


def gap_actions(*, territory: Territory, white: WhiteZones | None, theme: str) -> GapActions:
    """What is being done in each zone blanche of ``theme`` (``white``, the diagnostic's result,
    ``None`` when it could not be computed) and in each QPV of the territory."""
    from .models import GapLink

    links = _links(territory)
    computable = white is not None and white.validity.computable
    reason = ""
    if white is None:
        reason = _("zones blanches non calculées pour ce thème.")
    elif not white.validity.computable:
        reason = white.validity.reason
    rows = []
    if computable and white is not None:
        rows = [
            ZoneActions(
                _("Zone blanche n° %(rank)s") % {"rank": w.rank}, list(w.zones), w.population
            )
            for w in white.zones
        ]
    elsewhere: dict[int, ZoneActions] = {}
    qpv: dict[int, ZoneActions] = {}
    for link in links:
        if link.zone is None:
            continue
        if link.kind == GapLink.Kind.ZONE_BLANCHE and link.theme == theme:
            hits = [r for r in rows if link.zone.code in r.zone_codes]
            for r in hits:
                r.actions.append(_action(link))
            if not hits:
                row = elsewhere.setdefault(
                    link.zone.pk, ZoneActions(link.zone.name, [link.zone.code])
                )
                row.actions.append(_action(link))
        elif link.kind == GapLink.Kind.QPV:
            row = qpv.setdefault(link.zone.pk, ZoneActions(link.zone.name, [link.zone.code]))
            row.actions.append(_action(link))
    return GapActions(
        theme_label=_themes().get(theme, theme),
        computable=computable,
        reason=reason,
        white=rows,
        elsewhere=list(elsewhere.values()),
        qpv=list(qpv.values()),
    )


# --------------------------------------------------------------------------- before / after


@dataclass(frozen=True)
class GapEffect:
    """A linked gap and the figures before and after, when they can be computed."""

    label: str
    actions: list[GapAction]
    measure: str  # what before/after count
    before: float | None
    after: float | None
    reason: str  # why « non calculable » (empty when computable)

    @property
    def computable(self) -> bool:
        return self.before is not None


def _white_population(report: DiagnosticReport, theme: str, zone: Zone) -> tuple[Any, str]:
    access = report.access
    if access is None:
        return None, _("accessibilité non calculée")
    t = next((t for t in access.themes if t.theme == theme), None)
    if t is None or t.white is None:
        return None, (t.error if t is not None else "") or _("zones blanches non calculées")
    if not t.white.validity.computable:
        return None, t.white.validity.reason
    return sum(w.population for w in t.white.zones if zone.code in w.zones), ""


def gap_effects(*, territory: Territory, report: DiagnosticReport) -> list[GapEffect]:
    """Each linked gap of ``territory`` with its actions and figures: for a scenario, the
    population of its zones blanches before and after (the scenario run against the current
    data); for a zone blanche, the population of the theme's zones blanches touching the zone
    today (the previous relevé gives the « before », see :mod:`maillage.plan.white_zone_history`);
    for a QPV, the actions only. « Non calculable » with the diagnostic's reason otherwise."""
    from maillage.diagnostic.scenarios import scenario_run

    from .models import GapLink

    groups: dict[tuple[str, str, int], list[GapLink]] = {}
    for link in _links(territory):
        ident = link.scenario_id if link.kind == GapLink.Kind.SCENARIO else link.zone_id
        groups.setdefault((link.kind, link.theme, ident or 0), []).append(link)
    out = []
    for (kind, theme, _ident), links in groups.items():
        first = links[0]
        actions = [_action(x) for x in links]
        label = link_label(first)
        if kind == GapLink.Kind.SCENARIO and first.scenario is not None:
            try:
                cmp = scenario_run(scenario=first.scenario)
            except ValueError as exc:
                out.append(GapEffect(label, actions, "", None, None, str(exc)))
                continue
            from maillage.diagnostic.themes import PUBLICS

            public = str(PUBLICS.get(cmp.public, (cmp.public,))[0])
            measure = _("%(public)s en zone blanche") % {"public": public}
            if cmp.white_population_before is None or cmp.white_population_after is None:
                out.append(
                    GapEffect(
                        label, actions, measure, None, None, cmp.validity.reason or _("inconnu")
                    )
                )
            else:
                out.append(
                    GapEffect(
                        label,
                        actions,
                        measure,
                        cmp.white_population_before,
                        cmp.white_population_after,
                        "",
                    )
                )
        elif kind == GapLink.Kind.ZONE_BLANCHE and first.zone is not None:
            value, reason = _white_population(report, theme, first.zone)
            measure = _("population cible des zones blanches touchant la zone (aujourd'hui)")
            out.append(GapEffect(label, actions, measure, value, None, reason))
        else:
            out.append(GapEffect(label, actions, "", None, None, ""))
    return out
