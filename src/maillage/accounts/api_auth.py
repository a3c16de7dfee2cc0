"""API authentication by personal token (``Authorization: Bearer mlg_…``), for API writes.

Usage in a django-ninja router::

    from maillage.accounts.api_auth import token_auth

    @router.post("/...", auth=token_auth)
    def write(request, ...):
        user = request.auth  # the token's user; check permissions.can_edit(user, obj)
"""

from __future__ import annotations

from typing import Any

from ninja.security import HttpBearer

from .services import api_token_authenticate


class TokenAuth(HttpBearer):
    """Bearer token checked against the stored SHA-256 hashes (revoked tokens refused)."""

    def authenticate(self, request: Any, token: str) -> Any:
        return api_token_authenticate(secret=token)


token_auth = TokenAuth()
