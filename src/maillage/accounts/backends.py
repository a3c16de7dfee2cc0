"""The authentication backend every password login goes through, and the login forms' part.

:class:`ThrottledModelBackend` is Django's ``ModelBackend`` behind the rate limit of
:mod:`maillage.accounts.ratelimit`: ``/connexion/``, ``/admin/login/`` and any code calling
:func:`django.contrib.auth.authenticate` share one limit. :class:`ThrottledLoginMixin` makes a
login form say why it refused (the rate-limit message, in French) instead of « mot de passe
incorrect ».
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _g

from . import ratelimit


class ThrottledModelBackend(ModelBackend):
    """``ModelBackend`` refusing without checking the password while the account or address is
    locked, and counting each failed password."""

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kw: Any
    ) -> Any:
        if username is None:
            username = kw.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        ip = ratelimit.client_ip(request)
        if ratelimit.is_blocked(username=username, ip=ip):
            if request is not None:
                setattr(request, ratelimit.REQUEST_FLAG, True)
            # PermissionDenied stops django.contrib.auth.authenticate: no other backend is tried.
            raise PermissionDenied("login throttled")
        user = super().authenticate(request, username=username, password=password, **kw)
        if user is None:
            ratelimit.record_failure(username=username, ip=ip)
        return user


def throttled_error() -> ValidationError:
    return ValidationError(
        _g(
            "Trop de tentatives de connexion échouées. Réessayez dans %(minutes)d minutes "
            "ou réinitialisez votre mot de passe."
        )
        % {"minutes": ratelimit.WINDOW_MINUTES},
        code="rate_limited",
    )


class ThrottledLoginMixin:
    """For a subclass of ``AuthenticationForm``: the rate-limit message when the backend
    refused the login for the rate limit."""

    request: Any

    def get_invalid_login_error(self) -> ValidationError:
        if ratelimit.was_throttled(self.request):
            return throttled_error()
        return super().get_invalid_login_error()  # type: ignore[misc]


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin's login form (``admin.site.login_form``)."""
