"""Per-address limit on residents' contributions, shared by every server process.

Like the login limit (:mod:`maillage.accounts.ratelimit`, whose :func:`client_ip` it reads the
address with), the counts live in the database — the cache is per process — but no address is
stored: only a keyed hash of it (``salted_hmac`` with the site's secret key), which cannot be
turned back into the address without the key, kept :data:`WINDOW_MINUTES` minutes.
Within :data:`WINDOW_MINUTES` minutes an address may send :data:`MAX_PER_ADDRESS`
contributions (a shared connection — a social centre's public computer — included).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.crypto import salted_hmac

from maillage.accounts.ratelimit import client_ip

from .models import SubmissionMark

MAX_PER_ADDRESS = 10
WINDOW_MINUTES = 60
_SALT = "maillage.contributions.address"


def address_key(request: Any) -> str:
    """The keyed hash of the request's address (``""`` hashed when it is unknown)."""
    return salted_hmac(_SALT, client_ip(request) or "", algorithm="sha256").hexdigest()


def _recent() -> Any:
    return SubmissionMark.objects.filter(
        created_at__gte=timezone.now() - timedelta(minutes=WINDOW_MINUTES)
    )


def is_limited(request: Any) -> bool:
    """Whether the request's address has used up its contributions for now."""
    return _recent().filter(address_key=address_key(request)).count() >= MAX_PER_ADDRESS


def record(request: Any) -> None:
    """Count one contribution from the request's address (and forget the expired ones)."""
    SubmissionMark.objects.filter(
        created_at__lt=timezone.now() - timedelta(minutes=WINDOW_MINUTES)
    ).delete()
    SubmissionMark.objects.create(address_key=address_key(request))
