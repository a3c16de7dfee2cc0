"""Security matrix of the API writes: every write endpoint × every kind of caller.

Each caller gets the status its role allows (401 without a valid token, 403 without the right,
200/201/202/204 with it), and a refused call issues no SQL write (besides the token's last-use
date) and leaves a digest of every table unchanged. The targets are organisation A's real
structure and service, a journal entry written by partner A, two proposals of partner A and a
manual indicator of the real plan.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .api_helpers import API, CALLERS, activity_body, call, callers, manual_indicator
from .roles import fingerprint, sql_writes

NO_TOKEN = {c: 401 for c in ("anonymous", "unknown_token", "revoked_token", "inactive")}
NOBODY = {c: 403 for c in ("outsider", "observer", "partner_b", "other_coordinator")}


def _expected(**allowed: int) -> dict[str, int]:
    """401 without a token, 403 for every role not in ``allowed``."""
    out = NO_TOKEN | NOBODY | {"partner_a": 403, "coordinator": 403}
    return out | allowed


# A structure or service addressed by its id is « introuvable » (404) for a token without any
# role on its territory: the API never tells whether another territory's fiche exists.
HIDDEN = {"outsider": 404, "other_coordinator": 404}


def _world(territory):
    from maillage.accounts.services import propose_change
    from maillage.plan.services import activity_record

    world = callers(territory)
    orgs, users = world.orgs, world.users
    entry = activity_body(territory)
    entry["date"] = dt.date.fromisoformat(entry["date"])
    activity = activity_record(territory=territory, author=users.partner_a, **entry)
    world.to_validate = propose_change(
        obj=orgs.structure_a, user=users.partner_a, fields={"phone": "03 20 00 00 00"}
    )
    world.to_reject = propose_change(
        obj=orgs.structure_a, user=users.partner_a, fields={"description": "Texte de test."}
    )
    _, code, year = manual_indicator(territory)
    slug = territory.slug
    s, sv = orgs.structure_a.pk, orgs.service.pk
    world.endpoints = [
        (
            "structure-create",
            "POST",
            f"{API}/structures",
            {"territory": slug, "name": "Structure de test", "organisation": orgs.a.slug},
            _expected(partner_a=201, coordinator=201),
        ),
        (
            "structure-patch",
            "PATCH",
            f"{API}/structures/{s}",
            {"name": f"{orgs.structure_a.name} (test)"},
            _expected(partner_a=202, coordinator=200, **HIDDEN),
        ),
        (
            "service-create",
            "POST",
            f"{API}/structures/{s}/services",
            {"name": "Service de test"},
            _expected(partner_a=201, coordinator=201, **HIDDEN),
        ),
        (
            "service-patch",
            "PATCH",
            f"{API}/services/{sv}",
            {"name": f"{orgs.service.name} (test)"},
            _expected(partner_a=202, coordinator=200, **HIDDEN),
        ),
        (
            "journal-create",
            "POST",
            f"{API}/plan/{slug}/journal",
            activity_body(territory),
            _expected(partner_a=201, partner_b=201, coordinator=201),
        ),
        (
            "journal-patch",
            "PATCH",
            f"{API}/plan/{slug}/journal/{activity.pk}",
            {"participants": 12},
            _expected(partner_a=200, coordinator=200),
        ),
        (
            "indicator-value",
            "PUT",
            f"{API}/plan/{slug}/indicators/{code}/values/{year}",
            {"value": 3, "justification": "Relevé de test."},
            _expected(coordinator=200),
        ),
        (
            "pending-validate",
            "POST",
            f"{API}/territories/{slug}/pending/{world.to_validate.pk}/validate",
            {"comment": "ok"},
            _expected(coordinator=200),
        ),
        (
            "pending-reject",
            "POST",
            f"{API}/territories/{slug}/pending/{world.to_reject.pk}/reject",
            {},
            _expected(coordinator=200),
        ),
        (
            "journal-delete",
            "DELETE",
            f"{API}/plan/{slug}/journal/{activity.pk}",
            None,
            _expected(partner_a=204, coordinator=204),
        ),
    ]
    return world


@pytest.mark.parametrize("caller", CALLERS)
def test_every_write_endpoint_answers_by_role_and_refusals_write_nothing(armentieres, caller):
    world = _world(armentieres)
    headers = world.headers[caller]
    refused = [e for e in world.endpoints if e[4][caller] in (401, 403)]
    allowed = [e for e in world.endpoints if e[4][caller] not in (401, 403)]
    before = fingerprint()
    for name, method, url, body, expected in refused:
        with CaptureQueriesContext(connection) as queries:
            response = call(method, url, body, headers)
        assert response.status_code == expected[caller], (caller, name, response.content)
        detail = response.json()["detail"]
        assert detail and " " in detail, (caller, name, detail)  # a sentence, not a code
        assert not sql_writes(queries), (caller, name, sql_writes(queries))
        if response.status_code == 401:
            assert "Jeton" in detail and response["WWW-Authenticate"].startswith("Bearer")
    assert fingerprint() == before, caller
    for name, method, url, body, expected in allowed:
        response = call(method, url, body, headers)
        assert response.status_code == expected[caller], (caller, name, response.content)


@pytest.mark.parametrize("caller", CALLERS)
def test_me_and_pending_list_need_a_valid_token(armentieres, caller):
    world = _world(armentieres)
    me = call("GET", f"{API}/me", headers=world.headers[caller])
    pending = call("GET", f"{API}/territories/armentieres/pending", headers=world.headers[caller])
    if caller in NO_TOKEN:
        assert me.status_code == pending.status_code == 401
        return
    assert me.status_code == 200
    roles = {t["territory"]: t["role"] for t in me.json()["territories"]}
    if caller in ("outsider", "other_coordinator"):
        assert "armentieres" not in roles and pending.status_code == 403
        return
    assert roles["armentieres"] == caller.split("_")[0]
    assert pending.status_code == 200
    ids = {p["id"] for p in pending.json()}
    mine = {world.to_validate.pk, world.to_reject.pk}
    # Coordinator and observer see every proposal, a partner their own only.
    assert ids == (set() if caller == "partner_b" else mine)
