"""Targets, baseline and manual values entered by the coordinator, shown on the dashboard."""

from __future__ import annotations

from django.urls import reverse

from maillage.plan.models import Indicator, IndicatorTarget, IndicatorValue


def url(name, *args):
    return reverse(f"web:{name}", args=["armentieres", *args])


def _indicator(kind):
    return Indicator.objects.filter(kind=kind).order_by("axis__number", "number").first()


def test_targets_require_the_coordinator(client, armentieres):
    indicator = _indicator("activity_count")
    response = client.post(url("plan-indicator-edit", indicator.pk), {"targets": "1"})
    assert response.status_code == 302 and "/connexion/" in response["Location"]
    assert not IndicatorTarget.objects.exists()


def test_targets_are_saved_and_compared_on_the_dashboard(coordinator_client, activity):
    indicator = Indicator.objects.get(axis__number=1, number=1)  # the activity counts here
    data = {"targets": "1", "target_2024": "1", "target_2025": "2"}
    response = coordinator_client.post(url("plan-indicator-edit", indicator.pk), data)
    assert response.status_code == 302
    assert {t.year: t.value for t in indicator.targets.all()} == {2024: 1.0, 2025: 2.0}
    detail = coordinator_client.get(url("plan-indicator", indicator.pk))
    rows = {row["year"]: row for row in detail.context["years"]}
    assert rows[2024]["value"] == 1 and rows[2024]["target"] == 1
    assert rows[2024]["status"] == "atteint"


def test_refused_targets_write_nothing(coordinator_client, armentieres):
    indicator = _indicator("activity_count")
    bad = {"targets": "1", "target_2024": "5", "baseline_value": "3"}  # baseline without year
    response = coordinator_client.post(url("plan-indicator-edit", indicator.pk), bad)
    assert response.status_code == 400
    assert "Valeur et année de référence vont ensemble" in response.content.decode()
    assert not IndicatorTarget.objects.exists()
    negative = {"targets": "1", "target_2024": "-1"}
    response = coordinator_client.post(url("plan-indicator-edit", indicator.pk), negative)
    assert response.status_code == 400 and not IndicatorTarget.objects.exists()


def test_manual_value_needs_a_justification(coordinator_client, armentieres):
    indicator = _indicator("manual")
    page = url("plan-indicator-edit", indicator.pk)
    response = coordinator_client.post(page, {"manual": "1", "year": "2024", "value": "2"})
    assert response.status_code == 400 and not IndicatorValue.objects.exists()
    data = {"manual": "1", "year": "2024", "value": "2", "justification": "Enquête partenaires"}
    assert coordinator_client.post(page, data).status_code == 302
    detail = coordinator_client.get(url("plan-indicator", indicator.pk)).content.decode()
    assert "Enquête partenaires" in detail


def test_computed_indicator_has_no_manual_value_form(coordinator_client, armentieres):
    indicator = _indicator("activity_count")
    response = coordinator_client.get(url("plan-indicator-edit", indicator.pk))
    assert response.status_code == 200 and response.context["manual"] is None
