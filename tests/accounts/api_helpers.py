"""Helpers of the API write tests: every kind of caller with its token, and real targets.

Targets are the dataset's real objects (organisation A's published structure and service, a
manual indicator of the real plan); what the tests create or change is named « test » or
labelled *exemple fictif*, and rolled back at the end of each test.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

from django.test import Client

from .roles import bearer, make_user, organisations, other_territory

API = "/api/v1"
CALLERS = (
    "anonymous",
    "unknown_token",
    "revoked_token",
    "inactive",
    "outsider",
    "observer",
    "partner_a",
    "partner_b",
    "other_coordinator",
    "coordinator",
)


def call(method: str, url: str, body=None, headers=None, client: Client | None = None):
    """One JSON request of the API (``body`` serialised unless it is already text)."""
    client = client or Client()
    kwargs = dict(headers or {})
    if body is not None:
        kwargs["data"] = body if isinstance(body, str | bytes) else json.dumps(body)
        kwargs["content_type"] = "application/json"
    return getattr(client, method.lower())(url, **kwargs)


def callers(territory) -> SimpleNamespace:
    """Users of every role, and the ``Authorization`` header of each kind of caller."""
    from maillage.accounts.services import api_token_create, api_token_revoke

    orgs = organisations(territory)
    users = SimpleNamespace(
        coordinator=make_user(territory, "coordinator"),
        partner_a=make_user(territory, "partner", orgs.a),
        partner_b=make_user(territory, "partner", orgs.b),
        observer=make_user(territory, "observer"),
        outsider=make_user(territory, None),
        inactive=make_user(territory, "coordinator", email="inactif@example.org"),
        other_coordinator=make_user(other_territory(), "coordinator", email="autre@example.org"),
    )
    headers = {
        "anonymous": {},
        "unknown_token": {"HTTP_AUTHORIZATION": "Bearer mlg_jeton-inconnu"},
    }
    token, secret = api_token_create(user=users.coordinator, name="révoqué")
    api_token_revoke(token=token, by=users.coordinator)
    headers["revoked_token"] = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    for name in (
        "inactive",
        "outsider",
        "observer",
        "partner_a",
        "partner_b",
        "other_coordinator",
        "coordinator",
    ):
        headers[name] = bearer(getattr(users, name))
    users.inactive.is_active = False
    users.inactive.save(update_fields=["is_active"])
    return SimpleNamespace(orgs=orgs, users=users, headers=headers)


def manual_indicator(territory):
    """A ``manual`` indicator of the real plan, its code and the first year of the convention."""
    from maillage.plan.models import Indicator

    indicator = (
        Indicator.objects.filter(axis__convention__territory=territory, kind=Indicator.Kind.MANUAL)
        .select_related("axis__convention")
        .order_by("axis__number", "number")
        .first()
    )
    code = f"{indicator.axis.number}.{indicator.number}"
    return indicator, code, indicator.axis.convention.period_start


def activity_body(territory, **extra) -> dict:
    """A valid journal entry of the real plan (first axis, first activity kind)."""
    from maillage.plan.models import ActivityKind

    convention = territory.convention
    kind = ActivityKind.objects.order_by("order", "name").first()
    return {
        "date": f"{convention.period_start}-06-15",
        "kind": kind.slug,
        "title": "Réunion de test de l'API",
        "axes": [convention.axes.order_by("number").first().number],
    } | extra
