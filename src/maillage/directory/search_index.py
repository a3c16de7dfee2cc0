"""In-memory index of a territory's directory: the engine behind every directory search.

Built once per process for ``(territory, data_version, published_only)`` from three plain
queries (structures with their typology, organisation and commune; zone memberships; services),
then every search is a few numpy masks over the structures and services: no SQL per search,
identical results on SQLite and PostgreSQL, and the result objects (frozen dataclasses) are built
once, not per request.

Freshness: every directory write bumps the territory's ``data_version``
(:func:`maillage.territory.services.territory_touch`), which is part of the key: the services,
the loader and the Django admin all bump it (``directory.derived.structures_refreshed``), so an
index is trusted, without any time limit, as long as the stored version is the one it was built
for — it is not rebuilt in a request when nothing changed. A write made by hand (SQL, shell) is
seen once the version is bumped (``maillage territoire actualiser``). :func:`clear` forgets
everything (tests).

Matching rules (the reference for the whole directory):

- free text: every word of the query is contained in the structure's ``search_text``
  (unaccented lowercase, see :mod:`.search_text`);
- service filters (thématique, public, age) hold on one and the same service; a service without
  thématiques, publics or age range takes its structure's typology defaults; a structure without
  any service is matched on its typology;
- thématique: equal to the slug, or below it (``famille`` matches ``famille--garde-denfants``);
- public: the slug, or ``tous-publics``;
- age in years: minimum included, maximum excluded; an unknown range matches no age.
"""

from __future__ import annotations

import gc
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection

from maillage.territory.models import Territory

from .models import Service, Structure
from .results import ServiceSummary, StructureSummary
from .search_text import tokens
from .summaries import (
    RELATED_COLUMNS,
    SERVICE_COLUMNS,
    STRUCTURE_COLUMNS,
    TYPOLOGY_COLUMNS,
    public_provenance,
)

_MAX_INDEXES = 8  # per process: (territory, published_only) pairs kept
_MAX_MEMO = 4096  # memoised masks per index (words, thématiques…)
SETTLE_MIN_ROWS = 5000  # structures + services from which a new index is frozen (see _settle)


def _float(value: Any) -> float:
    return math.nan if value is None else float(value)


@dataclass(frozen=True)
class Match:
    """The rows a search selects: structure rows in result order, and the service mask."""

    rows: np.ndarray  # structure rows (ascending = name order), after every filter
    service_mask: np.ndarray | None  # services meeting the service filters; None: no filter


@dataclass(eq=False)
class DirectoryIndex:
    """Arrays over the structures (rows, in name order) and over their services."""

    ids: np.ndarray  # structure ids, row order (sort_name, id)
    row_of: dict[int, int]
    row_of_slug: dict[str, int]
    summaries: list[StructureSummary]
    texts: list[str]  # search_text by row
    located: np.ndarray  # has x_l93/y_l93 and lon/lat
    x: np.ndarray  # Lambert-93 metres (nan when unknown)
    y: np.ndarray
    lon: np.ndarray  # WGS84 degrees (nan when unknown)
    lat: np.ndarray
    communes: np.ndarray  # INSEE code by row
    commune_names: np.ndarray  # casefolded name by row
    typology_codes: np.ndarray
    typology_families: np.ndarray  # casefolded
    zone_rows: dict[str, np.ndarray]  # zone code → rows inside
    places: list[int | None]  # sum of service capacities (None without any capacity)
    # services, grouped by structure row in name order
    services: list[ServiceSummary]
    service_owner: np.ndarray  # structure row of each service
    service_slices: list[tuple[int, int]]  # services of row r: services[a:b]
    service_themes: list[frozenset[str]]  # own thématiques, else the typology's
    service_publics: list[frozenset[str]]
    service_age: tuple[np.ndarray, np.ndarray, np.ndarray]  # (has range, min, max)
    # typology defaults by structure row (structures without services are matched on them)
    has_service: np.ndarray
    typology_themes: list[frozenset[str]]
    typology_publics: list[frozenset[str]]
    typology_age: tuple[np.ndarray, np.ndarray, np.ndarray]
    _memo: dict[tuple[str, str], np.ndarray] = field(default_factory=dict, repr=False)
    _memo_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def size(self) -> int:
        return len(self.ids)

    # ----------------------------------------------------------------- memoised masks

    def _memoised(self, kind: str, key: str, compute: Callable[[], np.ndarray]) -> np.ndarray:
        found = self._memo.get((kind, key))
        if found is None:
            found = compute()
            found.setflags(write=False)
            with self._memo_lock:
                if len(self._memo) >= _MAX_MEMO:
                    self._memo.clear()
                self._memo[(kind, key)] = found
        return found

    def word_mask(self, word: str) -> np.ndarray:
        return self._memoised(
            "word",
            word,
            lambda: np.fromiter((word in t for t in self.texts), bool, count=self.size),
        )

    def _theme_mask(self, values: list[frozenset[str]], wanted: str) -> np.ndarray:
        below = f"{wanted}--"
        return np.fromiter(
            (wanted in vs or any(v.startswith(below) for v in vs) for vs in values),
            bool,
            count=len(values),
        )

    def _public_mask(self, values: list[frozenset[str]], wanted: str) -> np.ndarray:
        return np.fromiter(
            (wanted in vs or "tous-publics" in vs for vs in values), bool, count=len(values)
        )

    @staticmethod
    def _age_mask(ranges: tuple[np.ndarray, np.ndarray, np.ndarray], age: float) -> np.ndarray:
        has, lo, hi = ranges
        with np.errstate(invalid="ignore"):
            return has & (np.isnan(lo) | (lo <= age)) & (np.isnan(hi) | (age < hi))

    def service_filter(
        self, *, thematique: str | None, public: str | None, age: float | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(services meeting the filters, structures without service meeting them by typology)."""
        services = np.ones(len(self.services), bool)
        typologies = ~self.has_service
        if thematique:
            services &= self._memoised(
                "sv-theme", thematique, lambda: self._theme_mask(self.service_themes, thematique)
            )
            typologies &= self._memoised(
                "ty-theme", thematique, lambda: self._theme_mask(self.typology_themes, thematique)
            )
        if public:
            services &= self._memoised(
                "sv-public", public, lambda: self._public_mask(self.service_publics, public)
            )
            typologies &= self._memoised(
                "ty-public", public, lambda: self._public_mask(self.typology_publics, public)
            )
        if age is not None:
            services &= self._age_mask(self.service_age, age)
            typologies &= self._age_mask(self.typology_age, age)
        return services, typologies

    # ----------------------------------------------------------------- search

    def match(
        self,
        *,
        q: str | None = None,
        thematique: str | None = None,
        public: str | None = None,
        age: float | None = None,
        commune: str | None = None,
        typology: str | None = None,
        quartier: str | None = None,
    ) -> Match:
        """Rows matching every given filter (see the module's rules), in name order."""
        mask = np.ones(self.size, bool)
        for word in tokens(q):
            mask &= self.word_mask(word)
        if commune:
            folded = commune.casefold()
            mask &= (self.communes == commune) | (self.commune_names == folded)
        if typology:
            folded = typology.casefold()
            mask &= (self.typology_codes == typology) | (self.typology_families == folded)
        if quartier:
            inside = np.zeros(self.size, bool)
            inside[self.zone_rows.get(quartier, np.empty(0, int))] = True
            mask &= inside
        service_mask = None
        if thematique or public or age is not None:
            service_mask, by_typology = self.service_filter(
                thematique=thematique, public=public, age=age
            )
            matched = by_typology.copy()
            matched[self.service_owner[service_mask]] = True
            mask &= matched
        return Match(rows=np.flatnonzero(mask), service_mask=service_mask)

    def services_of(self, row: int, service_mask: np.ndarray | None) -> list[ServiceSummary]:
        """The row's services (name order), only those meeting the filters if any."""
        a, b = self.service_slices[row]
        if service_mask is None:
            return self.services[a:b]
        return [self.services[i] for i in range(a, b) if service_mask[i]]


# --------------------------------------------------------------------------- building


def _related_names(row: dict[str, Any]) -> dict[str, Any]:
    """A structure row's names of related records (commune, organisation…), "" when none."""
    return {k: row[v] or "" for k, v in RELATED_COLUMNS.items()}


def _themes(values: Iterable[str] | None) -> frozenset[str]:
    return frozenset(values or ())


def build(*, territory: Territory, published_only: bool) -> DirectoryIndex:
    """Read the territory's directory into a :class:`DirectoryIndex` (three queries)."""
    structures = Structure.objects.filter(territory=territory)
    services_qs = Service.objects.filter(structure__territory=territory)
    if published_only:
        # The public index: published fiches only, never the CTG's declared-only supply
        # (counted by the diagnostic, listed for the coordinator).
        structures = structures.filter(published=True, declared_only=False)
        services_qs = services_qs.filter(
            published=True, structure__published=True, structure__declared_only=False
        )
    rows = list(
        structures.order_by("sort_name", "pk").values(
            *STRUCTURE_COLUMNS,
            *RELATED_COLUMNS.values(),
            *TYPOLOGY_COLUMNS.values(),
            "search_text",
            "public_source",
        )
    )
    if published_only:
        for r in rows:  # the public sees a clean source line, never the internal notes
            public_provenance(r)
    ids = [r["pk"] for r in rows]
    row_of = {pk: i for i, pk in enumerate(ids)}
    zones: list[list[str]] = [[] for _ in rows]
    zone_rows: dict[str, list[int]] = {}
    through = Structure.zones.through.objects.filter(structure__in=structures)
    for structure_id, code in through.order_by("zone__kind", "zone__code").values_list(
        "structure_id", "zone__code"
    ):
        row = row_of.get(structure_id)
        if row is not None:
            zones[row].append(code)
            zone_rows.setdefault(code, []).append(row)
    by_row: list[list[dict[str, Any]]] = [[] for _ in rows]
    for sv in services_qs.order_by("name", "pk").values("pk", "structure_id", *SERVICE_COLUMNS):
        row = row_of.get(sv["structure_id"])
        if row is not None:  # a structure committed between the two reads waits for the next
            by_row[row].append(sv)

    summaries: list[StructureSummary] = []
    services: list[ServiceSummary] = []
    owner: list[int] = []
    slices: list[tuple[int, int]] = []
    places: list[int | None] = []
    sv_themes, sv_publics, sv_has, sv_lo, sv_hi = [], [], [], [], []
    ty_themes, ty_publics, ty_has, ty_lo, ty_hi = [], [], [], [], []
    for row, r in enumerate(rows):
        summaries.append(
            StructureSummary(
                id=r["pk"],
                **{k: r[k] for k in STRUCTURE_COLUMNS if k != "pk"},
                **_related_names(r),
                zones=zones[row],
            )
        )
        t_themes, t_publics = _themes(r["typology__thematiques"]), _themes(r["typology__publics"])
        t_lo, t_hi = r["typology__age_min"], r["typology__age_max"]
        ty_themes.append(t_themes)
        ty_publics.append(t_publics)
        ty_has.append(t_lo is not None or t_hi is not None)
        ty_lo.append(_float(t_lo))
        ty_hi.append(_float(t_hi))
        start = len(services)
        capacities = [sv["capacity"] for sv in by_row[row] if sv["capacity"] is not None]
        places.append(sum(capacities) if capacities else None)
        for sv in by_row[row]:
            services.append(ServiceSummary(id=sv["pk"], **{k: sv[k] for k in SERVICE_COLUMNS}))
            owner.append(row)
            sv_themes.append(_themes(sv["thematiques"]) or t_themes)
            sv_publics.append(_themes(sv["publics"]) or t_publics)
            if sv["age_min"] is not None or sv["age_max"] is not None:
                lo, hi = sv["age_min"], sv["age_max"]
            else:
                lo, hi = t_lo, t_hi
            sv_has.append(lo is not None or hi is not None)
            sv_lo.append(_float(lo))
            sv_hi.append(_float(hi))
        slices.append((start, len(services)))

    def column(name: str, fold: bool = False) -> np.ndarray:
        values = [(r[name] or "").casefold() if fold else (r[name] or "") for r in rows]
        return np.array(values, dtype=object)

    x = np.array([_float(r["x_l93"]) for r in rows], float)
    y = np.array([_float(r["y_l93"]) for r in rows], float)
    lon = np.array([_float(r["lon"]) for r in rows], float)
    lat = np.array([_float(r["lat"]) for r in rows], float)
    return DirectoryIndex(
        ids=np.array(ids, dtype=np.int64),
        row_of=row_of,
        row_of_slug={r["slug"]: i for i, r in enumerate(rows)},
        summaries=summaries,
        texts=[r["search_text"] or "" for r in rows],
        located=~(np.isnan(x) | np.isnan(y) | np.isnan(lon) | np.isnan(lat)),
        x=x,
        y=y,
        lon=lon,
        lat=lat,
        communes=column("commune__insee_code"),
        commune_names=column("commune__name", fold=True),
        typology_codes=column("typology__code"),
        typology_families=column("typology__family", fold=True),
        zone_rows={code: np.array(rs, dtype=np.int64) for code, rs in zone_rows.items()},
        places=places,
        services=services,
        service_owner=np.array(owner, dtype=np.int64),
        service_slices=slices,
        service_themes=sv_themes,
        service_publics=sv_publics,
        service_age=(np.array(sv_has, bool), np.array(sv_lo, float), np.array(sv_hi, float)),
        has_service=np.array([a != b for a, b in slices], bool),
        typology_themes=ty_themes,
        typology_publics=ty_publics,
        typology_age=(np.array(ty_has, bool), np.array(ty_lo, float), np.array(ty_hi, float)),
    )


# --------------------------------------------------------------------------- per-process cache

_indexes: OrderedDict[tuple[int, bool], tuple[int | None, DirectoryIndex]] = OrderedDict()
_lock = threading.Lock()


def _stored_version(territory_id: int) -> int | None:
    """The territory's ``data_version`` as stored now, not the caller's copy (which may predate
    a write of this request). One indexed read, without the ORM's per-query overhead (it runs on
    every search)."""
    table = connection.ops.quote_name(Territory._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT data_version FROM {table} WHERE id = %s", [territory_id])  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else None


def _settle(index: DirectoryIndex) -> None:
    """Move the new index (and what lives as long) out of the garbage collector's reach.

    An index holds hundreds of thousands of long-lived objects; each full collection walked
    them all (80-100 ms on 10 000 services, the slowest searches under load). After collecting
    what is already garbage, :func:`gc.freeze` puts the surviving objects in a permanent
    generation. The index has no reference cycles, so when a newer version replaces it, it is
    still freed by reference counting.
    """
    if index.size + len(index.services) < SETTLE_MIN_ROWS:
        return  # a small directory costs the collector nothing worth a full collection
    gc.collect()
    gc.freeze()


def get(*, territory: Territory, published_only: bool) -> DirectoryIndex:
    """The territory's index for its current ``data_version`` (built when missing or stale)."""
    key = (territory.pk, bool(published_only))
    version = _stored_version(territory.pk)
    with _lock:
        found = _indexes.get(key)
        if found is not None and found[0] == version:
            _indexes.move_to_end(key)
            return found[1]
        index = build(territory=territory, published_only=published_only)
        _settle(index)
        _indexes[key] = (version, index)
        _indexes.move_to_end(key)
        while len(_indexes) > _MAX_INDEXES:
            _indexes.popitem(last=False)
        return index


def clear() -> None:
    """Forget every index of this process (they are rebuilt on the next search)."""
    with _lock:
        _indexes.clear()


__all__ = ["DirectoryIndex", "Match", "build", "clear", "get"]
