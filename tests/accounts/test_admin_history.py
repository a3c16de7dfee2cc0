"""Edits made in the Django admin are in the change history (who, what, before/after), like
the edits made through the site."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from maillage.accounts.models import ChangeRecord

from .admin_form import admin_form_data
from .roles import make_user, organisations


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser(
        username="administratrice", email="admin@example.org", password="Tilleul-Ecluse-47"
    )


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def _records(obj):
    return ChangeRecord.objects.filter(
        content_type__app_label=obj._meta.app_label,
        content_type__model=obj._meta.model_name,
        object_id=str(obj.pk),
    ).order_by("pk")


def _change(client, obj, **changes):
    """Open the admin change page of ``obj``, change some fields, save like a browser."""
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = admin_form_data(page.content.decode(), f"{opts.model_name}_form")
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [value]
    data["_save"] = ["Enregistrer"]
    response = client.post(url, data)
    errors = response.context and response.context.get("errors")
    assert response.status_code == 302, errors
    return response


def test_a_structure_changed_in_the_admin_is_in_its_history(armentieres, admin_client, admin_user):
    structure = organisations(armentieres).structure_a
    old_name = structure.name
    known = _records(structure).count()
    _change(admin_client, structure, name=f"{old_name} (nouveau nom)")
    records = list(_records(structure))
    assert len(records) == known + 1
    record = records[-1]
    assert record.action == ChangeRecord.Action.UPDATE
    assert record.user == admin_user
    assert record.territory == armentieres
    changed = {
        k for k in set(record.before) | set(record.after) if record.before[k] != record.after[k]
    }
    assert changed == {"name"}
    assert (record.before["name"], record.after["name"]) == (old_name, f"{old_name} (nouveau nom)")
    # The coordinator sees it on the structure's history page, with the admin as author.
    coordinator = Client()
    coordinator.force_login(make_user(armentieres, "coordinator"))
    page = coordinator.get(
        reverse("web:history", args=["armentieres", "directory.structure", structure.pk])
    ).content.decode()
    assert "admin@example.org" in page and "(nouveau nom)" in page


def test_saving_an_unchanged_admin_form_records_nothing(armentieres, admin_client):
    structure = organisations(armentieres).structure_a
    known = _records(structure).count()
    _change(admin_client, structure)
    assert _records(structure).count() == known


def test_a_service_changed_through_the_structure_inline_is_recorded(
    armentieres, admin_client, admin_user
):
    orgs = organisations(armentieres)
    structure, service = orgs.structure_a, orgs.service
    services = list(structure.services.order_by("pk"))
    index = services.index(service)
    before = service.name
    _change(admin_client, structure, **{f"services-{index}-name": "Accueil du mercredi"})
    record = _records(service).last()
    assert record.action == ChangeRecord.Action.UPDATE
    assert record.user == admin_user
    assert (record.before["name"], record.after["name"]) == (before, "Accueil du mercredi")
    assert not _records(structure).filter(user=admin_user).exists()  # the structure itself: same


def test_journal_axes_changed_in_the_admin_are_recorded_once(armentieres, admin_client):
    from maillage.plan.models import Axis
    from maillage.plan.services import activity_record

    activity = activity_record(
        territory=armentieres,
        date=dt.date(2024, 5, 14),
        kind="groupe de travail",
        title="Groupe de travail AVS",
        axes=[1],
        is_fictional=True,
    )
    axes = {a.number: a.pk for a in Axis.objects.filter(convention__territory=armentieres)}
    _change(admin_client, activity, axes=[str(axes[1]), str(axes[2])])
    records = list(_records(activity))
    assert [r.action for r in records] == ["create", "update"]
    assert records[-1].before["axes"] == [axes[1]]
    assert records[-1].after["axes"] == sorted([axes[1], axes[2]])


def test_creation_and_deletion_in_the_admin_are_recorded(admin_client, admin_user, db):
    from maillage.directory.models import Organisation

    add = reverse("admin:directory_organisation_add")
    data = admin_form_data(admin_client.get(add).content.decode(), "organisation_form")
    data.update(name=["Association exemple fictif"], slug=["association-exemple-fictif"])
    data["_save"] = ["Enregistrer"]
    assert admin_client.post(add, data).status_code == 302
    organisation = Organisation.objects.get(slug="association-exemple-fictif")
    delete = reverse("admin:directory_organisation_delete", args=[organisation.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    created, deleted = _records(organisation)
    assert (created.action, created.before, created.user) == ("create", None, admin_user)
    assert created.after["name"] == "Association exemple fictif"
    assert (deleted.action, deleted.after, deleted.user) == ("delete", None, admin_user)
    assert deleted.before == created.after


def test_a_selection_deleted_with_the_admin_action_is_recorded(armentieres, admin_client):
    from maillage.plan.models import Milestone
    from maillage.plan.services import milestone_create

    steps = [
        milestone_create(
            territory=armentieres, title=f"Étape exemple fictif {n}", due_date=dt.date(2025, n, 1)
        )
        for n in (3, 4)
    ]
    response = admin_client.post(
        reverse("admin:plan_milestone_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [str(s.pk) for s in steps],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not Milestone.objects.filter(pk__in=[s.pk for s in steps]).exists()
    for step in steps:
        assert [r.action for r in _records(step)] == ["create", "delete"]
        assert _records(step).last().before["title"] == step.title
