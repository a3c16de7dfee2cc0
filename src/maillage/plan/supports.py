"""Communication supports recorded in the journal: the A4 poster of a fiche, the embeddable
widget of the directory (with its filters) and the printable guide (by quartier / theme).

Each support becomes ONE journal activity of kind « support de communication » on axis 4
(indicator 4.2 of the Armentières plan, « Nombre de supports de communication sous différents
formats », counts them), through :func:`maillage.plan.services.activity_record`. The same
support (same address) is recorded once a day.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.accounts import permissions
from maillage.plan.models import Activity, ActivityKind, Axis
from maillage.plan.services import activity_kind_get_or_create, activity_record
from maillage.territory.models import Territory

KIND_SLUG, KIND_NAME = "support-de-communication", "support de communication"
AXIS = 4
URL_PREFIX = "Adresse du support : "


@dataclass(frozen=True)
class Support:
    """A generated support: its journal title, its address and a one-line description."""

    title: str
    url: str
    what: str


def journal_axis(*, territory: Territory) -> Axis | None:
    """Axis 4 of the territory's plan (``None``: no plan, or no axis 4 — no form shown)."""
    return Axis.objects.filter(convention__territory=territory, number=AXIS).first()


def can_record(user: Any, territory: Territory) -> bool:
    """Whether ``user`` may write the journal of ``territory`` (the journal's own rule)."""
    return permissions.can_edit(user, Activity(territory=territory))


def _journal_kind() -> ActivityKind:
    return activity_kind_get_or_create(slug=KIND_SLUG, name=KIND_NAME)


def recorded_today(*, territory: Territory) -> list[Activity]:
    """The supports recorded in the journal today (newest first)."""
    return list(
        Activity.objects.filter(
            territory=territory,
            date=timezone.localdate(),
            kind__slug=KIND_SLUG,
            description__startswith=URL_PREFIX,
        ).order_by("-pk")
    )


def _description(support: Support) -> str:
    return f"{URL_PREFIX}{support.url}\n{support.what}"


@transaction.atomic
def support_to_journal(*, territory: Territory, user: Any, support: Support) -> Activity:
    """Record ``support`` in the journal (kind « support de communication », axis 4, today)."""
    if not can_record(user, territory):
        raise PermissionDenied(
            "Inscription au journal réservée au chargé de coopération et aux partenaires."
        )
    axis = journal_axis(territory=territory)
    if axis is None:
        raise ValidationError("Ce territoire n'a pas de plan avec un axe 4 : rien à inscrire.")
    Territory.objects.select_for_update().filter(pk=territory.pk).first()  # one at a time
    today = timezone.localdate()
    first_line = f"{URL_PREFIX}{support.url}\n"
    if Activity.objects.filter(
        territory=territory,
        date=today,
        kind__slug=KIND_SLUG,
        description__startswith=first_line,
    ).exists():
        raise ValidationError(
            f"« {support.title} » est déjà inscrit au journal aujourd'hui : "
            "un même support n'y est compté qu'une fois par jour."
        )
    return activity_record(
        territory=territory,
        date=today,
        kind=_journal_kind(),
        title=support.title[:300],
        axes=[axis],
        description=_description(support),
        author=user,
    )
