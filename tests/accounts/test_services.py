"""Services of the accounts app: history recording and restore, proposals, invitations, tokens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maillage.accounts.history import record_change, restore_change, snapshot
from maillage.accounts.models import ApiToken, ChangeRecord, Invitation, PendingChange
from maillage.accounts.services import (
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    edit_or_propose,
    invitation_accept,
    propose_change,
    reject_change,
    user_invite,
    validate_change,
)
from maillage.directory.models import Structure

from .roles import PASSWORD


def test_record_change_keeps_who_what_before_after(roles):
    structure = roles.orgs.structure_a
    before = snapshot(structure)
    structure.phone = "03 20 44 55 66"
    structure.save()
    record = record_change(
        obj=structure,
        user=roles.coordinator,
        before=before,
        after=snapshot(structure),
        action="update",
    )
    assert record.territory == structure.territory
    assert record.user == roles.coordinator
    assert record.after["phone"] == "03 20 44 55 66"
    assert record.before["phone"] == before["phone"]
    # An update that changes nothing is not kept.
    same = snapshot(structure)
    assert record_change(obj=structure, user=None, before=same, after=same, action="update") is None
    with pytest.raises(ValueError):
        record_change(obj=structure, user=None, before=same, after=same, action="bidouille")


def test_snapshot_is_json_with_ids_and_m2m(roles):
    data = snapshot(roles.orgs.structure_a)
    assert data["organisation"] == roles.orgs.a.pk
    assert isinstance(data["zones"], list)
    assert "search_text" not in data and "updated_at" not in data


def test_restore_is_for_the_coordinator_and_is_itself_recorded(roles):
    structure = roles.orgs.structure_a
    old_name = structure.name
    edit_or_propose(obj=structure, user=roles.coordinator, fields={"name": "Nom provisoire"})
    record = ChangeRecord.objects.get(object_id=str(structure.pk), action="update")
    with pytest.raises(PermissionDenied):
        restore_change(record=record, user=roles.partner_a)
    with pytest.raises(PermissionDenied):
        restore_change(record=record, user=roles.observer)
    restore_change(record=record, user=roles.coordinator)
    assert Structure.objects.get(pk=structure.pk).name == old_name
    restored = ChangeRecord.objects.get(object_id=str(structure.pk), action="restore")
    assert restored.before["name"] == "Nom provisoire" and restored.after["name"] == old_name


def test_restore_a_plan_object_through_the_generic_path(roles, armentieres):
    from maillage.plan.services import activity_record

    activity = activity_record(
        territory=armentieres,
        date=dt.date(2025, 2, 3),
        kind="groupe de travail",
        title="Réunion test",
        axes=[1],
        author=roles.coordinator,
    )
    before = snapshot(activity)
    activity.title = "Titre modifié"
    activity.save()
    record = record_change(
        obj=activity,
        user=roles.coordinator,
        before=before,
        after=snapshot(activity),
        action="update",
    )
    restore_change(record=record, user=roles.coordinator)
    activity.refresh_from_db()
    assert activity.title == "Réunion test"


def test_partner_proposal_is_validated_with_same_rules_as_a_direct_edit(roles):
    with pytest.raises(ValidationError) as exc:
        propose_change(
            obj=roles.orgs.structure_a, user=roles.partner_a, fields={"opening_hours": "n'importe"}
        )
    assert "opening_hours" in exc.value.message_dict
    assert not PendingChange.objects.exists()
    # The dry run wrote nothing.
    assert Structure.objects.get(pk=roles.orgs.structure_a.pk).opening_hours != "n'importe"
    with pytest.raises(PermissionDenied):
        propose_change(obj=roles.orgs.structure_b, user=roles.partner_a, fields={"phone": "1"})


def test_validate_refuses_a_stale_proposal_and_reject_keeps_data(roles):
    structure = roles.orgs.structure_a
    change = propose_change(obj=structure, user=roles.partner_a, fields={"phone": "03 20 00 00 01"})
    edit_or_propose(obj=structure, user=roles.coordinator, fields={"phone": "03 20 00 00 02"})
    with pytest.raises(ValidationError):
        validate_change(change=change, user=roles.coordinator)
    with pytest.raises(PermissionDenied):
        reject_change(change=change, user=roles.partner_a)
    reject_change(change=change, user=roles.coordinator, comment="Doublon")
    assert PendingChange.objects.get(pk=change.pk).status == "rejected"
    assert Structure.objects.get(pk=structure.pk).phone == "03 20 00 00 02"
    with pytest.raises(ValidationError):
        validate_change(change=change, user=roles.coordinator)


def test_invitation_once_and_not_after_expiry(armentieres, roles):
    user, token = user_invite(
        email="Nouvelle@Example.org", territory=armentieres, role="observer", by=roles.coordinator
    )
    assert user.email == "nouvelle@example.org" and not user.has_usable_password()
    stored = Invitation.objects.get(user=user)
    assert token not in stored.token_hash
    with pytest.raises(ValidationError):
        invitation_accept(token=token, password="motdepasse")  # too common
    invitation_accept(token=token, password=PASSWORD)
    with pytest.raises(ValidationError):
        invitation_accept(token=token, password=PASSWORD)
    _, token2 = user_invite(email="autre@example.org", territory=armentieres, role="observer")
    Invitation.objects.filter(user__email="autre@example.org").update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(ValidationError):
        invitation_accept(token=token2, password=PASSWORD)


def test_only_a_coordinator_invites_and_partner_needs_an_organisation(armentieres, roles):
    with pytest.raises(PermissionDenied):
        user_invite(
            email="x@example.org", territory=armentieres, role="coordinator", by=roles.partner_a
        )
    with pytest.raises(ValidationError) as exc:
        user_invite(email="y@example.org", territory=armentieres, role="partner")
    assert "organisation" in exc.value.message_dict


def test_api_tokens_are_hashed_and_revocable(roles):
    token, secret = api_token_create(user=roles.partner_a, name="import nocturne")
    assert secret not in ApiToken.objects.values_list("token_hash", flat=True)
    assert api_token_authenticate(secret=secret) == roles.partner_a
    assert api_token_authenticate(secret=secret + "x") is None
    with pytest.raises(PermissionDenied):
        api_token_revoke(token=token, by=roles.partner_b)
    api_token_revoke(token=token, by=roles.partner_a)
    assert api_token_authenticate(secret=secret) is None


def test_recording_never_duplicates_a_change_the_service_already_kept(roles):
    from maillage.accounts.history import recording

    structure = roles.orgs.structure_a
    with recording(obj=structure, user=roles.partner_a, action="validate", note="n"):
        before = snapshot(structure)
        structure.phone = "03 20 12 12 12"
        structure.save()
        # A service wired to record its own changes.
        record_change(
            obj=structure,
            user=roles.coordinator,
            before=before,
            after=snapshot(structure),
            action="update",
        )
    # The structure's own records: other objects (a membership « create ») may share its pk.
    own = ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(Structure), object_id=str(structure.pk)
    )
    assert [(r.action, r.user, r.note) for r in own] == [("validate", roles.partner_a, "n")]
    with recording(obj=structure, user=roles.coordinator, action="update"):
        structure.phone = "03 20 13 13 13"
        structure.save()
    assert own.all().count() == 2  # .all(): a fresh query, not the list read above


def test_withdrawn_role_deactivates_an_account_left_without_role(roles):
    from maillage.accounts.models import Membership
    from maillage.accounts.services import membership_remove

    membership = Membership.objects.get(user=roles.observer)
    with pytest.raises(PermissionDenied):
        membership_remove(membership=membership, by=roles.partner_a)
    own = Membership.objects.get(user=roles.coordinator)
    with pytest.raises(ValidationError):
        membership_remove(membership=own, by=roles.coordinator)
    membership_remove(membership=membership, by=roles.coordinator)
    roles.observer.refresh_from_db()
    assert not roles.observer.is_active


def test_coordinators_are_told_of_a_new_proposal(roles, django_capture_on_commit_callbacks):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        propose_change(obj=roles.orgs.structure_a, user=roles.partner_a, fields={"phone": "0320"})
    assert [m.to for m in mail.outbox] == [[roles.coordinator.email]]
    assert roles.orgs.structure_a.name in mail.outbox[0].subject
