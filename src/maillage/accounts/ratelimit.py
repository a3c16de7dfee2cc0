"""Login rate limit, one for every password path (``/connexion/``, ``/admin/login/``, any code
calling :func:`django.contrib.auth.authenticate`): the check runs in the authentication backend
(:class:`maillage.accounts.backends.ThrottledModelBackend`).

Within :data:`WINDOW_MINUTES` minutes, a login is refused without checking the password after

- :data:`MAX_FAILURES` failures for the same account from the same address (a user mistyping,
  one attacker on one account);
- :data:`MAX_FAILURES_ACCOUNT` failures for the same account from any address (guessing spread
  over many addresses; the threshold is higher, so that one address cannot lock a user out);
- :data:`MAX_FAILURES_ADDRESS` failures from the same address on any accounts (password
  spraying).

The account is the user name the identifier resolves to (user name or e-mail address, case
folded), or the identifier typed when no account matches. Failures are kept in the database
(:class:`LoginAttempt`), not in the cache: the cache is per process (``LocMemCache``), the
database is shared by all server processes and threads. Refused attempts during a lock are not
counted, so a lock ends :data:`WINDOW_MINUTES` after the last counted failure. Entries older
than :data:`KEEP_HOURS` hours are purged.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import LoginAttempt

MAX_FAILURES = 5
MAX_FAILURES_ACCOUNT = 20
MAX_FAILURES_ADDRESS = 20
WINDOW_MINUTES = 15
KEEP_HOURS = 24
# Set on the request by the backend when it refused a login for the rate limit, so that the
# login forms show the rate-limit message rather than « mot de passe incorrect ».
REQUEST_FLAG = "maillage_login_throttled"


def client_ip(request: Any) -> str | None:
    """The client address as seen by Django (``REMOTE_ADDR``; set by the reverse proxy)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def account_key(username: str) -> str:
    """The account an identifier designates: its user name, case folded (the identifier
    typed, case folded, when no account matches)."""
    typed = (username or "").strip()
    if not typed:
        return ""
    User = get_user_model()
    field = User.USERNAME_FIELD
    key = (
        User.objects.filter(**{f"{field}__iexact": typed}).values_list(field, flat=True).first()
        or User.objects.filter(email__iexact=typed)
        .order_by("pk")
        .values_list(field, flat=True)
        .first()
        or typed
    )
    return key.lower()[:150]


def is_blocked(*, username: str, ip: str | None) -> bool:
    """Whether a login for ``username`` from ``ip`` is refused now."""
    key = account_key(username)
    recent = LoginAttempt.objects.filter(
        created_at__gte=timezone.now() - timedelta(minutes=WINDOW_MINUTES)
    )
    if recent.filter(username=key, ip=ip).count() >= MAX_FAILURES:
        return True
    if recent.filter(username=key).count() >= MAX_FAILURES_ACCOUNT:
        return True
    return ip is not None and recent.filter(ip=ip).count() >= MAX_FAILURES_ADDRESS


def record_failure(*, username: str, ip: str | None) -> None:
    LoginAttempt.objects.filter(
        created_at__lt=timezone.now() - timedelta(hours=KEEP_HOURS)
    ).delete()
    LoginAttempt.objects.create(username=account_key(username), ip=ip)


def was_throttled(request: Any) -> bool:
    """Whether the backend refused this request's login for the rate limit."""
    return bool(getattr(request, REQUEST_FLAG, False))


def clear(*, username: str) -> None:
    """Forget an account's failures (after its password was reset from the e-mailed link: the
    rate-limit message tells a locked user to do so)."""
    LoginAttempt.objects.filter(username=account_key(username)).delete()
