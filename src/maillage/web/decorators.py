"""View decorators shared by the web pages.

:func:`territory_view` is the one way a page of a territory gets its territory: it resolves the
URL's ``slug`` (404 when unknown), checks the visitor's role when asked (the rules are those of
:mod:`maillage.accounts.permissions`) and calls the view with ``territory=`` instead of ``slug=``::

    @territory_view(role=COORDINATOR)
    def users_page(request: HttpRequest, territory: Territory) -> HttpResponse: ...

Order of the answers: an anonymous visitor of a page that needs a role is sent to the login page
(even for an unknown territory, as before); then an unknown territory is a 404; then a visitor
without the role gets a 403 with a French message.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from maillage.accounts import permissions as perms
from maillage.territory.models import Territory
from maillage.territory.selectors import TerritoryNotFound, territory_get

COORDINATOR = perms.COORDINATOR
PARTNER = perms.PARTNER
OBSERVER = perms.OBSERVER
ADVISER = perms.ADVISER
#: Those who read the coordination's pages without writing: coordinator, observer, CAF adviser.
READERS = (COORDINATOR, *perms.READERS)
#: Any role on the territory (coordinator, partner, observer or CAF adviser).
MEMBER = "member"
#: Those who write the territory's shared content: coordinator and partners.
EDITOR = (COORDINATOR, PARTNER)

View = Callable[..., HttpResponseBase]
Role = str | Collection[str] | None
StrOrPromise = str | Promise


def territory_or_404(slug: str) -> Territory:
    """The territory of a URL slug, or a 404 naming it."""
    try:
        return territory_get(slug=slug)
    except TerritoryNotFound as exc:
        raise Http404(str(exc)) from exc


def has_role(user: Any, territory: Territory, role: Role) -> bool:
    """Whether ``user`` holds ``role`` on ``territory`` (``None``: everyone does)."""
    if role is None:
        return True
    if role == COORDINATOR:
        return perms.is_coordinator(user, territory)
    if role == MEMBER:
        return perms.is_member(user, territory)
    roles = {role} if isinstance(role, str) else set(role)
    return perms.role_of(user, territory) in roles


def _default_denied(role: Role) -> str:
    if role == COORDINATOR:
        return _("Action réservée au chargé de coopération du territoire.")
    if role == MEMBER:
        return _("Espace réservé aux partenaires du territoire.")
    return _("Action réservée au chargé de coopération et aux partenaires.")


def territory_view(
    view: View | None = None, /, *, role: Role = None, denied: StrOrPromise | None = None
) -> Any:
    """Decorate a view of ``/<slug>/…``: it receives ``territory`` instead of ``slug``.

    ``role``: ``None`` (public page), :data:`COORDINATOR`, :data:`MEMBER` (any role),
    a role name or a collection of role names (e.g. :data:`EDITOR`). ``denied`` replaces the
    default 403 message (give a ``gettext_lazy`` text: it is read at each refusal).
    Usable bare (``@territory_view``) or called (``@territory_view(role=…)``).
    """

    def decorate(func: View) -> View:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, slug: str, **kwargs: Any) -> HttpResponseBase:
            if role is not None and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            territory = territory_or_404(slug)
            if not has_role(request.user, territory, role):
                raise PermissionDenied(str(denied) if denied else _default_denied(role))
            return func(request, *args, territory=territory, **kwargs)

        return wrapper

    if view is not None:
        return decorate(view)
    return decorate
