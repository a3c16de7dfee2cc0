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
    from maillage.plan.services import journal_year_declare_complete

    # Issue 14: a year counts once its journal is declared complete (else « non renseigné »).
    journal_year_declare_complete(territory=activity.territory, year=2024)
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


def test_a_presence_indicator_takes_a_oui_non_with_its_document(coordinator_client, armentieres):
    """Issue 14: « Présence d'une cartographie détaillée » (3.1) is answered oui/non."""
    indicator = Indicator.objects.get(axis__number=3, number=1)
    page = url("plan-indicator-edit", indicator.pk)
    form = coordinator_client.get(page).content.decode()
    assert "Réponse oui/non" in form and 'name="justification"' in form
    bad = {"manual": "1", "year": "2024", "value": "0.743", "justification": "74,3 %"}
    assert coordinator_client.post(page, bad).status_code == 400
    data = {"manual": "1", "year": "2024", "value": "1", "justification": "Carte de l'offre"}
    assert coordinator_client.post(page, data).status_code == 302
    detail = coordinator_client.get(url("plan-indicator", indicator.pk)).content.decode()
    assert "Carte de l&#x27;offre" in detail or "Carte de l'offre" in detail
    rows = {
        r["year"]: r
        for r in coordinator_client.get(url("plan-indicator", indicator.pk)).context["years"]
    }
    assert rows[2023]["display"] == "non" and rows[2024]["display"] == "oui"
    assert "%" not in rows[2024]["display"]


def test_the_coordinator_is_offered_what_the_indicator_kind_allows(coordinator_client, armentieres):
    """The edit link says what can be entered: a value (manual), a oui/non with its document
    (document), or only targets (computed kinds) — asked of the kind, not of its name."""
    offers = {
        "manual": "Saisir une valeur, les cibles ou la référence",
        "document": "Répondre oui/non avec le document, fixer les cibles",
        "activity_count": "Fixer les cibles ou la valeur de référence",
        "data": "Fixer les cibles ou la valeur de référence",
    }
    for kind, offer in offers.items():
        page = coordinator_client.get(url("plan-indicator", _indicator(kind).pk)).content.decode()
        assert offer in page, kind
        assert sum(o in page for o in set(offers.values())) == 1, kind
