"""A partner's proposal is checked with the partner's own rights (issue 12, item 9): what a
partner may not change directly (a fiche's provenance, its publication, its organisation) cannot
be queued for validation either, and a proposal queued anyway is re-checked when the
coordinator validates it. Differences show names, labels and « oui »/« non », never raw ids."""

from __future__ import annotations

import html

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from maillage.accounts.models import PendingChange
from maillage.accounts.services import propose_change, validate_change
from maillage.directory.models import Structure, Typology
from maillage.directory.services import structure_update

from .api_helpers import API, call
from .roles import bearer, make_user, organisations


@pytest.mark.parametrize(
    "field, value",
    [
        ("source_url", "https://example.org/source-usurpee"),
        ("source_label", "CAF du Nord (usurpé, test)"),
        ("organisation", "b"),
        ("published", False),
    ],
)
def test_partner_cannot_queue_a_change_it_cannot_make(armentieres, field, value):
    orgs = organisations(armentieres)
    structure = orgs.structure_a
    assert structure.published
    partner = make_user(armentieres, "partner", orgs.a)
    if value == "b":
        value = orgs.b.slug
    response = call(
        "PATCH",
        f"{API}/structures/{structure.pk}",
        {field: value},
        headers=bearer(partner),
    )
    assert response.status_code == 403, response.content
    detail = response.json()["detail"]
    assert "chargé de coopération" in detail or "autre organisation" in detail
    assert not PendingChange.objects.filter(object_id=str(structure.pk)).exists()
    stored = Structure.objects.get(pk=structure.pk)
    assert (stored.source_url, stored.source_label, stored.organisation_id, stored.published) == (
        structure.source_url,
        structure.source_label,
        structure.organisation_id,
        structure.published,
    )


def test_partner_proposal_of_allowed_fields_is_still_queued(armentieres):
    orgs = organisations(armentieres)
    partner = make_user(armentieres, "partner", orgs.a)
    change = propose_change(obj=orgs.structure_a, user=partner, fields={"phone": "03 20 99 88 77"})
    assert change.changes == {"phone": "03 20 99 88 77"}


def _queued(structure, partner, changes):
    """A proposal queued before the rule (as stored by the former code)."""
    return PendingChange.objects.create(
        territory=structure.territory,
        content_type=ContentType.objects.get_for_model(Structure),
        object_id=str(structure.pk),
        object_repr=str(structure),
        proposed_by=partner,
        organisation=structure.organisation,
        before={k: getattr(structure, f"{k}_id", getattr(structure, k)) for k in changes},
        changes=changes,
    )


def test_validation_rechecks_the_proposers_rights(armentieres):
    orgs = organisations(armentieres)
    structure = orgs.structure_a
    partner = make_user(armentieres, "partner", orgs.a)
    coordinator = make_user(armentieres, "coordinator")
    change = _queued(
        structure, partner, {"source_url": "https://example.org/x", "organisation": orgs.b.pk}
    )
    with pytest.raises(ValidationError) as caught:
        validate_change(change=change, user=coordinator)
    assert "droits de son auteur" in " ".join(caught.value.messages)
    stored = Structure.objects.get(pk=structure.pk)
    assert (stored.source_url, stored.organisation_id) == (
        structure.source_url,
        structure.organisation_id,
    )
    assert PendingChange.objects.get(pk=change.pk).status == PendingChange.Status.PENDING


def test_pending_diff_shows_names_not_ids(armentieres):
    orgs = organisations(armentieres)
    structure = orgs.structure_a
    partner = make_user(armentieres, "partner", orgs.a)
    coordinator = make_user(armentieres, "coordinator")
    other = Typology.objects.exclude(pk=structure.typology_id).order_by("pk").first()
    change = propose_change(obj=structure, user=partner, fields={"typology": other})
    old_stored = _queued(structure, partner, {"organisation": orgs.b.pk, "published": False})
    client = Client()
    client.force_login(coordinator)
    page = html.unescape(
        client.get(reverse("web:pending-change", args=["armentieres", change.pk])).content.decode()
    )
    assert f"<ins>{other.label}</ins>" in page
    assert f"<del>{structure.typology.label}</del>" in page
    page = html.unescape(
        client.get(
            reverse("web:pending-change", args=["armentieres", old_stored.pk])
        ).content.decode()
    )
    assert f"<ins>{orgs.b.name}</ins>" in page and f"<del>{orgs.a.name}</del>" in page
    assert "<del>oui</del>" in page and "<ins>non</ins>" in page


def test_history_shows_names_not_ids(armentieres):
    orgs = organisations(armentieres)
    structure = orgs.structure_a
    coordinator = make_user(armentieres, "coordinator")
    structure_update(structure=structure, user=coordinator, organisation=orgs.b, published=False)
    client = Client()
    client.force_login(coordinator)
    page = html.unescape(
        client.get(
            reverse("web:history", args=["armentieres", "directory.structure", structure.pk])
        ).content.decode()
    )
    assert f"<del>{orgs.a.name}</del>" in page and f"<ins>{orgs.b.name}</ins>" in page
    assert "<del>oui</del>" in page and "<ins>non</ins>" in page
    assert f"<del>{orgs.a.pk}</del>" not in page
