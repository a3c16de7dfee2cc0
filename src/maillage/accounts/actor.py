"""Who acts on a service or a selector, for the type checker and for the records.

``request.user`` is a :class:`~django.contrib.auth.models.User` or an
:class:`~django.contrib.auth.models.AnonymousUser`; the command line, imports and demo data act
as nobody (``None``). Services check the rights of whoever it is
(:mod:`maillage.accounts.permissions`), so they take any of the three; what they store as
author is :func:`author`.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

#: The user of a request, signed in or not.
RequestUser = User | AnonymousUser
#: The user behind a write or a read: a request's user or ``None`` (command line, system).
Actor = RequestUser | None


def author(user: Actor) -> User | None:
    """The account to store as the author of a change: ``None`` for nobody or an anonymous
    visitor (whose writes the services refuse before anything is stored)."""
    return user if user is not None and user.is_authenticated else None
