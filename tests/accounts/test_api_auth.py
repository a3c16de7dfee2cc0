"""API tokens authenticate a user for API writes (Bearer), never once revoked."""

from __future__ import annotations

from django.test import RequestFactory

from maillage.accounts.api_auth import token_auth
from maillage.accounts.services import api_token_create, api_token_revoke


def _call(secret: str):
    request = RequestFactory().post("/api/v1/x", HTTP_AUTHORIZATION=f"Bearer {secret}")
    return token_auth(request)


def test_bearer_token_authenticates_its_user_until_revoked(roles):
    token, secret = api_token_create(user=roles.partner_a, name="script")
    assert _call(secret) == roles.partner_a
    assert not _call("mlg_inconnu")
    api_token_revoke(token=token, by=roles.partner_a)
    assert not _call(secret)


def test_inactive_user_token_is_refused(roles):
    _, secret = api_token_create(user=roles.partner_a, name="script")
    roles.partner_a.is_active = False
    roles.partner_a.save()
    assert not _call(secret)
