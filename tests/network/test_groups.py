"""Working groups, members (professional e-mail only), meetings feeding the CTG journal, and the
iCalendar feed (RFC 5545)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.network.services import group_create, meeting_record_minutes, meeting_save, member_add
from maillage.plan.models import Activity


def _when(day: int = 12, hour: int = 14) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2025, 3, day, hour, 0))


@pytest.fixture
def group(roles, armentieres):
    axis = armentieres.convention.axes.order_by("number").first()
    return group_create(
        territory=armentieres,
        name="Groupe parentalité (test)",
        kind="groupe de travail",
        theme="parentalite",
        axes=[axis],
        user=roles.coordinator,
    )


def test_only_the_coordinator_creates_groups(roles, armentieres):
    with pytest.raises(PermissionDenied):
        group_create(
            territory=armentieres, name="G", kind="groupe de travail", user=roles.partner_a
        )


@pytest.mark.parametrize("email", ["prenom.nom@gmail.com", "quelquun@orange.fr"])
def test_member_e_mail_must_be_professional(roles, group, email):
    with pytest.raises(ValidationError) as exc:
        member_add(
            group=group,
            name="Membre",
            organisation=roles.orgs.a,
            email=email,
            user=roles.coordinator,
        )
    assert "professionnelle" in exc.value.message_dict["email"][0]
    assert not group.members.exists()


def test_minutes_feed_the_journal_as_a_working_group_activity(roles, group):
    member_add(group=group, name="Référente", organisation=roles.orgs.a, user=roles.coordinator)
    meeting = meeting_save(
        group=group,
        user=roles.coordinator,
        title="Séance de lancement",
        starts_at=_when(),
        ends_at=_when(hour=16),
        agenda="Tour de table",
    )
    meeting = meeting_record_minutes(
        meeting=meeting, user=roles.coordinator, minutes="Relevé de décisions.", participants=9
    )
    activity = Activity.objects.get(pk=meeting.activity_id)
    assert activity.kind.name == "groupe de travail"
    assert activity.date == dt.date(2025, 3, 12)
    assert list(activity.axes.values_list("pk", flat=True)) == list(
        group.axes.values_list("pk", flat=True)
    )
    assert activity.participants == 9
    assert roles.orgs.a.name in list(activity.partners.values_list("name", flat=True))
    # Recording again replaces the journal entry instead of duplicating it.
    meeting_record_minutes(meeting=meeting, user=roles.coordinator, minutes="Version corrigée.")
    assert Activity.objects.filter(title__startswith=group.name).count() == 1


def test_meeting_must_end_after_it_starts(roles, group):
    with pytest.raises(ValidationError) as exc:
        meeting_save(
            group=group, user=roles.coordinator, title="X", starts_at=_when(), ends_at=_when()
        )
    assert "ends_at" in exc.value.message_dict


def test_ics_feed_is_valid_rfc5545(roles, group):
    meeting_save(
        group=group,
        user=roles.coordinator,
        title="Réunion; ordre, du jour\\ long " + "é" * 80,
        starts_at=_when(),
        ends_at=_when(hour=16),
        location="Salle, mairie",
        agenda="Point 1\nPoint 2",
    )
    response = Client().get(reverse("web:meetings-ics", args=["armentieres"]))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
    lines = body.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert b"\n" not in body.replace(b"\r\n", b"")
    unfolded = body.decode("utf-8").replace("\r\n ", "")
    assert "DTSTART:20250312T130000Z" in unfolded  # 14:00 Paris = 13:00 UTC
    assert "LOCATION:Salle\\, mairie" in unfolded
    assert "Réunion\\; ordre\\, du jour\\\\ long" in unfolded
    assert "DESCRIPTION" not in unfolded  # the agenda is for members only
    member = Client()
    member.force_login(roles.observer)
    member_body = member.get(reverse("web:meetings-ics", args=["armentieres"])).content.decode()
    assert "DESCRIPTION:Point 1\\nPoint 2" in member_body.replace("\r\n ", "")


def test_group_pages_for_members_only(roles, group):
    url = reverse("web:group", args=["armentieres", group.pk])
    assert Client().get(url).status_code == 302
    partner = Client()
    partner.force_login(roles.partner_a)
    assert partner.get(url).status_code == 200
    assert (
        partner.post(reverse("web:groups", args=["armentieres"]), {"name": "x"}).status_code == 403
    )


def test_coordinator_removes_a_member_for_good(roles, group):
    member = member_add(
        group=group, name="Ancienne référente", organisation=roles.orgs.a, user=roles.coordinator
    )
    url = reverse("web:group-member-remove", args=["armentieres", member.pk])
    partner = Client()
    partner.force_login(roles.partner_a)
    assert partner.post(url).status_code == 403
    coordinator = Client()
    coordinator.force_login(roles.coordinator)
    assert coordinator.post(url).status_code == 302
    assert not group.members.filter(name="Ancienne référente").exists()


def test_rescheduling_a_meeting_bumps_its_ical_sequence(roles, group):
    meeting = meeting_save(
        group=group,
        user=roles.coordinator,
        title="Séance",
        starts_at=_when(),
        ends_at=_when(hour=16),
    )
    client = Client()
    client.force_login(roles.coordinator)
    url = reverse("web:meeting-edit", args=["armentieres", meeting.pk])
    bad = client.post(
        url,
        {
            "edit-title": "Séance",
            "edit-starts_at": "2025-03-13T10:00",
            "edit-ends_at": "2025-03-13T09:00",
        },
    )
    assert bad.status_code == 400 and "La fin doit suivre le début" in bad.content.decode()
    ok = client.post(
        url,
        {
            "edit-title": "Séance reportée",
            "edit-starts_at": "2025-03-13T10:00",
            "edit-ends_at": "2025-03-13T12:00",
        },
    )
    assert ok.status_code == 302
    meeting.refresh_from_db()
    assert meeting.sequence == 1 and meeting.title == "Séance reportée"
    ics = Client().get(reverse("web:meetings-ics", args=["armentieres"])).content.decode()
    assert "SEQUENCE:1" in ics and "DTSTART:20250313T090000Z" in ics


def test_network_changes_are_in_the_history_and_a_removed_member_can_be_restored(roles, group):
    from maillage.accounts.history import restore_change
    from maillage.accounts.models import ChangeRecord
    from maillage.network.services import member_remove

    member = member_add(
        group=group, name="Coordinatrice RPE", organisation=roles.orgs.a, user=roles.coordinator
    )
    member_remove(member=member, user=roles.coordinator)
    record = ChangeRecord.objects.get(action="delete", object_repr__startswith="Coordinatrice")
    assert record.before["name"] == "Coordinatrice RPE" and record.user == roles.coordinator
    restore_change(record=record, user=roles.coordinator)
    assert group.members.filter(name="Coordinatrice RPE").exists()


def test_a_huge_participant_count_is_refused_by_the_minutes_form():
    """10²⁰ participants overflowed the database integer in ``activity.save()`` (a 500)."""
    from maillage.web.forms.network import MinutesForm

    form = MinutesForm(data={"minutes": "Relevé.", "participants": str(10**20), "version": ""})
    assert not form.is_valid()
    assert "participants" in form.errors
    assert MinutesForm(data={"minutes": "Relevé.", "participants": "12", "version": ""}).is_valid()
