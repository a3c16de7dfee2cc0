"""An API token's last use is kept to the minute: one write a minute, not one per request."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maillage.accounts.models import ApiToken
from maillage.accounts.services import api_token_create

from .roles import make_user


def _token_updates(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith("UPDATE") and "accounts_apitoken" in q["sql"]
    ]


def test_two_api_reads_in_a_row_write_the_last_use_once(client, armentieres):
    user = make_user(armentieres, "observer")
    token, secret = api_token_create(user=user, name="script")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/api/v1/me", **headers)
        second = client.get("/api/v1/me", **headers)
    assert first.status_code == second.status_code == 200
    assert second.json()["username"] == user.username
    assert len(_token_updates(queries)) == 1
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < timedelta(seconds=60)


def test_a_use_more_than_a_minute_later_is_recorded(client, armentieres):
    user = make_user(armentieres, "observer")
    token, secret = api_token_create(user=user, name="script")
    earlier = timezone.now() - timedelta(seconds=61)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert len(_token_updates(queries)) == 1
    token.refresh_from_db()
    assert token.last_used_at > earlier + timedelta(seconds=60)
