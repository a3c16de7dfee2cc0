"""API writes of the plan: the journal by role, the 422s naming the fields, manual indicator
values (the real Armentières plan; entries written here are « test » entries, rolled back)."""

from __future__ import annotations

import pytest
from accounts.api_helpers import API, activity_body, call, callers, manual_indicator
from accounts.roles import fingerprint
from django.test import Client

from maillage.accounts.models import ChangeRecord
from maillage.plan.models import Activity, Indicator, IndicatorValue

JOURNAL = f"{API}/plan/armentieres/journal"


@pytest.fixture
def world(armentieres, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return callers(armentieres)


def _record(world, role="partner_a", **extra):
    body = activity_body(world.orgs.structure_a.territory, **extra)
    response = call("POST", JOURNAL, body, world.headers[role])
    assert response.status_code == 201, response.content
    return response.json()


def test_partner_records_an_activity_listed_in_the_journal(world, armentieres):
    entry = _record(
        world,
        objectives=["1.1"],
        partners=["CAF du Nord"],
        participants=14,
        publics="Parents d'enfants de moins de 3 ans",
    )
    assert entry["objectives"] == ["1.1"] and entry["participants"] == 14
    stored = Activity.objects.get(pk=entry["id"])
    assert stored.author == world.users.partner_a and not stored.is_fictional
    listed = Client().get(JOURNAL, {"q": "Réunion de test de l'API"}).json()["results"]
    assert [a["id"] for a in listed] == [entry["id"]]


def test_only_the_author_or_the_coordinator_changes_or_deletes_an_entry(world):
    entry = _record(world)
    url = f"{JOURNAL}/{entry['id']}"
    before = fingerprint()
    for role in ("partner_b", "observer"):
        assert call("PATCH", url, {"participants": 3}, world.headers[role]).status_code == 403
        assert call("DELETE", url, headers=world.headers[role]).status_code == 403
    assert fingerprint() == before

    mine = call("PATCH", url, {"participants": 9, "lon": None}, world.headers["partner_a"])
    assert mine.status_code == 200 and mine.json()["participants"] == 9
    coordinator = call("PATCH", url, {"validated": True}, world.headers["coordinator"])
    assert coordinator.status_code == 200 and coordinator.json()["validated"] is True

    deleted = call("DELETE", url, headers=world.headers["partner_a"])
    assert deleted.status_code == 204 and not Activity.objects.filter(pk=entry["id"]).exists()
    record = ChangeRecord.objects.filter(object_id=str(entry["id"])).order_by("-pk").first()
    assert record.action == "delete" and record.user == world.users.partner_a
    assert call("DELETE", url, headers=world.headers["partner_a"]).status_code == 404


@pytest.mark.parametrize(
    ("extra", "field", "fragment"),
    [
        ({"kind": "pique-nique"}, "kind", "inconnu"),
        ({"axes": [99]}, "axes", "inconnu"),
        ({"axes": []}, "axes", "au moins un axe"),
        ({"date": "1999-01-01"}, "date", "hors de la convention"),
        ({"date": "demain"}, "date", "date attendue"),
        ({"title": "[exemple fictif] réunion"}, "title", "réservé"),
        ({"title": ""}, "title", "obligatoire"),
        ({"objectives": ["9.9"]}, "objectives", ""),
        ({"zones": ["quartier-inexistant"]}, "zones", ""),
        ({"lon": 2.88}, "lat", "ensemble"),
        ({"participants": -1}, "participants", "supérieure ou égale"),
        ({"participants": "douze"}, "participants", "entier"),
        ({"secret": "x"}, "secret", "champ inconnu"),
    ],
)
def test_bad_activity_is_a_422_naming_the_field_and_writes_nothing(world, extra, field, fragment):
    body = activity_body(world.orgs.structure_a.territory, **extra)
    before = fingerprint()
    response = call("POST", JOURNAL, body, world.headers["coordinator"])
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert field in errors, errors
    assert fragment.lower() in " ".join(errors[field]).lower()
    assert fingerprint() == before


def test_patch_refuses_null_on_required_fields_and_empty_bodies(world):
    url = f"{JOURNAL}/{_record(world)['id']}"
    null_title = call("PATCH", url, {"title": None}, world.headers["partner_a"])
    assert null_title.status_code == 422 and "title" in null_title.json()["errors"]
    empty = call("PATCH", url, {}, world.headers["partner_a"])
    assert empty.status_code == 422 and "body" in empty.json()["errors"]


def test_coordinator_enters_a_manual_indicator_value(world, armentieres):
    indicator, code, year = manual_indicator(armentieres)
    url = f"{API}/plan/armentieres/indicators/{code}/values/{year}"
    body = {"value": 7, "justification": "Relevé de test."}
    for role in ("observer", "partner_a"):
        assert call("PUT", url, body, world.headers[role]).status_code == 403

    response = call("PUT", url, body, world.headers["coordinator"])

    assert response.status_code == 200, response.content
    assert response.json()["code"] == code
    assert response.json()["values_by_year"][str(year)] == 7
    stored = IndicatorValue.objects.get(indicator=indicator, year=year)
    assert stored.author == world.users.coordinator and stored.justification == "Relevé de test."
    again = call(
        "PUT", url, {"value": 8, "justification": "Relevé corrigé."}, world.headers["coordinator"]
    )
    assert again.status_code == 200
    assert IndicatorValue.objects.filter(indicator=indicator, year=year).count() == 1


def test_indicator_value_refusals_name_the_field(world, armentieres):
    _, code, year = manual_indicator(armentieres)
    computed = (
        Indicator.objects.filter(axis__convention__territory=armentieres)
        .exclude(kind=Indicator.Kind.MANUAL)
        .select_related("axis")
        .first()
    )
    headers = world.headers["coordinator"]
    body = {"value": 1, "justification": "Relevé de test."}
    base = f"{API}/plan/armentieres/indicators"
    before = fingerprint()
    cases = [
        (f"{base}/{computed.axis.number}.{computed.number}/values/{year}", body, "code"),
        (f"{base}/{code}/values/1990", body, "year"),
        (f"{base}/{code}/values/deux-mille", body, "year"),
        (f"{base}/abc/values/{year}", body, "code"),
        (f"{base}/{code}/values/{year}", {"value": 1, "justification": "  "}, "justification"),
        (f"{base}/{code}/values/{year}", {"value": "beaucoup", "justification": "x"}, "value"),
    ]
    for url, payload, field in cases:
        response = call("PUT", url, payload, headers)
        assert response.status_code == 422, (url, response.content)
        assert field in response.json()["errors"], (url, response.json())
    assert call("PUT", f"{base}/9.9/values/{year}", body, headers).status_code == 404
    assert fingerprint() == before
