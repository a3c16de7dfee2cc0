"""Reads of the territory app: territories, figures with source and vintage, zone populations."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Count, Q, Sum

from .models import CellZone, Commune, DatasetSource, PopulationCell, Statistic, Territory, Zone

RP_AGE_KEYS = (
    "population_0_14_ans",
    "population_15_29_ans",
    "population_30_44_ans",
    "population_45_59_ans",
    "population_60_74_ans",
    "population_75_ans_et_plus",
)
RP2016_AGE_KEYS = RP_AGE_KEYS  # former name (the keys never depended on the vintage)
LEGACY_RP_VINTAGE = "RP 2016"  # the vintage the ``…_rp2016`` fields of the JSON were named after


class TerritoryNotFound(LookupError):
    def __init__(self, slug: str) -> None:
        super().__init__(f"Territoire « {slug} » introuvable. Chargez-le avec « maillage load ».")


def territory_get(*, slug: str) -> Territory:
    try:
        return Territory.objects.get(slug=slug)
    except Territory.DoesNotExist as exc:
        raise TerritoryNotFound(slug) from exc


@dataclass(frozen=True)
class Figure:
    subject: str
    key: str
    label: str
    theme: str
    value: float
    unit: str
    vintage: str
    source: str
    source_url: str
    note: str


@dataclass(frozen=True)
class CommuneSummary:
    insee_code: str
    name: str
    role: str
    population: int | None
    population_vintage: str
    population_source: str
    cells_population: float
    cells: int


@dataclass(frozen=True)
class ZoneSummary:
    kind: str
    code: str
    name: str
    zone_type: str
    commune: str
    # Kept for the readers of the JSON diagnostic: filled only when the census is the RP 2016
    # (``None`` otherwise — never a 2016 name on another year's figures); ``population_rp`` and
    # ``rp_vintage`` carry the figure whatever its year.
    population_rp2016: float | None
    cells_population: float
    population_rp: float | None = None
    rp_vintage: str = ""


@dataclass(frozen=True)
class SourceSummary:
    path: str
    title: str
    producer: str
    licence: str
    vintage: str
    source_url: str


@dataclass(frozen=True)
class Diagnostic:
    """The figures of a territory, each with its source and vintage."""

    slug: str
    name: str
    period: tuple[int, int]
    communes: list[CommuneSummary]
    figures: list[Figure]
    zones: list[ZoneSummary]
    sources: list[SourceSummary]
    rp_vintage: str = ""  # the census of the IRIS populations (« RP 2019 »), read from the data

    @property
    def iris_rp_total(self) -> float:
        return sum(z.population_rp or 0 for z in self.zones if z.kind == Zone.Kind.IRIS)

    @property
    def iris_rp2016_total(self) -> float:
        """Former name of :attr:`iris_rp_total`, 0 unless the census is the RP 2016."""
        return self.iris_rp_total if self.rp_vintage == LEGACY_RP_VINTAGE else 0.0

    def cells_source(self) -> tuple[str, str]:
        """The 200 m cells' file: (« producer — title », vintage), or (« INSEE », « »)."""
        # Armentières' file is named …filosofi…; a built territory's is raw/carreaux_200m_….
        src = next(
            (
                s
                for s in self.sources
                if s.path and ("filosofi" in s.path or "carreaux_200m" in s.path)
            ),
            None,
        )
        return (f"{src.producer} — {src.title}", src.vintage) if src else ("INSEE", "")

    @property
    def cells_vintage(self) -> str:
        """« Filosofi 2017 » (or the vintage the cells' file gives), for column headers."""
        vintage = self.cells_source()[1]
        return f"Filosofi {vintage}".strip() if vintage else "Filosofi"

    def figure(self, key: str, vintage: str | None = None) -> Figure | None:
        return next(
            (f for f in self.figures if f.key == key and (vintage is None or f.vintage == vintage)),
            None,
        )

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["iris_rp_total"] = round(self.iris_rp_total, 2)
        data["iris_rp2016_total"] = (
            round(self.iris_rp_total, 2) if self.rp_vintage == LEGACY_RP_VINTAGE else None
        )
        return data


def _figure(stat: Statistic, subject: str) -> Figure:
    return Figure(
        subject=subject,
        key=stat.key,
        label=stat.label,
        theme=stat.theme,
        value=stat.value,
        unit=stat.unit,
        vintage=stat.vintage,
        source=stat.source,
        source_url=stat.source_url,
        note=stat.note,
    )


def rp_vintage(*, zone_pks: list[int], keys: tuple[str, ...] = RP_AGE_KEYS) -> str:
    """The most recent census (« RP 2019 ») with a figure of ``keys`` on the zones, or ``""``.

    The vintage is the one the dataset's manifest gives the file (read from its header by
    ``maillage territoire creer``), never assumed; « RP 2021 » sorts after « RP 2016 ».
    """
    vintages = set(
        Statistic.objects.filter(zone__in=zone_pks, key__in=keys, vintage__startswith="RP ")
        .values_list("vintage", flat=True)
        .distinct()
    )
    return max(vintages, default="")


def territory_zones(*, territory: Territory, outlines: bool = True) -> list[Zone]:
    """IRIS, QPV and quartiers of the territory's communes (and its own quartiers).

    ``outlines=False`` leaves the GeoJSON ``boundary`` out of the query (deferred: reading it
    then costs one query per zone) — for the callers that only need codes, names and kinds; a
    métropole's ~550 outlines are most of the time of this query.
    """
    qs = Zone.objects.filter(Q(commune__in=territory.communes.all()) | Q(territory=territory))
    if not outlines:
        qs = qs.defer("boundary")
    return list(qs.order_by("kind", "code"))


def territory_diagnostic(*, territory: Territory) -> Diagnostic:
    # No outline is read here (communes, zones, cells): at a métropole's size decoding them
    # was most of the time of the diagnostic.
    communes = list(territory.communes.defer("boundary"))
    neighbours = list(territory.neighbours.defer("boundary"))
    cell_totals = {
        row["commune"]: (row["total"] or 0.0, row["n"])
        for row in PopulationCell.objects.filter(commune__in=communes + neighbours)
        .values("commune")
        .annotate(total=Sum("population"), n=Count("pk"))
    }
    commune_rows = [
        CommuneSummary(
            insee_code=c.insee_code,
            name=c.name,
            role=role,
            population=c.population,
            population_vintage=c.population_vintage,
            population_source=c.population_source,
            cells_population=round(cell_totals.get(c.pk, (0.0, 0))[0], 2),
            cells=cell_totals.get(c.pk, (0.0, 0))[1],
        )
        for role, group in (("CTG", communes), ("voisine", neighbours))
        for c in group
    ]
    figures = [_figure(s, "territoire") for s in territory.statistics.order_by("theme", "key")]
    commune_stats = (
        Statistic.objects.filter(commune__in=communes)
        .select_related("commune")
        .defer("commune__boundary")
    )
    for s in commune_stats:
        assert s.commune is not None  # filtered on commune
        figures.append(_figure(s, f"commune {s.commune.insee_code}"))

    zones = territory_zones(territory=territory, outlines=False)
    zone_pks = [z.pk for z in zones]
    rp: defaultdict[int | None, float] = defaultdict(float)
    has_rp = set()
    census = rp_vintage(zone_pks=zone_pks)
    for zone_pk, value in Statistic.objects.filter(
        zone__in=zone_pks, key__in=RP_AGE_KEYS, vintage=census
    ).values_list("zone_id", "value"):
        rp[zone_pk] += value
        has_rp.add(zone_pk)
    cells_pop: defaultdict[int, float] = defaultdict(float)
    for zone_pk, population, share in CellZone.objects.filter(zone__in=zone_pks).values_list(
        "zone_id", "cell__population", "share"
    ):
        cells_pop[zone_pk] += population * share
    zone_communes = dict(
        Commune.objects.filter(pk__in={z.commune_id for z in zones if z.commune_id}).values_list(
            "pk", "insee_code"
        )
    )
    zone_rows = [
        ZoneSummary(
            kind=z.kind,
            code=z.code,
            name=z.name,
            zone_type=z.zone_type,
            commune=zone_communes[z.commune_id] if z.commune_id is not None else "",
            population_rp2016=(
                round(rp[z.pk], 2) if z.pk in has_rp and census == LEGACY_RP_VINTAGE else None
            ),
            cells_population=round(cells_pop[z.pk], 2),
            population_rp=round(rp[z.pk], 2) if z.pk in has_rp else None,
            rp_vintage=census if z.pk in has_rp else "",
        )
        for z in zones
    ]
    sources = [
        SourceSummary(
            path=s.path,
            title=s.title,
            producer=s.producer,
            licence=s.licence,
            vintage=s.vintage,
            source_url=s.source_url,
        )
        for s in DatasetSource.objects.filter(territory=territory)
    ]
    return Diagnostic(
        slug=territory.slug,
        name=territory.name,
        period=(territory.period_start, territory.period_end),
        communes=commune_rows,
        figures=figures,
        zones=zone_rows,
        sources=sources,
        rp_vintage=census if has_rp else "",
    )
