"""« What if » scenarios: changes of the offer and housing projects, applied IN MEMORY.

:func:`scenario_run` copies the current demand and sites, applies the scenario's changes to
the copies, recomputes coverage, accessibility and zones blanches, and returns a
:class:`~maillage.diagnostic.results.ScenarioComparison`. The database is never written by a
run; :func:`scenario_save` stores a scenario (one transaction).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.directory.models import Typology
from maillage.territory.models import Statistic, Territory, Zone

from .compute import compute_accessibility, compute_coverage, compute_white_zones
from .inputs import Demand, SiteRow
from .models import HousingProject, Scenario, ScenarioChange
from .results import ScenarioComparison, ScenarioSet, ZoneDelta
from .scenario_spec import (
    ChangeSpec,
    HousingSpec,
    Place,
    ScenarioError,
    ScenarioSpec,
    _Checker,
    parse_scenario,
)
from .selectors import accessibility_by_zone, coverage, current_inputs, data_version
from .selectors import white_zones as white_zones_selector
from .themes import THEMES
from .validity import combined

CELL_SIZE_M = 200.0
HOUSING_BANDS = ("0-2", "3-5", "6-10", "11-17", "parents")


# --------------------------------------------------------------------------- housing defaults


def household_size(*, territory: Territory) -> tuple[float, str]:
    """Average persons per household of the territory's communes (latest census) and a
    French sentence stating the source. Prefers the population of households
    (``menages_ensemble_population``); falls back to the whole population."""
    communes = list(territory.communes.all())
    stats = Statistic.objects.filter(
        commune__in=communes,
        key__in=("menages_ensemble", "menages_ensemble_population", "population_ensemble"),
        vintage__startswith="RP ",
    )
    by_vintage: dict[str, dict[str, float]] = {}
    for s in stats:
        by_vintage.setdefault(s.vintage, {}).setdefault(s.key, 0.0)
        by_vintage[s.vintage][s.key] += s.value
    for vintage in sorted(by_vintage, reverse=True):
        v = by_vintage[vintage]
        households = v.get("menages_ensemble")
        if not households:
            continue
        if v.get("menages_ensemble_population"):
            size = v["menages_ensemble_population"] / households
            return size, _(
                "%(size).2f personnes par logement = population des ménages / ménages "
                "(INSEE %(v)s)."
            ) % {"size": size, "v": vintage}
        if v.get("population_ensemble"):
            size = v["population_ensemble"] / households
            return size, _(
                "%(size).2f personnes par logement = population / ménages (INSEE %(v)s ; la "
                "population compte aussi les personnes hors ménage : légère surestimation)."
            ) % {"size": size, "v": vintage}
    return 2.2, _("2,20 personnes par logement (valeur par défaut : taille des ménages absente).")


def default_age_shares(demand: Demand) -> dict[str, float]:
    """Share of each public in the territory's population, from the dasymetric estimate."""
    total = float(demand.population.sum())
    return {b: float(demand.bands[b].sum()) / total if total > 0 else 0.0 for b in HOUSING_BANDS}


# --------------------------------------------------------------------------- in-memory changes


def _typology_site(k: int, change: ChangeSpec) -> SiteRow:
    t = Typology.objects.filter(code=change.typology).first()
    ranges = (
        ((t.age_min, t.age_max),) if t and (t.age_min is not None or t.age_max is not None) else ()
    )
    p = change.place
    assert p is not None  # an addition always has a place (checked by the spec)
    return SiteRow(
        id=-(k + 1),
        slug=f"scenario-{k + 1}",
        name=change.name,
        typology=change.typology,
        theme=t.theme if t else "",
        childcare=bool(t and t.childcare),
        thematiques=tuple(t.thematiques or []) if t else (),
        age_ranges=ranges,
        places=change.places,
        x=p.x,
        y=p.y,
        lon=p.lon,
        lat=p.lat,
        fictitious=True,
    )


def _change_place(change: ChangeSpec) -> Place:
    """The place of an addition or a move (the spec checks that it is given)."""
    assert change.place is not None
    return change.place


@dataclasses.dataclass(frozen=True)
class Names:
    """Labels for the change notes: a typology's label for its code, a zone's name and kind
    for its code. Notes are read on the page, in ``maillage scenario run`` and in the PDF:
    they say « Crèche collective » and « dans le quartier Bizet (QPV) », never the codes."""

    typologies: dict[str, str] = dataclasses.field(default_factory=dict)
    zones: dict[str, tuple[str, str | None]] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(cls, territory: Territory) -> Names:
        from maillage.territory.selectors import territory_zones

        return cls(
            typologies=dict(Typology.objects.values_list("code", "label")),
            zones={
                z.code: (z.name, None if z.kind == Zone.Kind.QUARTIER else z.get_kind_display())
                for z in territory_zones(territory=territory, outlines=False)
            },
        )

    def typology(self, code: str) -> str:
        return self.typologies.get(code, code)

    def where(self, place: Place) -> str:
        """« dans le quartier X (QPV) », « en zone CODE » if unknown, or the position."""
        if place.zone:
            known = self.zones.get(place.zone)
            if known is None:
                return _("en zone %s") % place.zone
            if known[1] is None:
                return _("dans le quartier %s") % known[0]
            return _("dans le quartier %(name)s (%(kind)s)") % {
                "name": known[0],
                "kind": known[1],
            }
        return _("au point (%(lon).5f, %(lat).5f)") % {"lon": place.lon, "lat": place.lat}


def apply_changes(
    sites: Sequence[SiteRow], changes: Sequence[ChangeSpec], *, names: Names | None = None
) -> tuple[tuple[SiteRow, ...], list[str]]:
    """The sites after the changes, and a French description of each change (labels and
    zone names from ``names``)."""
    names = names or Names()
    current = {s.id: s for s in sites}
    order = [s.id for s in sites]
    notes = []
    for k, ch in enumerate(changes):
        if ch.action == "add":
            added = _typology_site(k, ch)
            current[added.id] = added
            order.append(added.id)
            notes.append(
                _("Ajout : %(name)s (%(typ)s, %(places)s places) %(where)s.")
                % {
                    "name": ch.name,
                    "typ": names.typology(ch.typology),
                    "places": ch.places or 0,
                    "where": names.where(_change_place(ch)),
                }
            )
            continue
        assert ch.structure is not None  # close/move/resize name a structure (checked)
        site = current.get(ch.structure.id)
        if site is None:
            notes.append(
                _("%(name)s : déjà fermée, changement ignoré.") % {"name": ch.structure.name}
            )
            continue
        if ch.action == "close":
            del current[site.id]
            notes.append(_("Fermeture : %(name)s.") % {"name": site.name})
        elif ch.action == "move":
            p = _change_place(ch)
            current[site.id] = dataclasses.replace(site, x=p.x, y=p.y, lon=p.lon, lat=p.lat)
            notes.append(
                _("Déplacement : %(name)s %(where)s.")
                % {"name": site.name, "where": names.where(p)}
            )
        elif ch.action == "resize":
            current[site.id] = dataclasses.replace(site, places=ch.places)
            notes.append(
                _("Places : %(name)s passe de %(a)s à %(b)s.")
                % {
                    "name": site.name,
                    "a": site.places if site.places is not None else "?",
                    "b": ch.places,
                }
            )
    return tuple(current[i] for i in order if i in current), notes


def _cell_for(demand_xy: np.ndarray, index: dict, x: float, y: float) -> tuple[int | None, tuple]:
    x0, y0 = demand_xy[0]
    cx = x0 + round((x - x0) / CELL_SIZE_M) * CELL_SIZE_M
    cy = y0 + round((y - y0) / CELL_SIZE_M) * CELL_SIZE_M
    key = (round(cx, 1), round(cy, 1))
    return index.get(key), (cx, cy)


def apply_housing(
    demand: Demand,
    projects: Sequence[HousingSpec],
    *,
    territory: Territory,
    horizon: int | None,
    names: Names | None = None,
) -> tuple[Demand, list[str], list[str]]:
    """The demand with the housing projects' residents added; notes and assumptions."""
    names = names or Names()
    if not projects or demand.n_cells == 0:
        return demand, [], []
    size, size_note = household_size(territory=territory)
    shares = default_age_shares(demand)
    xy = demand.xy.copy()
    population = demand.population.copy()
    bands = {b: v.copy() for b, v in demand.bands.items()}
    qpv = demand.qpv_share.copy()
    weights = demand.zone_weights.tocsr()
    index = {(round(a, 1), round(b, 1)): i for i, (a, b) in enumerate(xy)}
    zone_pos = {z.code: j for j, z in enumerate(demand.zones)}
    notes, assumptions = [], [size_note]
    assumptions.append(
        _("Parts par âge par défaut (estimation du territoire) : %s.")
        % ", ".join(f"{b} = {100 * s:.1f} %" for b, s in shares.items())
    )
    for h in projects:
        if horizon is not None and h.delivery_year > horizon:
            notes.append(
                _("%(name)s : livré en %(y)d, après l'horizon %(h)d, non compté.")
                % {"name": h.name, "y": h.delivery_year, "h": horizon}
            )
            continue
        ppd = h.persons_per_dwelling or size
        persons = h.dwellings * ppd
        added = {b: persons * h.age_shares.get(b, shares[b]) for b in HOUSING_BANDS}
        if h.place.zone:
            col = weights[:, [zone_pos[h.place.zone]]].toarray().ravel() * population
            dist = col / col.sum()
            target_cells = np.flatnonzero(dist > 0)
        else:
            i, centre = _cell_for(xy, index, h.place.x, h.place.y)
            if i is None:  # new populated cell: inherits the zones of the nearest cell
                near = int(np.argmin(((xy - centre) ** 2).sum(axis=1)))
                i = xy.shape[0]
                xy = np.vstack([xy, centre])
                population = np.append(population, 0.0)
                qpv = np.append(qpv, qpv[near])
                bands = {b: np.append(v, 0.0) for b, v in bands.items()}
                weights = sp.vstack([weights, weights[[near]]]).tocsr()
                index[(round(centre[0], 1), round(centre[1], 1))] = i
            dist = np.zeros(xy.shape[0])
            dist[i] = 1.0
            target_cells = np.array([i])
        population[target_cells] += persons * dist[target_cells]
        bands["tous"][target_cells] += persons * dist[target_cells]
        for b in HOUSING_BANDS:
            bands[b][target_cells] += added[b] * dist[target_cells]
        notes.append(
            _(
                "Logements : %(name)s, %(n)d logements livrés en %(y)d %(where)s → %(p).0f "
                "habitants dont %(c).1f enfants de moins de 3 ans (%(ppd).2f personnes par "
                "logement)."
            )
            % {
                "name": h.name,
                "n": h.dwellings,
                "y": h.delivery_year,
                "where": names.where(h.place),
                "p": persons,
                "c": added["0-2"],
                "ppd": ppd,
            }
        )
    new = dataclasses.replace(
        demand,
        cell_ids=demand.cell_ids
        + tuple(f"scenario-{k}" for k in range(xy.shape[0] - demand.n_cells)),
        xy=xy,
        population=population,
        bands=bands,
        qpv_share=qpv,
        zone_weights=sp.csr_array(weights),
        children_under_3=float(bands["0-2"].sum()),
    )
    return new, notes, assumptions


# --------------------------------------------------------------------------- run / compare


def spec_from_file(*, territory: Territory, data: dict[str, Any], source: str = "") -> ScenarioSpec:
    demand, sites = current_inputs(territory=territory)
    return parse_scenario(data, territory=territory, demand=demand, sites=sites, source=source)


def _place(obj: Any, demand: Demand, territory: Territory) -> Place | None:
    data = {"zone": obj.zone.code if obj.zone_id else None, "lon": obj.lon, "lat": obj.lat}
    data = {k: v for k, v in data.items() if v is not None}
    checker = _Checker(territory, demand, ())
    place = checker.place(data, "", required=False)
    if checker.errors:
        raise ScenarioError(checker.errors, source=str(obj))
    return place


def _required_place(obj: Any, demand: Demand, territory: Territory) -> Place:
    place = _place(obj, demand, territory)
    if place is None:
        raise ScenarioError([("place", _("position ou zone requise."))], source=str(obj))
    return place


def spec_from_model(scenario: Scenario) -> ScenarioSpec:
    """The stored scenario as a spec (positions re-checked against the current data)."""
    demand, sites = current_inputs(territory=scenario.territory)
    by_id = {s.id: s for s in sites}
    changes = []
    for ch in scenario.changes.select_related("zone", "scenario__territory"):
        site = by_id.get(ch.structure_id) if ch.structure_id else None
        if ch.action != "add" and site is None:
            raise ScenarioError([(f"changement {ch.pk}", _("structure absente ou non publiée."))])
        changes.append(
            ChangeSpec(
                ch.action,
                site,
                ch.name,
                ch.typology,
                ch.places,
                _place(ch, demand, scenario.territory),
            )
        )
    housing = [
        HousingSpec(
            h.name,
            h.dwellings,
            h.delivery_year,
            _required_place(h, demand, scenario.territory),
            h.persons_per_dwelling,
            dict(h.age_shares or {}),
            h.note,
        )
        for h in scenario.housing_projects.select_related("zone", "scenario__territory")
    ]
    return ScenarioSpec(
        territory=scenario.territory,
        name=scenario.name,
        description=scenario.description,
        theme=scenario.theme,
        public=scenario.public,
        max_distance_m=scenario.max_distance_m,
        horizon_year=scenario.horizon_year,
        changes=tuple(changes),
        housing=tuple(housing),
    )


def scenario_run(*, scenario: Scenario | ScenarioSpec) -> ScenarioComparison:
    """Recompute coverage, accessibility and zones blanches with the scenario applied in
    memory, and compare with the current situation. Never writes to the database."""
    spec = spec_from_model(scenario) if isinstance(scenario, Scenario) else scenario
    territory = spec.territory
    version = data_version(territory)
    theme = THEMES[spec.theme]
    kw: dict[str, Any] = {
        "territory": territory,
        "theme": spec.theme,
        "public": spec.public,
        "max_distance_m": spec.max_distance_m,
    }
    cov_before = coverage(territory=territory, max_distance_m=spec.max_distance_m)
    acc_before = accessibility_by_zone(**kw)
    wz_before = white_zones_selector(**kw)

    demand, sites = current_inputs(territory=territory)
    names = Names.of(territory)
    new_sites, change_notes = apply_changes(sites, spec.changes, names=names)
    new_demand, housing_notes, housing_assumptions = apply_housing(
        demand, spec.housing, territory=territory, horizon=spec.horizon_year, names=names
    )
    common: dict[str, Any] = {
        "demand": new_demand,
        "sites": new_sites,
        "territory": territory.slug,
        "data_version": version,
    }
    cov_after = compute_coverage(max_distance_m=spec.max_distance_m, **common)
    themed: dict[str, Any] = {
        "theme": theme,
        "public": spec.public,
        "max_distance_m": spec.max_distance_m,
    }
    acc_after = compute_accessibility(**themed, **common)
    wz_after = compute_white_zones(**themed, **common)

    # Deltas inherit the validity of both sides: one non calculable side, no delta.
    validity = combined(wz_before.validity, wz_after.validity)
    after = {z.code: z for z in acc_after.zones}
    zones = []
    for z in acc_before.zones:
        a = after.get(z.code)
        a_value = a.value if a else None
        zones.append(
            ZoneDelta(
                kind=z.kind,
                code=z.code,
                name=z.name,
                before=z.value,
                after=a_value,
                delta=(
                    None
                    if not validity.computable or z.value is None or a_value is None
                    else a_value - z.value
                ),
                population_before=z.target_population,
                population_after=a.target_population if a else z.target_population,
            )
        )
    warnings = list(acc_after.warnings)
    return ScenarioComparison(
        scenario=spec.name,
        description=spec.description,
        territory=territory.slug,
        data_version=version,
        theme=spec.theme,
        public=spec.public,
        max_distance_m=spec.max_distance_m,
        value_label=acc_before.value_label,
        changes=change_notes + housing_notes,
        coverage_before=cov_before.rate,
        coverage_after=cov_after.rate,
        children_before=cov_before.children_under_3,
        children_after=cov_after.children_under_3,
        territory_before=acc_before.territory_value,
        territory_after=acc_after.territory_value,
        zones=zones,
        equity_before=acc_before.equity,
        equity_after=acc_after.equity,
        white_population_before=wz_before.concerned_population,
        white_population_after=wz_after.concerned_population,
        white_zones_before=wz_before.zones,
        white_zones_after=wz_after.zones,
        validity=validity,
        validity_before=wz_before.validity,
        validity_after=wz_after.validity,
        warnings=warnings,
        assumptions=[
            _(
                "Scénario calculé en mémoire sur les données actuelles (version %d) : rien "
                "n'est modifié."
            )
            % version,
            *housing_assumptions,
            *acc_after.assumptions,
        ],
    )


def scenario_compare(*, scenarios: Sequence[Scenario | ScenarioSpec]) -> ScenarioSet:
    """Run several scenarios against the same current data, side by side."""
    return ScenarioSet(comparisons=[scenario_run(scenario=s) for s in scenarios])


# --------------------------------------------------------------------------- save


@transaction.atomic
def scenario_save(*, spec: ScenarioSpec, author: Any = None) -> Scenario:
    """Store a validated scenario with its changes and housing projects (one transaction)."""
    zones = {
        z.code: z
        for z in Zone.objects.filter(
            code__in=[c.place.zone for c in spec.changes if c.place and c.place.zone]
            + [h.place.zone for h in spec.housing if h.place.zone]
        )
    }
    scenario = Scenario.objects.create(
        territory=spec.territory,
        name=spec.name,
        description=spec.description,
        author=author if getattr(author, "pk", None) else None,
        theme=spec.theme,
        public=spec.public,
        max_distance_m=spec.max_distance_m,
        horizon_year=spec.horizon_year,
    )
    for k, ch in enumerate(spec.changes):
        p = ch.place
        ScenarioChange.objects.create(
            scenario=scenario,
            position=k,
            action=ch.action,
            structure_id=ch.structure.id if ch.structure else None,
            name=ch.name,
            typology=ch.typology,
            places=ch.places,
            lon=p.lon if p and not p.zone else None,
            lat=p.lat if p and not p.zone else None,
            zone=zones.get(p.zone) if p and p.zone else None,
        )
    for h in spec.housing:
        p = h.place
        HousingProject.objects.create(
            scenario=scenario,
            name=h.name,
            dwellings=h.dwellings,
            lon=None if p.zone else p.lon,
            lat=None if p.zone else p.lat,
            zone=zones.get(p.zone) if p.zone else None,
            delivery_year=h.delivery_year,
            persons_per_dwelling=h.persons_per_dwelling,
            age_shares=h.age_shares,
            note=h.note,
        )
    return scenario
