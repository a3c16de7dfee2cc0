"""iCalendar feed of meetings (RFC 5545), written by hand: CRLF lines folded at 75 octets,
TEXT values escaped, times in UTC."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from .models import Meeting

PRODID = "-//Maillage//Reunions CTG//FR"


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma, newlines."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (§3.1)."""
    out, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        limit = 75 if not out else 74  # continuation lines start with a space
        if len(current) + len(encoded) > limit:
            out.append(current.decode("utf-8"))
            current = b""
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(
    *, meetings: Iterable[Meeting], name: str, host: str, with_agenda: bool = False
) -> bytes:
    """The VCALENDAR of ``meetings``; the agenda goes in DESCRIPTION when ``with_agenda``."""
    now = _utc(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for m in meetings:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{m.uid}@{host}",
            f"DTSTAMP:{now}",
            f"DTSTART:{_utc(m.starts_at)}",
            f"DTEND:{_utc(m.ends_at)}",
            f"SEQUENCE:{m.sequence}",
            f"LAST-MODIFIED:{_utc(m.updated_at)}",
            f"SUMMARY:{escape_text(f'{m.group.name} — {m.title}')}",
            f"CATEGORIES:{escape_text(m.group.get_kind_display())}",
        ]
        if m.location:
            lines.append(f"LOCATION:{escape_text(m.location)}")
        if with_agenda and m.agenda:
            lines.append(f"DESCRIPTION:{escape_text(m.agenda)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
