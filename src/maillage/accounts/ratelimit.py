"""Login rate limit: after :data:`MAX_FAILURES` failures in :data:`WINDOW_MINUTES` minutes for
the same IP address and user name, the login form refuses without checking the password.

Failures are kept in the database (:class:`LoginAttempt`), so the limit holds across server
processes; entries older than a day are purged.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from .models import LoginAttempt

MAX_FAILURES = 5
WINDOW_MINUTES = 15
KEEP_HOURS = 24


def client_ip(request: Any) -> str | None:
    """The client address as seen by Django (``REMOTE_ADDR``; set by the reverse proxy)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _key(username: str) -> str:
    return (username or "").strip().lower()[:150]


def is_blocked(*, username: str, ip: str | None) -> bool:
    since = timezone.now() - timedelta(minutes=WINDOW_MINUTES)
    failures = LoginAttempt.objects.filter(username=_key(username), ip=ip, created_at__gte=since)
    return failures.count() >= MAX_FAILURES


def record_failure(*, username: str, ip: str | None) -> None:
    LoginAttempt.objects.filter(
        created_at__lt=timezone.now() - timedelta(hours=KEEP_HOURS)
    ).delete()
    LoginAttempt.objects.create(username=_key(username), ip=ip)
