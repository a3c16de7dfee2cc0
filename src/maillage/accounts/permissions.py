"""Who may do what. One place for every permission check of views, API and services.

Roles are per territory (:class:`maillage.accounts.models.Membership`):

- **coordinator** (chargé de coopération): everything on the territory, users and plan included;
- **partner** editor: the structures and services of their own organisation, and the journal
  entries they wrote; their edits to published data wait for the coordinator's validation
  (:func:`needs_validation`);
- **observer** (CAF, elected officials, State): reads everything of the territory, drafts
  included, writes nothing;
- **adviser** (conseiller CAF): reads like an observer, on each territory they follow (one
  membership per territory); their portfolio page (:mod:`maillage.accounts.portfolio`) sets
  those territories side by side. Writes nothing;
- the public: published data only.

A Django superuser is coordinator everywhere. ``is_staff`` only opens Django's admin (with the
model permissions Django grants there); it gives no role on any territory: a staff user is a
coordinator, partner or observer through their memberships only, like everyone else. Site
administrators (``is_staff`` or superuser, :func:`is_site_admin`) may also create territories
from the site.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _

COORDINATOR = "coordinator"
PARTNER = "partner"
OBSERVER = "observer"
ADVISER = "adviser"
#: Roles that read everything of the territory, drafts included, and write nothing.
READERS = (OBSERVER, ADVISER)


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _territory_id(territory: Any) -> int | None:
    """Accept a Territory, its primary key or its slug (views pass ``kwargs["slug"]``)."""
    if territory is None:
        return None
    if hasattr(territory, "pk"):
        return territory.pk
    if isinstance(territory, int):
        return territory
    from maillage.territory.models import Territory

    return Territory.objects.filter(slug=str(territory)).values_list("pk", flat=True).first()


def territory_of(obj: Any) -> Any:
    """The territory an object belongs to (structure, service, activity, milestone, a scenario's
    change or housing project…)."""
    for path in (
        ("territory",),
        ("structure", "territory"),
        ("convention", "territory"),
        ("scenario", "territory"),
        ("activity", "territory"),
        ("group", "territory"),
        ("meeting", "group", "territory"),
        ("meeting", "territory"),  # a COPIL decision
        ("indicator", "axis", "convention", "territory"),
        ("axis", "convention", "territory"),
    ):
        current = obj
        for attr in path:
            try:
                current = getattr(current, attr, None)
            except Exception:  # noqa: BLE001 — an unset relation raises DoesNotExist
                current = None
            if current is None:
                break
        if current is not None:
            return current
    return None


def _memberships(user: Any) -> dict[int, Any]:
    """The user's memberships by territory id, cached on the user object for the request."""
    cached = getattr(user, "_maillage_memberships", None)
    if cached is None:
        from .models import Membership

        cached = {m.territory_id: m for m in Membership.objects.filter(user=user)}
        try:
            user._maillage_memberships = cached
        except AttributeError:  # pragma: no cover — immutable user objects
            pass
    return cached


def forget_memberships(user: Any) -> None:
    """Drop the per-request cache (after a membership change on the same user object)."""
    if hasattr(user, "_maillage_memberships"):
        del user._maillage_memberships


def membership_of(user: Any, territory: Any) -> Any:
    """The user's :class:`Membership` on ``territory``, or ``None``."""
    if not _active(user):
        return None
    territory_id = _territory_id(territory)
    return None if territory_id is None else _memberships(user).get(territory_id)


def role_of(user: Any, territory: Any) -> str | None:
    """``"coordinator"``, ``"partner"``, ``"observer"``, ``"adviser"`` or ``None`` (public)."""
    if not _active(user):
        return None
    if user.is_superuser:
        return COORDINATOR
    membership = membership_of(user, territory)
    return membership.role if membership else None


def is_coordinator(user: Any, territory: Any) -> bool:
    """Whether ``user`` coordinates ``territory`` (everything on it, users and plan included)."""
    return role_of(user, territory) == COORDINATOR


def is_partner(user: Any, territory: Any) -> bool:
    return role_of(user, territory) == PARTNER


def is_member(user: Any, territory: Any) -> bool:
    """Any role on the territory (coordinator, partner, observer or adviser)."""
    return role_of(user, territory) is not None


def can_view_drafts(user: Any, territory: Any) -> bool:
    """Coordinators, observers and CAF advisers read everything of the territory, drafts
    included."""
    return role_of(user, territory) in (COORDINATOR, *READERS)


def organisation_id_of(user: Any, territory: Any) -> int | None:
    membership = membership_of(user, territory)
    return membership.organisation_id if membership and membership.role == PARTNER else None


def _structure_of(obj: Any) -> Any:
    label = obj._meta.label_lower if hasattr(obj, "_meta") else ""
    if label == "directory.structure":
        return obj
    if label == "directory.service":
        return obj.structure
    return None


def can_edit_structure(user: Any, structure: Any) -> bool:
    """Coordinator of the territory, or partner of the structure's organisation."""
    territory = structure.territory
    role = role_of(user, territory)
    if role == COORDINATOR:
        return True
    if role != PARTNER:
        return False
    org_id = organisation_id_of(user, territory)
    return org_id is not None and structure.organisation_id == org_id


def can_edit(user: Any, obj: Any) -> bool:
    """Whether ``user`` may change ``obj`` (a structure, a service, a journal entry…).

    A partner's edit of published data is allowed but must go through validation
    (see :func:`needs_validation`).
    """
    if not _active(user):
        return False
    structure = _structure_of(obj)
    if structure is not None:
        return can_edit_structure(user, structure)
    territory = territory_of(obj)
    role = role_of(user, territory)
    if role == COORDINATOR:
        return True
    label = obj._meta.label_lower if hasattr(obj, "_meta") else ""
    if role == PARTNER and label == "plan.activity":
        # A new entry, or an entry the partner wrote.
        return obj.pk is None or obj.author_id == user.pk
    return False


def needs_validation(user: Any, obj: Any) -> bool:
    """Whether ``user``'s edit of ``obj`` must wait for the coordinator's validation.

    True for a partner editing what the public sees: a published structure, or a published
    service of a published structure. A partner's drafts (a draft service, even of a published
    structure) change at once; so do the coordinator's own edits.
    """
    structure = _structure_of(obj)
    if structure is None or not can_edit(user, obj):
        return False
    if is_coordinator(user, structure.territory):
        return False
    return bool(structure.published and getattr(obj, "published", True))


def can_publish(user: Any, obj: Any) -> bool:
    """Publishing (or withdrawing) a structure or a service is the coordinator's decision."""
    return is_coordinator(user, territory_of(obj))


def creates_drafts(user: Any, territory: Any) -> bool:
    """Whether what ``user`` creates in the directory of ``territory`` starts unpublished.

    A partner may create structures for their own organisation (:func:`can_edit`) and services
    of them; both stay drafts until the coordinator publishes them (:func:`can_publish`).
    """
    return role_of(user, territory) == PARTNER


def can_manage_users(user: Any, territory: Any) -> bool:
    return is_coordinator(user, territory)


def can_view_history(user: Any, obj: Any, territory: Any) -> bool:
    """Coordinators and observers; a partner for the objects they may edit."""
    if can_view_drafts(user, territory):
        return True
    return obj is not None and can_edit(user, obj)


def coordinator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """View decorator: login page for anonymous users, 403 for users without the role.

    The territory is the view's ``slug`` keyword argument.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_coordinator(request.user, kwargs.get("slug")):
            raise PermissionDenied("Action réservée au chargé de coopération du territoire.")
        return view(request, *args, **kwargs)

    return wrapper


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """View decorator: any role on the territory (``slug`` keyword argument)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_member(request.user, kwargs.get("slug")):
            raise PermissionDenied("Espace réservé aux partenaires du territoire.")
        return view(request, *args, **kwargs)

    return wrapper


def is_site_admin(user: Any) -> bool:
    """An active staff account or a superuser (who may create territories)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_staff or user.is_superuser)
    )


def site_admin_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Anonymous → login page; an account that is not a site administrator → 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_site_admin(request.user):
            raise PermissionDenied(
                _(
                    "Page réservée aux administrateurs du site (compte « équipe » ou "
                    "superutilisateur)."
                )
            )
        return view(request, *args, **kwargs)

    return wrapper
