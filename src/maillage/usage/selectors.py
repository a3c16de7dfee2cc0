"""Reads of the audience measurement: one report per territory and period, the searches
without result (a need signal for the diagnostic) and the yearly totals (indicator evidence).

Every figure is a sum of daily counters (:class:`~maillage.usage.models.DailyCount`) and
travels with its label: source, perimeter (the territory's public directory), period and the
day the measurement began (days before it are « non mesuré », never 0).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import CONTACT_KINDS, PLURALS, DailyCount, Kind
from .services import parse_key

SOURCE = gettext_lazy(
    "Mesure d'audience de Maillage : comptes quotidiens agrégés, sans cookie ni donnée "
    "personnelle ; visites des comptes connectés, robots et navigateurs demandant de ne pas "
    "être suivis non comptés"
)
#: Search criteria shown, in this order, with their French names.
CRITERIA = (
    ("thematique", gettext_lazy("Thématique")),
    ("public", gettext_lazy("Public")),
    ("age", gettext_lazy("Âge")),
    ("quartier", gettext_lazy("Quartier")),
    ("typology", gettext_lazy("Type de structure")),
    ("texte", gettext_lazy("Texte libre")),
    ("position", gettext_lazy("Près d'une position")),
    ("theme", gettext_lazy("Thème")),  # of a printed guide
)
NEED_CRITERIA = ("thematique", "public", "age", "typology", "texte", "position")


@dataclass(frozen=True)
class Row:
    """One counted thing: its stored key, French label and total over the period."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class FicheRow:
    """A structure's fiche: views and contact clicks over the period."""

    structure_id: int
    name: str  # « fiche supprimée » when the structure no longer exists
    views: int
    contacts: dict[str, int]

    @property
    def contacts_total(self) -> int:
        return sum(self.contacts.values())


@dataclass(frozen=True)
class UnansweredRow:
    """Searches without result for one need (criteria other than the quartier) and quartier."""

    need: str
    quartier: str
    count: int


@dataclass(frozen=True)
class UsageReport:
    """The audience of a territory's directory from ``start`` to ``end`` (inclusive)."""

    territory_name: str
    start: dt.date
    end: dt.date
    measured_since: dt.date | None  # first day counted on the territory (None: never)
    totals: list[Row]
    months: list[tuple[dt.date, dict[str, int]]]  # first day of the month, counts by kind
    fiches: list[FicheRow]
    searches_by: list[tuple[str, str, list[Row]]]  # (criterion, its French name, rows)
    unanswered: list[UnansweredRow]
    unanswered_by: list[tuple[str, str, list[Row]]]
    guides: list[Row]
    notes: list[str] = field(default_factory=list)
    source: str = field(default_factory=lambda: str(SOURCE))

    @property
    def measured(self) -> bool:
        return self.measured_since is not None and self.measured_since <= self.end

    def total(self, kind: str) -> int:
        return next((r.count for r in self.totals if r.key == kind), 0)

    def searches_for(self, criterion: str) -> list[Row]:
        """Searches by value of one criterion (``thematique``, ``quartier``…)."""
        return next((rows for name, _t, rows in self.searches_by if name == criterion), [])


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The current month and the eleven before it."""
    today = today or timezone.localdate()
    month = today.month - 11
    year = today.year + (month - 1) // 12
    return dt.date(year, (month - 1) % 12 + 1, 1), today


def measured_since(*, territory: Any) -> dt.date | None:
    """The first day anything was counted on ``territory`` (``None``: nothing yet)."""
    found: dt.date | None = DailyCount.objects.filter(territory=territory).aggregate(
        first=Min("day")
    )["first"]
    return found


def _rows(territory: Any, start: dt.date, end: dt.date, kinds: Iterable[str]) -> Any:
    return DailyCount.objects.filter(
        territory=territory, day__gte=start, day__lte=end, kind__in=list(kinds)
    )


class Labels:
    """French labels of the keys' codes (thématiques, publics, quartiers, types, structures)."""

    def __init__(self, territory: Any) -> None:
        from maillage.directory.models import CtgTheme, Typology
        from maillage.directory.vocabulary import (
            PUBLIC_LABELS,
            THEMATIQUE_CATEGORIES,
            THEMATIQUE_LABELS,
        )
        from maillage.territory.models import Zone

        self.values: dict[str, dict[str, str]] = {
            "thematique": {**THEMATIQUE_CATEGORIES, **THEMATIQUE_LABELS},
            "public": dict(PUBLIC_LABELS),
            "quartier": dict(
                Zone.objects.filter(
                    Q(commune__in=territory.communes.all()) | Q(territory=territory)
                ).values_list("code", "name")
            ),
            "typology": dict(Typology.objects.values_list("code", "label")),
            "theme": {str(k): str(v) for k, v in CtgTheme.choices},
        }

    def value(self, name: str, value: str) -> str:
        if name == "age":
            years = int(value) if value.isdigit() else 0
            return ngettext("%(n)s an", "%(n)s ans", years) % {"n": value}
        if name in ("texte", "position"):
            return _("oui")
        return str(self.values.get(name, {}).get(value, value))

    def criteria(self, key: str, *, names: Iterable[str] | None = None) -> str:
        """« Thématique : Garde d'enfants · Âge : 4 ans » for a search key."""
        parsed = parse_key(key)
        wanted = set(names) if names is not None else None
        parts = [
            f"{label} : {self.value(name, parsed[name])}"
            for name, label in CRITERIA
            if name in parsed and (wanted is None or name in wanted)
        ]
        return " · ".join(parts)


def _by_criterion(counts: dict[str, int], labels: Labels) -> list[tuple[str, str, list[Row]]]:
    out = []
    for name, title in CRITERIA:
        sums: dict[str, int] = defaultdict(int)
        for key, n in counts.items():
            value = parse_key(key).get(name)
            if value is not None:
                sums[value] += n
        rows = [Row(key=v, label=labels.value(name, v), count=n) for v, n in sums.items()]
        if rows:
            out.append((name, str(title), sorted(rows, key=lambda r: (-r.count, r.label))))
    return out


def _unanswered(counts: dict[str, int], labels: Labels) -> list[UnansweredRow]:
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for key, n in counts.items():
        quartier = parse_key(key).get("quartier")
        need = labels.criteria(key, names=NEED_CRITERIA) or _("aucun autre critère")
        where = labels.value("quartier", quartier) if quartier else _("tout le territoire")
        sums[(need, where)] += n
    rows = [UnansweredRow(need=k[0], quartier=k[1], count=n) for k, n in sums.items()]
    return sorted(rows, key=lambda r: (-r.count, r.need, r.quartier))


def _keyed(territory: Any, start: dt.date, end: dt.date, kind: str) -> dict[str, int]:
    return dict(
        _rows(territory, start, end, [kind])
        .values("key")
        .annotate(n=Sum("count"))
        .values_list("key", "n")
    )


def usage_report(
    *, territory: Any, start: dt.date | None = None, end: dt.date | None = None
) -> UsageReport:
    """The audience of ``territory`` from ``start`` to ``end`` (default: :func:`default_period`)."""
    from maillage.directory.models import Structure

    default_start, default_end = default_period()
    start, end = start or default_start, end or default_end
    if start > end:
        raise ValueError(_("La date de début doit précéder la date de fin."))
    labels = Labels(territory)
    totals_by_kind = dict(
        _rows(territory, start, end, Kind.values)
        .values("kind")
        .annotate(n=Sum("count"))
        .values_list("kind", "n")
    )
    totals = [Row(key=k.value, label=str(PLURALS[k]), count=totals_by_kind.get(k, 0)) for k in Kind]
    months: dict[dt.date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(Kind.values, 0))
    for day, kind, n in _rows(territory, start, end, Kind.values).values_list(
        "day", "kind", "count"
    ):
        months[day.replace(day=1)][kind] += n
    per_fiche: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(Kind.values, 0))
    for key, kind, n in (
        _rows(territory, start, end, [Kind.FICHE, *CONTACT_KINDS])
        .values("key", "kind")
        .annotate(n=Sum("count"))
        .values_list("key", "kind", "n")
    ):
        if key.isdigit():
            per_fiche[int(key)][kind] += n
    names = dict(Structure.objects.filter(pk__in=list(per_fiche)).values_list("pk", "name"))
    fiches = [
        FicheRow(
            structure_id=pk,
            name=names.get(pk) or _("fiche supprimée (n° %(pk)s)") % {"pk": pk},
            views=c[Kind.FICHE],
            contacts={k.value: c[k] for k in CONTACT_KINDS},
        )
        for pk, c in per_fiche.items()
    ]
    fiches.sort(key=lambda f: (-f.views, -f.contacts_total, f.name))
    searches = _keyed(territory, start, end, Kind.SEARCH)
    empty = _keyed(territory, start, end, Kind.SEARCH_EMPTY)
    guides = [
        Row(key=k, label=labels.criteria(k) if k else _("tout le territoire"), count=n)
        for k, n in sorted(_keyed(territory, start, end, Kind.GUIDE).items(), key=lambda i: -i[1])
    ]
    since = measured_since(territory=territory)
    notes = []
    if since is None or since > end:
        notes.append(_("Aucune mesure sur la période : rien n'a encore été compté."))
    elif since > start:
        notes.append(
            _("Mesure commencée le %(d)s : les jours précédents ne sont pas mesurés.")
            % {"d": since.strftime("%d/%m/%Y")}
        )
    return UsageReport(
        territory_name=territory.name,
        start=start,
        end=end,
        measured_since=since,
        totals=totals,
        months=sorted(months.items()),
        fiches=fiches,
        searches_by=_by_criterion(searches, labels),
        unanswered=_unanswered(empty, labels),
        unanswered_by=_by_criterion(empty, labels),
        guides=guides,
        notes=notes,
    )


@dataclass(frozen=True)
class Unanswered:
    """Searches without result over a period: the need signal shown by the diagnostic."""

    start: dt.date
    end: dt.date
    measured_since: dt.date | None
    rows: list[UnansweredRow]
    searches: int  # every search of the period (the denominator)
    source: str = field(default_factory=lambda: str(SOURCE))

    @property
    def total(self) -> int:
        return sum(r.count for r in self.rows)


def unanswered_searches(
    *, territory: Any, start: dt.date | None = None, end: dt.date | None = None
) -> Unanswered:
    """Searches without result by need and quartier (default period: :func:`default_period`)."""
    default_start, default_end = default_period()
    start, end = start or default_start, end or default_end
    empty = _keyed(territory, start, end, Kind.SEARCH_EMPTY)
    searches = sum(_keyed(territory, start, end, Kind.SEARCH).values())
    return Unanswered(
        start=start,
        end=end,
        measured_since=measured_since(territory=territory),
        rows=_unanswered(empty, Labels(territory)) if empty else [],
        searches=searches,
    )


@dataclass(frozen=True)
class YearCounts:
    """Totals of some kinds for one calendar year, and how much of the year was measured."""

    year: int
    counts: dict[str, int]
    first_day: dt.date  # first day measured in the year
    last_day: dt.date  # last day of the year measured so far (today for the current year)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def whole_year(self) -> bool:
        return self.first_day == dt.date(self.year, 1, 1) and self.last_day == dt.date(
            self.year, 12, 31
        )


def yearly_counts(
    *, territory: Any, years: Iterable[int], kinds: Iterable[str], today: dt.date | None = None
) -> dict[int, YearCounts | None]:
    """For each year, the totals of ``kinds`` — ``None`` for a year not measured at all (before
    the measurement began, or not begun yet): never 0."""
    today = today or timezone.localdate()
    kinds = list(kinds)
    since = measured_since(territory=territory)
    out: dict[int, YearCounts | None] = {}
    for year in years:
        first, last = dt.date(year, 1, 1), min(dt.date(year, 12, 31), today)
        if since is None or since > last or first > today:
            out[year] = None
            continue
        first = max(first, since)
        sums = dict(
            _rows(territory, first, last, kinds)
            .values("kind")
            .annotate(n=Sum("count"))
            .values_list("kind", "n")
        )
        out[year] = YearCounts(
            year=year, counts={k: sums.get(k, 0) for k in kinds}, first_day=first, last_day=last
        )
    return out


def has_contact(*, territory: Any, structure_id: int, kind: str) -> bool:
    """Whether the published fiche ``structure_id`` of ``territory`` shows the contact ``kind``
    (a phone number, an e-mail, a website; « itinéraire »: a position or an address)."""
    from maillage.directory.models import Structure

    if kind not in {k.value for k in CONTACT_KINDS}:
        return False
    rows = Structure.objects.filter(territory=territory, pk=structure_id, published=True)
    if kind == Kind.DIRECTIONS:
        return rows.filter(Q(lat__isnull=False) | ~Q(address="")).exists()
    field = {Kind.PHONE: "phone", Kind.EMAIL: "email", Kind.WEBSITE: "website"}[Kind(kind)]
    return rows.exclude(**{field: ""}).exists()
