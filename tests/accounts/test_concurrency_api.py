"""Lost updates on the API (issue 12, item 6): reads and writes of an editable record answer its
version in ``ETag``; a write whose ``If-Match`` is stale is refused with 412 and a French message
naming the other person's change, nothing written; a fresh ``If-Match`` works, and so does a
write without ``If-Match`` (optional: existing clients keep working)."""

from __future__ import annotations

from maillage.directory.models import Service, Structure
from maillage.plan.models import Activity, IndicatorValue

from .api_helpers import API, activity_body, call, manual_indicator
from .roles import bearer, make_user, organisations


def _two_coordinators(territory):
    first = make_user(territory, "coordinator", email="premiere@example.org")
    second = make_user(territory, "coordinator", email="seconde@example.org")
    return bearer(first), bearer(second)


def _if_match(response) -> dict:
    assert response.has_header("ETag"), "the answer carries the version"
    return {"HTTP_IF_MATCH": response["ETag"]}


def test_structure_patch_with_a_stale_if_match_is_refused(armentieres):
    structure = organisations(armentieres).structure_a
    a, b = _two_coordinators(armentieres)
    url = f"{API}/structures/{structure.pk}"
    seen = _if_match(call("GET", url, headers=a))
    fresh = call("PATCH", url, {"phone": "03 20 11 22 33"}, headers={**a, **seen})
    assert fresh.status_code == 200, fresh.content
    stale = call("PATCH", url, {"phone": "03 20 99 99 99"}, headers={**b, **seen})
    assert stale.status_code == 412, stale.content
    detail = stale.json()["detail"]
    assert "Cette fiche a été modifiée par premiere@example.org le" in detail
    assert "téléphone" in detail and "03 20 11 22 33" in detail
    assert stale["ETag"] == fresh["ETag"]  # the current version, to try again deliberately
    assert Structure.objects.get(pk=structure.pk).phone == "03 20 11 22 33"
    again = call("PATCH", url, {"phone": "03 20 99 99 99"}, headers={**b, **_if_match(stale)})
    assert again.status_code == 200
    # Without If-Match a PATCH still changes only the fields it sends.
    assert call("PATCH", url, {"email": "accueil@example.org"}, headers=a).status_code == 200
    stored = Structure.objects.get(pk=structure.pk)
    assert (stored.phone, stored.email) == ("03 20 99 99 99", "accueil@example.org")


def test_partner_proposal_with_a_stale_if_match_is_refused(armentieres):
    orgs = organisations(armentieres)
    coordinator, _other = _two_coordinators(armentieres)
    partner = bearer(make_user(armentieres, "partner", orgs.a))
    url = f"{API}/structures/{orgs.structure_a.pk}"
    seen = _if_match(call("GET", url, headers=partner))
    assert call("PATCH", url, {"phone": "03 20 11 22 33"}, headers=coordinator).status_code == 200
    stale = call("PATCH", url, {"description": "Proposition (test)"}, headers={**partner, **seen})
    assert stale.status_code == 412
    assert "premiere@example.org" in stale.json()["detail"]
    fresh = call(
        "PATCH", url, {"description": "Proposition (test)"}, headers={**partner, **_if_match(stale)}
    )
    assert fresh.status_code == 202  # queued for validation, from the current version


def test_service_patch_with_a_stale_if_match_is_refused(armentieres):
    service = organisations(armentieres).service
    a, b = _two_coordinators(armentieres)
    url = f"{API}/services/{service.pk}"
    seen = _if_match(call("GET", url, headers=a))
    first = call("PATCH", url, {"capacity": 41}, headers={**a, **seen})
    assert first.status_code == 200, first.content
    stale = call("PATCH", url, {"capacity": 12}, headers={**b, **seen})
    assert stale.status_code == 412
    assert "capacité" in stale.json()["detail"] and "41" in stale.json()["detail"]
    assert Service.objects.get(pk=service.pk).capacity == 41


def test_journal_patch_with_a_stale_if_match_is_refused(armentieres):
    a, b = _two_coordinators(armentieres)
    created = call("POST", f"{API}/plan/armentieres/journal", activity_body(armentieres), headers=a)
    assert created.status_code == 201, created.content
    url = f"{API}/plan/armentieres/journal/{created.json()['id']}"
    seen = _if_match(call("GET", url))
    first = call("PATCH", url, {"participants": 12}, headers={**a, **seen})
    assert first.status_code == 200, first.content
    stale = call("PATCH", url, {"title": "Titre périmé (test)"}, headers={**b, **seen})
    assert stale.status_code == 412
    assert "participants" in stale.json()["detail"].lower()
    activity = Activity.objects.get(pk=created.json()["id"])
    assert (activity.participants, activity.title) == (12, "Réunion de test de l'API")
    assert (
        call("PATCH", url, {"title": "Titre (test)"}, headers={**b, **_if_match(first)}).status_code
        == 200
    )


def test_indicator_value_put_with_a_stale_if_match_is_refused(armentieres):
    indicator, code, year = manual_indicator(armentieres)
    a, b = _two_coordinators(armentieres)
    url = f"{API}/plan/armentieres/indicators/{code}/values/{year}"
    IndicatorValue.objects.filter(indicator=indicator, year=year).delete()
    empty = call("GET", url, headers=a)
    assert empty.json()["value"] is None and empty["ETag"] == '"absent"'
    seen = _if_match(empty)
    body = {"value": 7, "justification": "Relevé (exemple fictif)"}
    first = call("PUT", url, body, headers={**a, **seen})
    assert first.status_code == 200, first.content
    stale = call("PUT", url, {**body, "value": 3}, headers={**b, **seen})
    assert stale.status_code == 412
    assert "premiere@example.org" in stale.json()["detail"]
    assert IndicatorValue.objects.get(indicator=indicator, year=year).value == 7
    fresh = call("PUT", url, {**body, "value": 3}, headers={**b, **_if_match(first)})
    assert fresh.status_code == 200
    assert IndicatorValue.objects.get(indicator=indicator, year=year).value == 3
