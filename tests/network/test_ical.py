"""The meetings feed read back by the ``icalendar`` library: what a calendar application gets
(escaped texts, UTC times, folded lines that never cut a character, a UID that does not change
when the meeting is rescheduled, a SEQUENCE that does)."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.network.services import group_create, meeting_save


def _when(day: int = 12, hour: int = 14) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2025, 3, day, hour, 0))


@pytest.fixture
def group(roles, armentieres):
    return group_create(
        territory=armentieres,
        name="Groupe parentalité (test)",
        kind="groupe de travail",
        theme="parentalite",
        axes=[armentieres.convention.axes.order_by("number").first()],
        user=roles.coordinator,
    )


def _feed(client: Client) -> tuple[bytes, icalendar.Calendar]:
    body = client.get(reverse("web:meetings-ics", args=["armentieres"])).content
    return body, icalendar.Calendar.from_ical(body)


def test_feed_parses_back_with_the_library(roles, group):
    title = "Réunion; ordre, du jour\\ long " + "€" * 60
    meeting = meeting_save(
        group=group,
        user=roles.coordinator,
        title=title,
        starts_at=_when(),
        ends_at=_when(hour=16),
        location="Salle, mairie",
        agenda="Point 1\nPoint 2",
    )
    body, cal = _feed(Client())
    for line in body.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # a folded line never cuts a UTF-8 character
    (event,) = cal.walk("VEVENT")
    assert str(event["summary"]) == f"{group.name} — {title}"
    assert str(event["location"]) == "Salle, mairie"
    assert event.decoded("dtstart") == dt.datetime(2025, 3, 12, 13, 0, tzinfo=dt.UTC)
    assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(hours=2)
    assert "description" not in event  # the agenda is for members only
    assert str(cal["prodid"]) == "-//Maillage//Reunions CTG//FR"
    member = Client()
    member.force_login(roles.observer)
    (event,) = _feed(member)[1].walk("VEVENT")
    assert str(event["description"]) == "Point 1\nPoint 2"
    assert str(event["uid"]).startswith(str(meeting.uid))


def test_uid_is_stable_and_sequence_grows_when_rescheduled(roles, group):
    meeting = meeting_save(
        group=group,
        user=roles.coordinator,
        title="Séance",
        starts_at=_when(),
        ends_at=_when(hour=16),
    )
    (before,) = _feed(Client())[1].walk("VEVENT")
    meeting_save(
        group=group,
        user=roles.coordinator,
        meeting=meeting,
        title="Séance reportée",
        starts_at=_when(day=13),
        ends_at=_when(day=13, hour=16),
    )
    (after,) = _feed(Client())[1].walk("VEVENT")
    assert str(after["uid"]) == str(before["uid"])
    assert int(after["sequence"]) > int(before["sequence"])
    assert after.decoded("dtstart").date() == dt.date(2025, 3, 13)
