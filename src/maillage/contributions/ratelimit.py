"""Per-address limit on residents' contributions, shared by every server process.

Like the login limit (:mod:`maillage.accounts.ratelimit`, whose :func:`client_ip` it reads the
address with), the counts live in the database — the cache is per process — but no address is
stored: only a keyed hash of it (``salted_hmac`` with the site's secret key), which cannot be
turned back into the address without the key, kept :data:`WINDOW_MINUTES` minutes.
Within :data:`WINDOW_MINUTES` minutes an address may send :data:`MAX_PER_ADDRESS`
contributions (reports and proposed places together), and :data:`MAX_ANSWERS_PER_ADDRESS`
answers to consultations (higher: residents answer together on a social centre's tablet or
connection). Each scope has its own hash, so the counts are apart.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.crypto import salted_hmac

from maillage.accounts.ratelimit import client_ip

from .models import SubmissionMark

MAX_PER_ADDRESS = 10
MAX_ANSWERS_PER_ADDRESS = 30
WINDOW_MINUTES = 60
LIMITS = {"contribution": MAX_PER_ADDRESS, "consultation": MAX_ANSWERS_PER_ADDRESS}
_SALT = "maillage.contributions.address"


def address_key(request: Any, scope: str = "contribution") -> str:
    """The keyed hash of the request's address for ``scope`` (``""`` hashed when unknown)."""
    value = f"{scope}:{client_ip(request) or ''}"
    return salted_hmac(_SALT, value, algorithm="sha256").hexdigest()


def _recent() -> Any:
    return SubmissionMark.objects.filter(
        created_at__gte=timezone.now() - timedelta(minutes=WINDOW_MINUTES)
    )


def is_limited(request: Any, scope: str = "contribution") -> bool:
    """Whether the request's address has used up its contributions of ``scope`` for now."""
    return _recent().filter(address_key=address_key(request, scope)).count() >= LIMITS[scope]


def record(request: Any, scope: str = "contribution") -> None:
    """Count one contribution of ``scope`` from the request's address (and forget the expired
    ones)."""
    SubmissionMark.objects.filter(
        created_at__lt=timezone.now() - timedelta(minutes=WINDOW_MINUTES)
    ).delete()
    SubmissionMark.objects.create(address_key=address_key(request, scope))
