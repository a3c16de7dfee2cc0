"""API authentication by personal token (``Authorization: Bearer mlg_…``).

Writes use :data:`token_auth` (a valid token is required). Reads that show drafts to the roles
allowed to see them use :data:`optional_token_auth`: without an ``Authorization`` header the
caller is the anonymous public (published data only); with one, the token must be valid —
an unknown, revoked or malformed token is refused (401), never silently treated as public.

Usage in a django-ninja router::

    from maillage.accounts.api_auth import token_auth

    @router.post("/...", auth=token_auth)
    def write(request, ...):
        user = request.auth  # the token's user; check permissions.can_edit(user, obj)
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from ninja.security import HttpBearer

from .services import api_token_authenticate


class TokenAuth(HttpBearer):
    """Bearer token checked against the stored SHA-256 hashes (revoked tokens refused)."""

    def authenticate(self, request: Any, token: str) -> Any:
        return api_token_authenticate(secret=token)


def anonymous_auth(request: Any) -> Any:
    """The anonymous public, only when the request carries no ``Authorization`` header."""
    if request.headers.get("Authorization"):
        return None
    return AnonymousUser()


token_auth = TokenAuth()
# Try the token first, then the public; a request with a bad token matches neither (401).
optional_token_auth = [token_auth, anonymous_auth]
# OpenAPI: the token is optional on these reads (an empty security requirement).
OPTIONAL_SECURITY: dict[str, Any] = {"security": [{}]}
