"""iCalendar feed of meetings (RFC 5545) written by the ``icalendar`` library: lines folded at 75
octets, TEXT values escaped, times in UTC (``Z``: no VTIMEZONE needed), one stable UID per meeting
(its UUID at the site's host) and SEQUENCE bumped when it is rescheduled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import icalendar
from django.utils import timezone

from .models import Meeting

PRODID = "-//Maillage//Reunions CTG//FR"


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def calendar(
    *, meetings: Iterable[Meeting], name: str, host: str, with_agenda: bool = False
) -> bytes:
    """The VCALENDAR of ``meetings``; the agenda goes in DESCRIPTION when ``with_agenda``."""
    now = _utc(timezone.now())
    cal = icalendar.Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", PRODID)
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for m in meetings:
        event = icalendar.Event()
        event.add("uid", f"{m.uid}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", _utc(m.starts_at))
        event.add("dtend", _utc(m.ends_at))
        event.add("sequence", m.sequence)
        event.add("last-modified", _utc(m.updated_at))
        event.add("summary", f"{m.group.name} — {m.title}")
        event.add("categories", [m.group.get_kind_display()])
        if m.location:
            event.add("location", m.location)
        if with_agenda and m.agenda:
            event.add("description", m.agenda)
        cal.add_component(event)
    return cal.to_ical()
