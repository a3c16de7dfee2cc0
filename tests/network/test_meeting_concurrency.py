"""Lost updates on a working group's meeting (issue 12, item 6): the meeting's edit form and its
minutes form carry the meeting's version; a save from a stale form is refused in French, with
the other person's change, and nothing is overwritten; a fresh save works."""

from __future__ import annotations

import datetime as dt
import html
import re

from accounts.roles import make_user
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.network.models import Meeting
from maillage.network.services import group_create, meeting_save


def _when(hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2025, 3, 12, hour, 0))


def _version(client: Client, url: str, name: str) -> str:
    page = client.get(url).content.decode()
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    return found.group(1) if found else ""


def test_stale_meeting_and_minutes_forms_are_refused(armentieres):
    first = make_user(armentieres, "coordinator", email="premiere@example.org")
    second = make_user(armentieres, "coordinator", email="seconde@example.org")
    group = group_create(
        territory=armentieres,
        name="Groupe parentalité (test)",
        kind="groupe de travail",
        theme="parentalite",
        axes=[armentieres.convention.axes.order_by("number").first()],
        user=first,
    )
    meeting = meeting_save(
        group=group, user=first, title="Séance", starts_at=_when(14), ends_at=_when(16)
    )
    a, b = Client(), Client()
    a.force_login(first)
    b.force_login(second)
    page = reverse("web:meeting", args=["armentieres", meeting.pk])
    edit = reverse("web:meeting-edit", args=["armentieres", meeting.pk])
    seen_a, seen_b = _version(a, page, "edit-version"), _version(b, page, "edit-version")
    assert seen_a and seen_a == seen_b
    times = {"edit-starts_at": "2025-03-12T14:00", "edit-ends_at": "2025-03-12T16:00"}
    moved = a.post(
        edit,
        {
            **times,
            "edit-title": "Séance",
            "edit-location": "Salle Jacquard",
            "edit-version": seen_a,
        },
    )
    assert moved.status_code == 302  # fresh save
    stale = b.post(edit, {**times, "edit-title": "Séance renommée", "edit-version": seen_b})
    assert stale.status_code == 400
    text = html.unescape(stale.content.decode())
    assert "a été modifiée par premiere@example.org le" in text and "Salle Jacquard" in text
    assert "Séance renommée" in text  # input kept
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.title, stored.location) == ("Séance", "Salle Jacquard")

    minutes_b = _version(b, page, "version")
    a.post(
        page,
        {"minutes": "Compte rendu de la première (test).", "version": _version(a, page, "version")},
    )
    stale = b.post(page, {"minutes": "Compte rendu périmé (test).", "version": minutes_b})
    assert stale.status_code == 400
    text = html.unescape(stale.content.decode())
    assert "premiere@example.org" in text and "Compte rendu de la première (test)." in text
    assert Meeting.objects.get(pk=meeting.pk).minutes == "Compte rendu de la première (test)."
