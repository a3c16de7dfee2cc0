"""Feed the pure engine (:mod:`maillage.analysis`) from the database: demand and sites.

* **Demand** — the territory's INSEE 200 m cells (centre in one of the territory's communes),
  with the target population of each public estimated by dasymetric distribution of the
  census IRIS age bands (``Statistic`` on IRIS zones, of the vintage the dataset gives them:
  « RP 2016 » for Armentières, « RP 2019 » for a file of ``P19_`` columns) over the cells'
  population, through the cells' area shares in each IRIS (``CellZone``). QPV share of each
  cell = its area share in QPV zones (population assumed uniform inside a cell).
* **Sites** — the published structures of the territory with their typology, age range and
  places (sum of the known capacities of their published services). Structures without a
  position (« à localiser ») are kept here and left out by the computations, with a warning.

Both are plain frozen dataclasses of numpy arrays / tuples, so a scenario can change them in
memory (:mod:`maillage.diagnostic.scenarios`) without touching the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from django.utils.translation import gettext as _
from numpy.typing import NDArray

from maillage.analysis import dasymetric_distribute
from maillage.directory.grouped import grouped_shares
from maillage.directory.models import Service, Structure
from maillage.territory.models import CellZone, PopulationCell, Statistic, Territory, Zone
from maillage.territory.selectors import rp_vintage, territory_zones

from .themes import PUBLICS

AGE_KEYS = ("population_0_14_ans", "population_15_29_ans")
HOUSEHOLD_KEYS = ("population_menages_couple_avec_enfants", "population_menages_monoparentaux")
BAND_KEYS = AGE_KEYS + HOUSEHOLD_KEYS
CHILDREN_UNDER_3_KEY = "enfants_0_2_ans"


@dataclass(frozen=True)
class ZoneRef:
    kind: str
    code: str
    name: str


@dataclass(frozen=True, eq=False)
class Demand:
    """Cells of a territory (Lambert-93 centres) with the target population of each public.

    ``bands[public]`` has one value per cell; ``zone_weights`` is the sparse (cells × zones)
    matrix of the cells' area shares in ``zones`` (IRIS then QPV); ``qpv_share`` in [0, 1].
    """

    cell_ids: tuple[str, ...]
    xy: NDArray[np.float64]
    population: NDArray[np.float64]
    bands: dict[str, NDArray[np.float64]]
    qpv_share: NDArray[np.float64]
    zones: tuple[ZoneRef, ...]
    zone_weights: sp.csr_array
    children_under_3: float
    children_source: str
    children_vintage: str
    assumptions: tuple[str, ...]
    warnings: tuple[str, ...] = ()

    @property
    def n_cells(self) -> int:
        return len(self.cell_ids)


@dataclass(frozen=True)
class SiteRow:
    """A published structure of the territory, as the computations see it."""

    id: int
    slug: str
    name: str
    typology: str
    theme: str
    childcare: bool
    thematiques: tuple[str, ...]
    age_ranges: tuple[tuple[float | None, float | None], ...]
    places: int | None
    x: float | None
    y: float | None
    lon: float | None
    lat: float | None
    fictitious: bool = False
    # The CTG declares it without naming it: counted, never named on a public surface.
    declared_only: bool = False
    typology_label: str = ""
    extra: dict = field(default_factory=dict, compare=False)
    # Validity guard (maillage.diagnostic.validity): lieux a grouped record stands for, and
    # whether the record is the CTG's (commune of the CTG, or unknown) or a neighbour's.
    lieux: int = 1
    in_perimeter: bool = True

    @property
    def public_name(self) -> str:
        """How the record is named on every surface: one the CTG declares without a name
        (``declared_only``) is described, never named (its working name is internal)."""
        if not self.declared_only:
            return self.name
        kind = self.typology_label or _("Structure")
        return _("%(kind)s — offre déclarée par la CTG, sans nom ni adresse") % {"kind": kind}

    @property
    def located(self) -> bool:
        return self.x is not None and self.y is not None


def _stat_value(qs) -> Statistic | None:
    return qs.order_by("-vintage").first()


def load_demand(*, territory: Territory) -> Demand:
    """Build the :class:`Demand` of ``territory`` from its cells, IRIS statistics and zones."""
    communes = list(territory.communes.values_list("pk", flat=True))
    cells = list(
        PopulationCell.objects.filter(commune__in=communes)
        .order_by("cell_id")
        .values_list("pk", "cell_id", "x_l93", "y_l93", "population")
    )
    pk_index = {row[0]: i for i, row in enumerate(cells)}
    xy = np.array([[r[2], r[3]] for r in cells], dtype=np.float64).reshape(-1, 2)
    population = np.array([r[4] for r in cells], dtype=np.float64)

    zones = [
        z for z in territory_zones(territory=territory, outlines=False) if z.kind in ("iris", "qpv")
    ]
    zones.sort(key=lambda z: (0 if z.kind == Zone.Kind.IRIS else 1, z.code))
    zone_index = {z.pk: j for j, z in enumerate(zones)}
    rows, cols, vals = [], [], []
    # The shares of the zones, kept for the territory's cells here: a filter on the cells'
    # commune in SQL made SQLite probe every (cell, zone) pair (9 096 × 543 at a métropole's
    # size). Ordered by cell then zone, as that join returned them (same sparse matrix).
    for cell_pk, zone_pk, share in (
        CellZone.objects.filter(zone__in=zone_index.keys())
        .order_by("cell_id", "zone_id")
        .values_list("cell_id", "zone_id", "share")
    ):
        if (row := pk_index.get(cell_pk)) is None:  # a neighbour's cell in a CTG zone
            continue
        rows.append(row)
        cols.append(zone_index[zone_pk])
        vals.append(share)
    weights = sp.csr_array(
        (np.array(vals, dtype=np.float64), (np.array(rows, int), np.array(cols, int))),
        shape=(len(cells), len(zones)),
    )
    iris = [j for j, z in enumerate(zones) if z.kind == Zone.Kind.IRIS]
    qpv = [j for j, z in enumerate(zones) if z.kind == Zone.Kind.QPV]
    qpv_share = (
        np.minimum(np.asarray(weights[:, qpv].sum(axis=1)).ravel(), 1.0)
        if qpv
        else np.zeros(len(cells))
    )

    totals = np.zeros((len(iris), len(BAND_KEYS)))
    iris_pos = {zones[j].pk: k for k, j in enumerate(iris)}
    # Each file its own census (the households' may be older than the ages'), read from the
    # data; never assumed.
    iris_pks = list(iris_pos)
    age_rp = rp_vintage(zone_pks=iris_pks, keys=AGE_KEYS)
    household_rp = rp_vintage(zone_pks=iris_pks, keys=HOUSEHOLD_KEYS)
    for keys, census in ((AGE_KEYS, age_rp), (HOUSEHOLD_KEYS, household_rp)):
        for zone_pk, key, value in Statistic.objects.filter(
            zone__in=iris_pks, key__in=keys, vintage=census
        ).values_list("zone", "key", "value"):
            totals[iris_pos[zone_pk], BAND_KEYS.index(key)] = value
    age_label = age_rp or _("recensement absent")
    household_label = household_rp or _("recensement absent")
    warnings: list[str] = []
    if iris and len(cells):
        dasy = dasymetric_distribute(
            zone_totals=totals, cell_population=population, zone_weights=weights[:, iris]
        )
        per_cell = dasy.values
        lost = float(dasy.unallocated.sum())
        if lost > 0:
            warnings.append(
                _("%(n).0f personnes d'IRIS sans carreau peuplé n'ont pas pu être réparties.")
                % {"n": lost}
            )
    else:
        per_cell = np.zeros((len(cells), len(BAND_KEYS)))
    p014, p1529, couples, mono = (per_cell[:, k] for k in range(len(BAND_KEYS)))
    bands = {
        "0-2": p014 * 3 / 15,
        "3-5": p014 * 3 / 15,
        "6-10": p014 * 5 / 15,
        "11-17": p014 * 4 / 15 + p1529 * 3 / 15,
        "parents": couples + mono,
        "tous": population.copy(),
    }
    assumptions = [
        _(
            "Population cible : carreaux INSEE de 200 m (Filosofi) dont le centre est dans la "
            "CTG ; tranches d'âge du recensement %(rp)s par IRIS réparties sur les carreaux au "
            "prorata de leur population et de leur part de surface dans chaque IRIS "
            "(répartition dasymétrique ; un carreau hérite de la structure par âge de son IRIS)."
        )
        % {"rp": age_label},
        _(
            "Tranches fines estimées par âge uniforme dans les tranches du recensement : "
            "0-2 ans = 0-14 ans × 3/15 ; 3-5 ans = 0-14 × 3/15 ; 6-10 ans = 0-14 × 5/15 ; "
            "11-17 ans = 0-14 × 4/15 + 15-29 × 3/15."
        ),
        _(
            "Parents : personnes des ménages de couples avec enfants et des familles "
            "monoparentales (%(rp)s, enfants compris)."
        )
        % {"rp": household_label},
        _(
            "Part en QPV d'un carreau = part de sa surface dans un QPV (population supposée "
            "uniforme dans le carreau)."
        ),
    ]
    children = _stat_value(Statistic.objects.filter(territory=territory, key=CHILDREN_UNDER_3_KEY))
    raw = float(bands["0-2"].sum())
    if children is not None and children.value > 0 and raw > 0:
        bands["0-2"] = bands["0-2"] * (children.value / raw)
        assumptions.append(
            _(
                "0-2 ans recalés sur le total de %(total).0f enfants (%(source)s, %(vintage)s) : "
                "estimation %(rp)s de %(raw).0f multipliée par %(ratio).3f ; la répartition "
                "entre carreaux reste celle du recensement."
            )
            % {
                "total": children.value,
                "source": children.source,
                "vintage": children.vintage,
                "rp": age_label,
                "raw": raw,
                "ratio": children.value / raw,
            }
        )
    elif children is None:
        warnings.append(
            _("Nombre d'enfants de 0 à 2 ans du territoire absent : estimation du recensement.")
        )
    for public in PUBLICS:
        bands.setdefault(public, population.copy())
    return Demand(
        cell_ids=tuple(r[1] for r in cells),
        xy=xy,
        population=population,
        bands=bands,
        qpv_share=qpv_share,
        zones=tuple(ZoneRef(z.kind, z.code, z.name) for z in zones),
        zone_weights=weights,
        children_under_3=float(bands["0-2"].sum()),
        children_source=children.source if children else age_label,
        children_vintage=children.vintage if children else age_label,
        assumptions=tuple(assumptions),
        warnings=tuple(warnings),
    )


SITE_FIELDS = (
    "slug",
    "name",
    "grouped_count",
    "x_l93",
    "y_l93",
    "lon",
    "lat",
    "commune_id",
    "declared_only",
    "typology__code",
    "typology__theme",
    "typology__childcare",
    "typology__label",
    "typology__age_min",
    "typology__age_max",
    "typology__thematiques",
)


def load_sites(*, territory: Territory) -> tuple[SiteRow, ...]:
    """Every published structure of the territory (located or not) with places and ages."""
    services: dict[int, list[Service]] = {}
    # Only the columns read below (a fiche's texts, contacts and JSON lists are not).
    for sv in Service.objects.filter(structure__territory=territory, published=True).only(
        "structure_id", "age_min", "age_max", "thematiques", "capacity"
    ):
        services.setdefault(sv.structure_id, []).append(sv)
    out = []
    ctg_communes = set(territory.communes.values_list("pk", flat=True))
    shares = grouped_shares(territory=territory)  # grouped records split into parts
    qs = (
        Structure.objects.filter(territory=territory, published=True)
        .select_related("typology")
        .only(*SITE_FIELDS)
        .order_by("name", "pk")
    )
    for s in qs:
        t = s.typology
        svs = services.get(s.pk, [])
        ranges = tuple(
            (sv.age_min, sv.age_max)
            for sv in svs
            if sv.age_min is not None or sv.age_max is not None
        )
        if not ranges and t is not None and (t.age_min is not None or t.age_max is not None):
            ranges = ((t.age_min, t.age_max),)
        thematiques = {v for sv in svs for v in (sv.thematiques or [])}
        if t is not None:
            thematiques.update(t.thematiques or [])
        capacities = [sv.capacity for sv in svs if sv.capacity is not None]
        places, lieux = (sum(capacities) if capacities else None), s.grouped_count or 1
        if (share := shares.get(s.pk)) is not None:  # counts what its parts don't
            if share.complete:
                continue
            places, lieux = share.left_places, share.left_lieux
        out.append(
            SiteRow(
                id=s.pk,
                slug=s.slug,
                name=s.name,
                typology=t.code if t else "",
                theme=t.theme if t else "",
                childcare=bool(t and t.childcare),
                thematiques=tuple(sorted(thematiques)),
                age_ranges=ranges,
                places=places,
                x=s.x_l93,
                y=s.y_l93,
                lon=s.lon,
                lat=s.lat,
                lieux=lieux,
                in_perimeter=s.commune_id is None or s.commune_id in ctg_communes,
                declared_only=s.declared_only,
                typology_label=t.label if t else "",
            )
        )
    return tuple(out)
