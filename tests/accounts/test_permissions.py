"""Roles per territory and organisation: who may edit what, and what waits for validation."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from factories import TerritoryFactory, UserFactory

from maillage.accounts import permissions as p
from maillage.plan.models import Activity


def test_roles_by_territory(roles, armentieres):
    assert p.role_of(roles.coordinator, armentieres) == "coordinator"
    assert p.role_of(roles.partner_a, armentieres) == "partner"
    assert p.role_of(roles.observer, armentieres) == "observer"
    assert p.role_of(roles.outsider, armentieres) is None
    assert p.role_of(AnonymousUser(), armentieres) is None
    # The slug (as passed by coordinator_required) works like the object.
    assert p.is_coordinator(roles.coordinator, "armentieres")
    assert not p.is_coordinator(roles.partner_a, "armentieres")


def test_partner_edits_only_own_organisation(roles):
    s_a, s_b = roles.orgs.structure_a, roles.orgs.structure_b
    assert p.can_edit(roles.partner_a, s_a) and p.can_edit(roles.partner_a, roles.orgs.service)
    assert not p.can_edit(roles.partner_a, s_b)
    assert not p.can_edit(roles.partner_b, s_a)
    assert not p.can_edit(roles.partner_b, roles.orgs.service)
    assert p.can_edit(roles.coordinator, s_a) and p.can_edit(roles.coordinator, s_b)
    assert not p.can_edit(roles.observer, s_a)
    assert not p.can_edit(roles.outsider, s_a)


def test_published_data_edited_by_a_partner_waits_for_validation(roles):
    s_a = roles.orgs.structure_a
    assert s_a.published
    assert p.needs_validation(roles.partner_a, s_a)
    assert p.needs_validation(roles.partner_a, roles.orgs.service)
    assert not p.needs_validation(roles.coordinator, s_a)


def test_a_partners_draft_service_of_a_published_structure_changes_at_once(roles):
    from maillage.accounts.services import edit_or_propose
    from maillage.directory.services import service_create

    s_a = roles.orgs.structure_a
    draft = service_create(structure=s_a, name="Atelier en préparation", user=roles.partner_a)
    assert s_a.published and not draft.published  # a partner's new service is a draft
    assert not p.needs_validation(roles.partner_a, draft)
    applied, pending = edit_or_propose(
        obj=draft, user=roles.partner_a, fields={"description": "Deux séances par mois"}
    )
    assert pending is None and applied.description == "Deux séances par mois"


def test_drafts_visible_to_coordinator_and_observer_only(roles, armentieres):
    assert p.can_view_drafts(roles.coordinator, armentieres)
    assert p.can_view_drafts(roles.observer, armentieres)
    assert not p.can_view_drafts(roles.partner_a, armentieres)
    assert not p.can_view_drafts(AnonymousUser(), armentieres)


def test_journal_entries_partner_writes_new_and_own_only(roles, armentieres):
    assert p.can_edit(roles.partner_a, Activity(territory=armentieres))
    own = Activity(territory=armentieres, author=roles.partner_a, pk=10**6)
    other = Activity(territory=armentieres, author=roles.partner_b, pk=10**6 + 1)
    assert p.can_edit(roles.partner_a, own)
    assert not p.can_edit(roles.partner_a, other)
    assert p.can_edit(roles.coordinator, other)
    assert not p.can_edit(roles.observer, Activity(territory=armentieres))


def test_role_on_one_territory_gives_nothing_on_another(roles, armentieres):
    other = TerritoryFactory(slug="autre-ctg", name="Autre")
    assert p.role_of(roles.coordinator, other) is None
    assert not p.is_coordinator(roles.coordinator, other)
    assert p.is_coordinator(roles.coordinator, armentieres)


def test_a_superuser_coordinates_every_territory(armentieres):
    user = UserFactory(username="admin@example.org", is_superuser=True, is_staff=True)
    assert p.is_coordinator(user, armentieres)


def test_staff_without_a_role_has_none(armentieres):
    """``is_staff`` opens Django's admin, nothing more: no « staff = coordinator » rule, a staff
    account is public on every territory until it is given a membership."""
    user = UserFactory(username="admin@example.org", is_staff=True)
    assert p.role_of(user, armentieres) is None
    assert not p.is_coordinator(user, armentieres)
    assert not p.can_view_drafts(user, armentieres)
    assert not p.can_edit(user, Activity(territory=armentieres))


def test_staff_with_a_membership_is_bound_by_it(roles, armentieres):
    roles.observer.is_staff = True
    roles.observer.save()
    assert not p.is_coordinator(roles.observer, armentieres)


def test_inactive_user_has_no_role(roles, armentieres):
    roles.coordinator.is_active = False
    assert p.role_of(roles.coordinator, armentieres) is None
