"""The portfolio: the territories a user follows, side by side (the CAF adviser's page).

Who sees which row is decided here, from the memberships (:func:`portfolio_territories`): every
territory where the user has a role — a coordinator of one CTG sees that one, a CAF adviser
(:data:`~maillage.accounts.permissions.ADVISER`) every CTG they follow; a superuser, coordinator
everywhere (:mod:`maillage.accounts.permissions`), sees them all.

A row (:class:`PortfolioRow`) holds the result objects of the territory's own pages — the
diagnostic's childcare rate and zones blanches, the indicators' statuses, the journal, the
échéancier — gathered by :func:`maillage.web.views.portfolio.portfolio_row` (the accounts app
imports no domain app: they import accounts). This module only adds what the portfolio itself
says: the territory's population (sum of its communes' legal populations, as its page lists
them), its size band and the comparison with the territories of the same band.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext as _

from maillage.territory.models import Territory

from .models import Membership, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import User

#: Journal activities counted over this many days, today included.
JOURNAL_WINDOW_DAYS = 90

#: Size bands (inhabitants, lower bound included, upper bound excluded).
BANDS: tuple[tuple[int, int | None], ...] = (
    (0, 5_000),
    (5_000, 20_000),
    (20_000, 50_000),
    (50_000, 100_000),
    (100_000, None),
)


class CommuneLike(Protocol):
    """A commune as the territory page lists it (model or ``CommuneSummary``)."""

    @property
    def name(self) -> str: ...
    @property
    def population(self) -> int | None: ...
    @property
    def population_source(self) -> str: ...
    @property
    def population_vintage(self) -> str: ...


def _int_fr(value: float) -> str:
    return f"{value:,.0f}".replace(",", "\u202f")


def band_label(low: int, high: int | None) -> str:
    if high is None:
        return _("%(low)s habitants et plus") % {"low": _int_fr(low)}
    if low == 0:
        return _("moins de %(high)s habitants") % {"high": _int_fr(high)}
    return _("%(low)s à %(high)s habitants") % {"low": _int_fr(low), "high": _int_fr(high - 1)}


def band_of(population: float | None) -> tuple[int, int | None] | None:
    """The size band of ``population`` (``None`` when the population is unknown)."""
    if population is None:
        return None
    for low, high in BANDS:
        if population >= low and (high is None or population < high):
            return (low, high)
    return None


@dataclass(frozen=True)
class Population:
    """The territory's inhabitants: the sum of its CTG communes' legal populations.

    ``value`` is ``None`` (« non calculable », ``reason`` says why) when a commune's legal
    population is unknown — it is never counted as 0.
    """

    value: int | None
    source: str
    vintage: str
    communes: int
    reason: str = ""

    @property
    def band(self) -> tuple[int, int | None] | None:
        return band_of(self.value)

    @property
    def band_label(self) -> str:
        band = self.band
        return band_label(*band) if band else _("non calculable")


def ctg_population(communes: Sequence[CommuneLike]) -> Population:
    """Sum of the legal populations of ``communes`` (the CTG's), with sources and vintages."""
    if not communes:
        return Population(None, "", "", 0, _("aucune commune rattachée au territoire"))
    unknown = [c.name for c in communes if c.population is None]
    sources = " ; ".join(
        dict.fromkeys(c.population_source for c in communes if c.population_source)
    )
    vintages = " ; ".join(
        dict.fromkeys(c.population_vintage for c in communes if c.population_vintage)
    )
    if unknown:
        return Population(
            None,
            sources,
            vintages,
            len(communes),
            _("population légale inconnue pour : %(names)s") % {"names": ", ".join(unknown)},
        )
    total = sum(int(c.population or 0) for c in communes)
    return Population(total, sources, vintages or _("millésime non précisé"), len(communes))


# --------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class NextMilestone:
    """The next open step of the échéancier (planned or in progress, due today or later)."""

    due_date: dt.date
    title: str


@dataclass(frozen=True)
class PortfolioRow:
    """One territory of the portfolio: the figures of its own pages, side by side.

    ``childcare`` is the diagnostic's :class:`~maillage.diagnostic.childcare.ChildcareRate`;
    ``white`` the diagnostic's :class:`~maillage.diagnostic.report_access.ThemeAccess` of
    :data:`WHITE_THEME` (or ``None`` when the diagnostic has no accessibility part);
    ``indicators`` the ``(status, css, count)`` of the indicators page (``None``: no plan).
    """

    territory: Territory
    role: str
    population: Population
    childcare: Any
    white: Any
    white_theme_label: str
    indicators: list[tuple[str, str, int]] | None
    indicators_total: int
    plan_missing: str
    journal_recent: int
    journal_recent_fictional: int
    journal_since: dt.date
    next_milestone: NextMilestone | None
    late_milestones: int
    next_copil: dt.date | None
    next_copil_id: int | None
    next_copil_note: str
    similar: list[Similar] = field(default_factory=list)

    @property
    def role_label(self) -> str:
        try:
            return str(Role(self.role).label)
        except ValueError:
            return _("chargé de coopération (administrateur)")

    def status_count(self, status: str) -> int | None:
        if self.indicators is None:
            return None
        return next((n for s, _css, n in self.indicators if s == status), 0)


@dataclass(frozen=True)
class Similar:
    """Another territory of the database in the same size band (public figures only)."""

    slug: str
    name: str
    population: int
    childcare_label: str
    childcare_value: float | None
    comparable: bool


def portfolio_territories(
    user: AbstractBaseUser | AnonymousUser | User,
) -> list[tuple[Territory, str]]:
    """``(territory, role)`` of every territory the user follows, by name.

    A membership of any role counts; a superuser (coordinator everywhere) follows every
    territory. Anonymous or inactive users follow none.
    """
    if not (user.is_authenticated and user.is_active):
        return []
    if getattr(user, "is_superuser", False):
        return [(t, "coordinator") for t in Territory.objects.order_by("name")]
    memberships = (
        Membership.objects.filter(user_id=user.pk)
        .select_related("territory")
        .order_by("territory__name")
    )
    return [(m.territory, m.role) for m in memberships]


def similar_territories(
    *,
    territory: Territory,
    population: Population,
    childcare_label: str,
    others: Iterable[tuple[Territory, Population, str, float | None]],
    limit: int = 10,
) -> list[Similar]:
    """The other territories of ``population``'s band, nearest population first.

    ``others`` gives each territory of the database with its population and childcare rate
    (label, value). A rate is ``comparable`` only when its label — what it sums, over which
    children — is the same as this territory's.
    """
    band, value = population.band, population.value
    if band is None or value is None:
        return []
    found = [
        Similar(
            slug=t.slug,
            name=t.name,
            population=p.value,
            childcare_label=label,
            childcare_value=value,
            comparable=label == childcare_label,
        )
        for t, p, label, value in others
        if t.pk != territory.pk and p.value is not None and p.band == band
    ]
    found.sort(key=lambda s: (abs(s.population - value), s.name))
    return found[:limit]
