"""Indicators by quarter: the quarters of an additive kind add up to the year (a property that
must hold for any journal), computed by the same kind; yearly-only kinds say so."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.plan.indicator_kinds import KindContext, kind_get
from maillage.plan.indicators import JournalEntry
from maillage.plan.quarters import is_additive, is_quarterly, quarter_bounds, quarter_series

YEAR = 2025
TODAY = dt.date(2026, 2, 1)
RULE = {"kinds": ["reunion", "atelier"], "axis": 1}


def _indicator(kind: str) -> SimpleNamespace:
    return SimpleNamespace(
        pk=1, code="1.1", unit="", kind=kind, rule=RULE, targets=SimpleNamespace(all=list)
    )


entries = st.lists(
    st.builds(
        lambda pk, day, kind, axis, body: JournalEntry(
            pk=pk,
            date=dt.date(YEAR, 1, 1) + dt.timedelta(days=day),
            kind=kind,
            title=f"activité {pk} (exemple fictif)",
            validated=False,
            is_fictional=True,
            participants=None,
            lon=None,
            lat=None,
            axis_numbers=frozenset({axis}),
            objective_codes=frozenset(),
            zones=(),
            body=body,
        ),
        pk=st.integers(1, 10_000),
        day=st.integers(0, 364),
        kind=st.sampled_from(["reunion", "atelier", "autre"]),
        axis=st.sampled_from([1, 2]),
        body=st.sampled_from(["", "groupe A", "Groupe a", "groupe B"]),
    ),
    max_size=40,
    unique_by=lambda e: e.pk,
)


def _year_value(kind_name: str, acts: list[JournalEntry], complete: set[int]) -> float | None:
    ctx = KindContext(territory=None, years=[YEAR], today=TODAY, complete=complete, activities=acts)
    return kind_get(kind_name).compute(_indicator(kind_name), RULE, ctx).values[YEAR]


@settings(max_examples=150, deadline=None)
@given(acts=entries)
def test_quarters_of_an_additive_kind_sum_to_the_year(acts):
    series = quarter_series(
        territory=None, indicator=_indicator("activity_count"), activities=acts,
        complete={YEAR}, today=TODAY, years=[YEAR],
    )  # fmt: skip
    assert series.quarterly and series.additive
    values = [q.value for q in series.of_year(YEAR)]
    assert None not in values
    assert sum(values) == _year_value("activity_count", acts, {YEAR})


@settings(max_examples=100, deadline=None)
@given(acts=entries)
def test_distinct_bodies_by_quarter_never_undercount_the_year(acts):
    series = quarter_series(
        territory=None, indicator=_indicator("body_count"), activities=acts,
        complete={YEAR}, today=TODAY, years=[YEAR],
    )  # fmt: skip
    assert series.quarterly and not series.additive
    values = [q.value for q in series.of_year(YEAR)]
    year = _year_value("body_count", acts, {YEAR})
    assert year is not None and max(values) <= year <= sum(values)


def test_an_undeclared_year_is_non_renseigne_with_what_the_journal_holds():
    acts = [
        JournalEntry(1, dt.date(YEAR, 2, 3), "reunion", "a", False, True, None, None, None,
                     frozenset({1}), frozenset(), ()),
    ]  # fmt: skip
    series = quarter_series(
        territory=None, indicator=_indicator("activity_count"), activities=acts,
        complete=set(), today=dt.date(YEAR, 5, 1), years=[YEAR],
    )  # fmt: skip
    q1, q2, q3, q4 = series.of_year(YEAR)
    assert q1.value is None and q1.partial == 1 and q1.display == "non renseigné (1 au journal)"
    assert q2.display == "non renseigné"
    assert not q3.started and q3.display == "à venir" and q4.display == "à venir"


@pytest.mark.parametrize("name", ["manual", "data", "document", "audience"])
def test_yearly_kinds_say_suivi_annuel_uniquement(name):
    kind = kind_get(name)
    assert not is_quarterly(kind) and not is_additive(kind)
    series = quarter_series(
        territory=None, indicator=_indicator(name), activities=[], complete=set(), today=TODAY
    )
    assert not series.quarters and series.reason.startswith("Suivi annuel uniquement")


def test_quarter_bounds_cover_the_year():
    days = [quarter_bounds(YEAR, q) for q in (1, 2, 3, 4)]
    assert days[0][0] == dt.date(YEAR, 1, 1) and days[-1][1] == dt.date(YEAR, 12, 31)
    for (_, end), (start, _) in zip(days, days[1:], strict=False):
        assert start - end == dt.timedelta(days=1)
    with pytest.raises(ValueError):
        quarter_bounds(YEAR, 5)


# --------------------------------------------------------------------------- pages and deck

DECK_TODAY = dt.date(2025, 11, 28)


@pytest.fixture
def demo(armentieres):
    from maillage.plan.fictif import demo_journal_load

    demo_journal_load(territory=armentieres, count=40, today=DECK_TODAY)
    return armentieres


def _indicator_of_kind(territory, kind: str):
    from maillage.plan.models import Indicator

    return Indicator.objects.filter(axis__convention__territory=territory, kind=kind).first()


def test_deck_quarters_add_up_to_the_bilan_value_of_each_additive_indicator(demo):
    from maillage.plan.copil import copil_build
    from maillage.reports.copil_slides import copil_slides

    copil = copil_build(territory=demo, year=2024, today=DECK_TODAY)
    assert copil.quarter_year == 2024
    checked = 0
    for line in copil.bilan.indicators:
        series = copil.quarters[line.result.indicator_id]
        year_value = line.result.values_by_year[2024]
        if series.additive and year_value is not None:
            assert sum(q.value for q in series.of_year(2024)) == year_value, line.result.code
            checked += 1
    assert checked, "the demo journal should give an additive indicator a 2024 value"
    notes = [n for s in copil_slides(copil) for n in s.notes]
    quarterly = [s for s in copil.quarters.values() if s.quarterly]
    for series in quarterly:
        wanted = " · ".join(f"T{q.quarter} {q.display}" for q in series.of_year(2024))
        assert any(n.startswith(f"{series.code} par trimestre en 2024 : {wanted}") for n in notes)
    yearly = [s.code for s in copil.quarters.values() if not s.quarterly]
    assert yearly and any(n.startswith("Suivi annuel uniquement : ") for n in notes)


def test_indicator_page_shows_quarters_or_says_yearly_only(client, demo):
    from django.urls import reverse

    counted = _indicator_of_kind(demo, "activity_count")
    page = client.get(reverse("web:plan-indicator", args=[demo.slug, counted.pk]))
    html = page.content.decode()
    assert "Par trimestre" in html and "T1 2024" in html
    svg = client.get(reverse("web:plan-indicator-quarters", args=[demo.slug, counted.pk]))
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert b"par trimestre" in svg.content and b"<script" not in svg.content
    manual = _indicator_of_kind(demo, "manual") or _indicator_of_kind(demo, "data")
    page = client.get(reverse("web:plan-indicator", args=[demo.slug, manual.pk]))
    assert "Suivi annuel uniquement" in page.content.decode()
    chart = client.get(reverse("web:plan-indicator-quarters", args=[demo.slug, manual.pk]))
    assert chart.status_code == 404


def test_a_zone_blanche_count_is_non_calculable_by_quarter_on_armentieres(armentieres):
    from maillage.plan.models import Indicator
    from maillage.plan.quarters import indicator_quarters

    ind = next(
        i
        for i in Indicator.objects.filter(axis__convention__territory=armentieres)
        if (i.rule or {}).get("zone") == "zone_blanche"
    )
    series = indicator_quarters(territory=armentieres, indicator_id=ind.pk, today=DECK_TODAY)
    begun = [q for q in series.quarters if q.started]
    assert begun and all(q.display == "non calculable" for q in begun)
    assert series.reason.startswith("non calculable : zones blanches non encore calculées")
