"""Who may do what. One place for every permission check of views, API and services.

For now a coordinator is a staff user; per-territory roles (coordinator, partner editor,
observer) refine these functions without changing their callers.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def is_coordinator(user: Any, territory: Any) -> bool:
    """Whether ``user`` coordinates ``territory`` (everything on it, users and plan included)."""
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def can_edit(user: Any, obj: Any) -> bool:
    """Whether ``user`` may change ``obj`` (a structure, a service, a journal entry…)."""
    territory = getattr(obj, "territory", None)
    return is_coordinator(user, territory)


def coordinator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """View decorator: login page for anonymous users, 403 for users without the role."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_coordinator(request.user, kwargs.get("slug")):
            raise PermissionDenied("Action réservée au chargé de coopération du territoire.")
        return view(request, *args, **kwargs)

    return wrapper
