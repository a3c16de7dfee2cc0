"""The ``audience`` indicator kind computes indicator 1.5-like values (« reconnaissance des
structures et sollicitations ») from the audience counters, with their evidence per year:
years before the measurement are « non calculable », never 0; a partial year says so."""

from __future__ import annotations

import datetime as dt

import pytest

from maillage.plan.indicator_kinds import kind_get
from maillage.plan.models import Axis, Indicator
from maillage.plan.selectors import indicator_result
from maillage.plan.status import Status
from maillage.usage.services import record

TODAY = dt.date(2026, 12, 2)  # the Armentières convention runs 2023–2026
RULE = {"measures": ["fiche", "itineraire", "telephone", "courriel", "site"]}


@pytest.fixture
def indicator(armentieres):
    axis = Axis.objects.get(convention__territory=armentieres, number=1)
    ind = Indicator(
        axis=axis,
        number=98,
        label="[exemple fictif] Reconnaissance des structures et sollicitations",
        kind="audience",
        rule=RULE,
    )
    ind.full_clean()  # the model's choices know the registered kind
    ind.save()
    return ind


def _counts(territory, day: dt.date, **kinds: int) -> None:
    for kind, n in kinds.items():
        for _ in range(n):
            record(territory=territory, kind=kind, key="1", day=day)


def test_values_by_year_are_the_sums_of_the_chosen_counters(armentieres, indicator):
    _counts(armentieres, dt.date(2025, 3, 10), fiche=4, telephone=1)
    _counts(armentieres, dt.date(2025, 11, 2), fiche=2, site=1)
    _counts(armentieres, dt.date(2026, 1, 5), fiche=5, itineraire=2, courriel=1)
    _counts(armentieres, dt.date(2026, 1, 5), recherche=9, guide=3)  # not in the rule
    r = indicator_result(territory=armentieres, indicator_id=indicator.pk, today=TODAY)
    assert r.values_by_year == {2023: None, 2024: None, 2025: 8, 2026: 8}
    assert r.total == 16
    assert r.status_by_year[2023] == r.status_by_year[2024] == Status.NOT_COMPUTABLE
    assert r.display_by_year[2024] == "non calculable"  # never 0 before the measurement
    evidence = {e.label: e.value for e in r.evidence_by_year[2025]}
    assert evidence["vues de fiches (mesure d'audience)"] == 6
    assert evidence["clics sur le téléphone (mesure d'audience)"] == 1
    assert evidence["clics sur le site web (mesure d'audience)"] == 1
    assert all(e.detail == "du 10/03/2025 au 31/12/2025" for e in r.evidence_by_year[2025])
    assert any("2025 : année mesurée en partie seulement" in n for n in r.notes)
    assert any("2023, 2024" in n and "n'avait pas commencé" in n for n in r.notes)
    assert "vues de fiches, clics « itinéraire »" in r.method


def test_nothing_counted_is_not_computable_not_zero(armentieres, indicator):
    r = indicator_result(territory=armentieres, indicator_id=indicator.pk, today=TODAY)
    assert r.total is None and set(r.values_by_year.values()) == {None}
    assert r.total_display == "non calculable"


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ({}, "obligatoire"),
        ({"measures": []}, "obligatoire"),
        ({"measures": ["fiche", "clics"]}, "inconnue(s) : clics"),
        ({"measures": ["fiche"], "zone": "qpv"}, "clé(s) inconnue(s) : zone"),
    ],
)
def test_the_rule_is_checked(rule, problem):
    plan = {"kind_names": set(), "axis_numbers": {1}, "objective_codes": set()}
    assert problem in kind_get("audience").validate_rule(rule, **plan)
    assert kind_get("audience").validate_rule(RULE, **plan) is None
