"""Indicators computed from the journal and the data, each value with its evidence.

Since issue 14 a count needs its year's journal declared complete (the ``complete`` fixture
declares 2023-2025; otherwise « non renseigné »), « Nombre de groupes de travail » counts
distinct groups and « Présence de … » reads oui/non: tests/plan/test_indicators_wording.py."""

from __future__ import annotations

import datetime as dt

import pytest

from maillage.plan.evidence_sources import (
    ZoneSet,
    _zone_blanche_providers,
    register_zone_blanche_provider,
)
from maillage.plan.models import Indicator, ZoneBlanche
from maillage.plan.selectors import indicator_result, indicator_results
from maillage.plan.services import (
    PlanValidationError,
    activity_record,
    indicator_target_set,
    indicator_value_set,
    journal_year_declare_complete,
)
from maillage.territory.models import Zone

TODAY = dt.date(2025, 6, 1)


def _ind(territory, code: str) -> Indicator:
    axis, number = code.split(".")
    return Indicator.objects.get(
        axis__convention__territory=territory, axis__number=axis, number=number
    )


def _result(territory, code: str, today: dt.date = TODAY):
    return indicator_result(territory=territory, indicator_id=_ind(territory, code).pk, today=today)


@pytest.fixture
def complete(armentieres):
    """The journals of 2023, 2024 and 2025 are declared complete (2026 is to come)."""
    for year in (2023, 2024, 2025):
        journal_year_declare_complete(territory=armentieres, year=year)


def _record(territory, kind: str, axis: int, day: dt.date, title: str, **kw):
    return activity_record(territory=territory, date=day, kind=kind, title=title, axes=[axis], **kw)


def test_workshops_of_axis_1_are_counted_by_year_with_their_evidence(armentieres, complete):
    made = [
        _record(armentieres, "atelier collectif", 1, dt.date(2025, m, 10), f"Atelier {m}")
        for m in (2, 5, 9)
    ]
    _record(armentieres, "atelier collectif", 2, dt.date(2025, 3, 1), "Atelier enfance")
    _record(armentieres, "action de proximité", 1, dt.date(2025, 3, 1), "Proximité")
    _record(armentieres, "atelier collectif", 1, dt.date(2024, 3, 1), "Atelier 2024")
    r = _result(armentieres, "1.4")
    assert r.label == "Nombre d'ateliers collectifs/partenariaux"
    # 2026's journal is not declared complete (and is to come): no value, never 0.
    assert r.values_by_year == {2023: 0.0, 2024: 1.0, 2025: 3.0, 2026: None}
    assert r.total == 4.0
    assert [e.activity_id for e in r.evidence_by_year[2025]] == [a.pk for a in made]
    assert {e.label for e in r.evidence_by_year[2025]} == {"Atelier 2", "Atelier 5", "Atelier 9"}


def test_status_compares_values_with_yearly_targets(armentieres, complete):
    ind = _ind(armentieres, "1.3")
    indicator_target_set(indicator=ind, year=2024, value=2)
    indicator_target_set(indicator=ind, year=2025, value=1)
    _record(armentieres, "action de proximité", 1, dt.date(2024, 4, 1), "Proximité 1")
    _record(armentieres, "action de proximité", 1, dt.date(2025, 4, 1), "Proximité 2")
    r = _result(armentieres, "1.3")
    assert r.target_by_year == {2023: None, 2024: 2.0, 2025: 1.0, 2026: None}
    assert r.status_by_year[2024] == "non atteint"  # 1 < 2 and 2024 is over
    assert r.status_by_year[2025] == "atteint"
    assert r.status_by_year[2026] == "à venir"  # was « sans cible » on a made-up 0
    assert r.target_total == 3.0 and r.status == "en cours"
    with pytest.raises(PlanValidationError):
        indicator_target_set(indicator=ind, year=2031, value=1)


def test_a_document_counts_only_once_validated_and_from_its_year_on(armentieres):
    _record(armentieres, "écrit partagé", 1, dt.date(2024, 1, 5), "Projet (brouillon)")
    assert _result(armentieres, "1.6").total == 0.0
    doc = _record(
        armentieres, "écrit partagé", 1, dt.date(2025, 1, 5), "Projet validé", validated=True
    )
    r = _result(armentieres, "1.6")
    assert r.values_by_year == {2023: 0.0, 2024: 0.0, 2025: 1.0, 2026: None}  # 2026: to come
    assert r.display_by_year == {2023: "non", 2024: "non", 2025: "oui", 2026: "à venir"}
    assert [e.activity_id for e in r.evidence] == [doc.pk]


def test_manual_values_carry_their_justification(armentieres):
    ind = _ind(armentieres, "2.6")
    assert _result(armentieres, "2.6").status == "non renseigné"
    indicator_value_set(indicator=ind, year=2024, value=6, justification="Enquête familles 2024")
    indicator_value_set(indicator=ind, year=2025, value=7, justification="Enquête familles 2025")
    r = _result(armentieres, "2.6")
    assert r.values_by_year[2025] == 7.0 and r.total == 7.0
    assert r.evidence_by_year[2024][0].label == "Enquête familles 2024"
    with pytest.raises(PlanValidationError):
        indicator_value_set(indicator=ind, year=2025, value=1, justification=" ")
    with pytest.raises(PlanValidationError):  # computed indicators are not typed in
        indicator_value_set(
            indicator=_ind(armentieres, "1.1"), year=2025, value=1, justification="x"
        )


def test_zone_blanche_indicator_is_not_computable_until_zones_blanches_exist(
    armentieres, monkeypatch, complete
):
    from maillage.plan import evidence_sources as sources

    monkeypatch.setattr(sources, "_zone_blanche_providers", [sources.flagged_zones_blanches])
    zone = Zone.objects.get(kind="iris", code="590170102")
    _record(armentieres, "action ciblée", 1, dt.date(2025, 2, 2), "Dans la zone", zones=[zone])
    _record(armentieres, "action ciblée", 1, dt.date(2025, 2, 3), "Ailleurs")
    r = _result(armentieres, "1.2")
    assert r.total is None and r.status == "non calculable"
    assert "zones blanches non encore calculées" in r.notes[0]
    ZoneBlanche.objects.create(territory=armentieres, zone=zone, justification="Test")
    r = _result(armentieres, "1.2")
    assert r.values_by_year[2025] == 1.0
    assert [e.label for e in r.evidence] == ["Dans la zone"]


def test_a_zone_blanche_provider_can_be_plugged(armentieres, complete):
    zone = Zone.objects.get(kind="iris", code="590170201")
    _record(armentieres, "action ciblée", 1, dt.date(2025, 2, 2), "Bizet", zones=[zone])
    register_zone_blanche_provider(lambda t, theme: ZoneSet(zone_ids=frozenset({zone.pk})))
    try:
        assert _result(armentieres, "1.2").total == 1.0
    finally:
        _zone_blanche_providers.pop(0)


def test_qpv_rule_uses_qpv_zones_and_positions_inside_a_qpv(armentieres):
    from maillage.territory.geo import geojson_to_l93, l93_to_lonlat

    qpv = Zone.objects.get(kind="qpv", code="QP059069")
    inside = geojson_to_l93(qpv.boundary).representative_point()
    lon, lat = (float(v) for v in l93_to_lonlat(inside.x, inside.y))
    ind = _ind(armentieres, "1.3")
    ind.rule = {"kinds": ["action de proximité"], "axis": 1, "zone": "qpv"}
    ind.save()
    _record(armentieres, "action de proximité", 1, dt.date(2025, 5, 5), "Tag QPV", zones=[qpv])
    _record(armentieres, "action de proximité", 1, dt.date(2025, 5, 6), "Point", lon=lon, lat=lat)
    _record(armentieres, "action de proximité", 1, dt.date(2025, 5, 7), "Hors QPV")
    r = _result(armentieres, "1.3")
    assert sorted(e.label for e in r.evidence) == ["Point", "Tag QPV"]


def test_cartography_completeness_source_is_the_share_of_located_structures(armentieres):
    """The ``cartography`` data source stays available to a plan that asks for this share,
    labelled as such; the CTG's 3.1/4.1 « Présence d'une cartographie » no longer use it."""
    from maillage.directory.models import Structure
    from maillage.plan.evidence_sources import data_cartography

    for i, located in enumerate((True, False)):
        Structure.objects.create(
            territory=armentieres,
            slug=f"test-plan-{i}",
            name=f"Structure de test {i}",
            source="test",
            source_id=f"plan-{i}",
            x_l93=700000.0 if located else None,
            y_l93=7060000.0 if located else None,
        )
    qs = Structure.objects.filter(territory=armentieres, published=True)
    expected = round(100 * qs.filter(x_l93__isnull=False).count() / qs.count(), 1)
    r = data_cartography(armentieres)
    assert r.value == expected
    labels = {e.label: e.detail for e in r.evidence}
    assert labels["Structure de test 0"] == "localisée"
    assert labels["Structure de test 1"] == "à localiser"


def test_all_indicators_are_computed_without_error_and_fictional_is_flagged(armentieres):
    from maillage.plan.fictif import demo_journal_load

    results = indicator_results(territory=armentieres, today=TODAY)
    assert len(results) == 24 and not any(r.includes_fictional for r in results)
    demo_journal_load(territory=armentieres, count=40, today=TODAY)
    results = indicator_results(territory=armentieres, today=TODAY)
    assert any(r.includes_fictional for r in results)


def test_computed_zones_blanches_count_positions_inside_and_mostly_covered_zones(
    armentieres, monkeypatch
):
    """With the diagnostic's zones blanches (here: the Attargette - Chanzy QPV outline)."""
    from types import SimpleNamespace

    from maillage.diagnostic import selectors as diagnostic
    from maillage.territory.geo import geojson_to_l93, l93_to_lonlat

    qpv = Zone.objects.get(kind="qpv", code="QP059069")
    fake = SimpleNamespace(
        validity=SimpleNamespace(computable=True),
        theme="vie-sociale",
        max_distance_m=1000.0,
        zones=[SimpleNamespace(geometry=qpv.boundary)],
    )
    monkeypatch.setattr(diagnostic, "white_zones", lambda **kw: fake)
    inside = geojson_to_l93(qpv.boundary).representative_point()
    lon, lat = (float(v) for v in l93_to_lonlat(inside.x, inside.y))
    other = Zone.objects.get(kind="iris", code="590170403")
    _record(armentieres, "action ciblée", 1, dt.date(2025, 2, 2), "Tag QPV", zones=[qpv])
    _record(armentieres, "action ciblée", 1, dt.date(2025, 2, 3), "Point", lon=lon, lat=lat)
    _record(armentieres, "action ciblée", 1, dt.date(2025, 2, 4), "Centre", zones=[other])
    r = _result(armentieres, "1.2")
    assert sorted(e.label for e in r.evidence) == ["Point", "Tag QPV"]
    assert any("calculées par le diagnostic" in n for n in r.notes)
    # Too little supply located: the diagnostic says « non calculable », so no figure.
    fake.validity = SimpleNamespace(computable=False)
    assert _result(armentieres, "1.2").status == "non calculable"


def test_a_failing_diagnostic_only_makes_the_zone_blanche_indicator_not_computable(
    armentieres, monkeypatch, complete
):
    from maillage.diagnostic import selectors as diagnostic

    def broken(**kw):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(diagnostic, "white_zones", broken)
    _record(armentieres, "groupe de travail", 1, dt.date(2025, 2, 2), "GT", body="GT AVS")
    results = {r.code: r for r in indicator_results(territory=armentieres, today=TODAY)}
    assert results["1.2"].status == "non calculable"
    assert results["1.1"].values_by_year[2025] == 1.0
