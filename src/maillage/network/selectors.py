"""Reads of the partners' space: groups, meetings, toolbox, structures due for a check."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, QuerySet
from django.utils import timezone

from maillage.accounts.actor import Actor
from maillage.accounts.models import ChangeRecord, Membership, Role
from maillage.accounts.permissions import can_view_drafts, is_member
from maillage.directory.models import Structure
from maillage.territory.models import Territory

from .models import Meeting, StructureCheck, ToolboxItem, WorkingGroup

DEFAULT_REMINDER_MONTHS = 12


def reminder_months() -> int:
    """Months without a check before a partner is reminded (``settings.REMINDER_MONTHS``)."""
    return int(getattr(settings, "REMINDER_MONTHS", DEFAULT_REMINDER_MONTHS))


def months_ago(months: int, *, today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    month += 1
    day = min(today.day, 28)
    return dt.date(year, month, day)


@dataclass(frozen=True)
class DueStructure:
    structure: Structure
    last_checked: dt.date | None


def last_checks(*, structures: list[Structure]) -> dict[int, dt.date | None]:
    """Last confirmation of each structure: a check, a recorded change, or its data date."""
    ids = [s.pk for s in structures]
    checks = dict(
        StructureCheck.objects.filter(structure_id__in=ids)
        .values("structure_id")
        .annotate(last=Max("checked_at"))
        .values_list("structure_id", "last")
    )
    ct = ContentType.objects.get_for_model(Structure)
    changes = dict(
        ChangeRecord.objects.filter(content_type=ct, object_id__in=[str(i) for i in ids])
        .values("object_id")
        .annotate(last=Max("created_at"))
        .values_list("object_id", "last")
    )
    out: dict[int, dt.date | None] = {}
    for s in structures:
        dates = [s.data_updated_on]
        for stamp in (checks.get(s.pk), changes.get(str(s.pk))):
            if stamp is not None:
                dates.append(timezone.localtime(stamp).date())
        known = [d for d in dates if d is not None]
        out[s.pk] = max(known) if known else None
    return out


def structures_to_check(
    *, territory: Territory, months: int, organisation_id: int | None = None
) -> list[DueStructure]:
    """Structures of the territory not checked for ``months`` months (never checked first)."""
    qs = Structure.objects.filter(territory=territory, organisation__isnull=False)
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    structures = list(qs.select_related("organisation"))
    limit = months_ago(months)
    last = last_checks(structures=structures)
    due = [
        DueStructure(s, checked)
        for s in structures
        if (checked := last[s.pk]) is None or checked < limit
    ]
    return sorted(due, key=lambda d: (d.last_checked or dt.date.min, d.structure.name))


def structures_due(*, territory: Territory, months: int) -> list[tuple[Any, list[Structure]]]:
    """Partners to remind: each partner user with the due structures of their organisation."""
    due_by_org: dict[int, list[Structure]] = defaultdict(list)
    for item in structures_to_check(territory=territory, months=months):
        if item.structure.organisation_id is not None:  # all: they have an organisation
            due_by_org[item.structure.organisation_id].append(item.structure)
    memberships = Membership.objects.filter(
        territory=territory, role=Role.PARTNER, user__is_active=True, organisation__isnull=False
    ).select_related("user")
    return [
        (m.user, due_by_org[m.organisation_id])
        for m in memberships.order_by("user__email")
        if m.organisation_id is not None and due_by_org.get(m.organisation_id)
    ]


def groups(*, territory: Territory) -> QuerySet[WorkingGroup]:
    return WorkingGroup.objects.filter(territory=territory).prefetch_related("axes", "members")


def meetings(*, territory: Territory) -> QuerySet[Meeting]:
    return Meeting.objects.filter(group__territory=territory).select_related("group")


def toolbox_items(
    *, territory: Territory, user: Actor, audience: str = "", theme: str = ""
) -> QuerySet[ToolboxItem]:
    """Published items for everyone; members of the territory also see the others."""
    qs = ToolboxItem.objects.filter(territory=territory)
    if not (is_member(user, territory) or can_view_drafts(user, territory)):
        qs = qs.filter(published=True)
    if audience:
        qs = qs.filter(audience=audience)
    if theme:
        qs = qs.filter(theme=theme)
    return qs.order_by("theme", "title")


def toolbox_item_get(*, territory: Territory, user: Actor, pk: int) -> ToolboxItem | None:
    return toolbox_items(territory=territory, user=user).filter(pk=pk).first()
