"""iCalendar feed of the échéances (RFC 5545), written by the ``icalendar`` library as the
meetings' feed (:mod:`maillage.network.ical`): one all-day VEVENT per échéance on its due date.

The UID is the échéance's id at the site's host (stable while the échéance exists). An échéance
has no modification column: its changes are in the history (:mod:`maillage.accounts.history`),
so SEQUENCE is the number of recorded changes after its creation and LAST-MODIFIED the date of
the last one (left out when the history holds nothing, e.g. an échéance loaded from a file).
STATUS is CANCELLED for an abandoned échéance, CONFIRMED otherwise; the échéancier's own status
(« prévu », « réalisé »…) is in the description and CATEGORIES.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import icalendar
from django.db.models import Count, Max, Q
from django.utils import timezone

from .models import Milestone
from .schedule_table import ScheduleRow

PRODID = "-//Maillage//Echeances CTG//FR"


@dataclass(frozen=True)
class Revision:
    """How many times an échéance was changed after its creation, and when last."""

    sequence: int
    last_modified: dt.datetime | None


def revisions(pks: Sequence[int]) -> dict[int, Revision]:
    """The history of the échéances ``pks`` in one query (id → :class:`Revision`)."""
    from django.contrib.contenttypes.models import ContentType

    from maillage.accounts.models import ChangeRecord

    if not pks:
        return {}
    rows = (
        ChangeRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(Milestone),
            object_id__in=[str(pk) for pk in pks],
        )
        .values("object_id")
        .annotate(
            changes=Count("pk", filter=~Q(action=ChangeRecord.Action.CREATE)),
            last=Max("created_at"),
        )
    )
    return {int(r["object_id"]): Revision(r["changes"], r["last"]) for r in rows}


def uid(pk: int, host: str) -> str:
    """The échéance's iCalendar UID (the same at every request)."""
    return f"echeance-{pk}@{host}"


def _description(row: ScheduleRow) -> str:
    lines = [f"Statut : {row.status_label}"]
    if row.axis_label:
        lines.append(f"Axe {row.axis_label}")
    if row.objective_label:
        lines.append(f"Objectif {row.objective_label}")
    if row.owner:
        lines.append(f"Porteur : {row.owner}")
    if row.note:
        lines.append(row.note)
    return "\n".join(lines)


def calendar(*, rows: Sequence[ScheduleRow], name: str, host: str, url: str = "") -> bytes:
    """The VCALENDAR of the échéances ``rows`` (``url``: the échéancier page, in each event)."""
    now = timezone.now().astimezone(dt.UTC)
    history = revisions([r.pk for r in rows])
    cal = icalendar.Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", PRODID)
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for row in rows:
        revision = history.get(row.pk, Revision(0, None))
        event = icalendar.Event()
        event.add("uid", uid(row.pk, host))
        event.add("dtstamp", now)
        event.add("dtstart", row.due_date)
        event.add("dtend", row.due_date + dt.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        event.add("sequence", revision.sequence)
        if revision.last_modified is not None:
            event.add("last-modified", revision.last_modified.astimezone(dt.UTC))
        event.add("summary", f"Échéance CTG — {row.title}")
        cancelled = row.status == Milestone.Status.CANCELLED
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        event.add("categories", [row.status_label])
        event.add("description", _description(row))
        if url:
            event.add("url", url)
        cal.add_component(event)
    return cal.to_ical()
