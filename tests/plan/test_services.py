"""Services: an activity is validated before anything is written; milestones; baselines."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from maillage.plan.models import Activity, ActivityAttachment, Indicator, Milestone
from maillage.plan.selectors import milestones
from maillage.plan.services import (
    PlanValidationError,
    activity_delete,
    activity_record,
    activity_update,
    indicator_baseline_set,
    milestone_create,
    milestone_update,
)

DAY = dt.date(2025, 4, 2)


def _record(territory, **kw):
    values = {"date": DAY, "kind": "atelier collectif", "title": "Atelier", "axes": [1]} | kw
    return activity_record(territory=territory, **values)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date": dt.date(2027, 1, 1)}, "date"),
        ({"kind": "inconnu"}, "type"),
        ({"axes": []}, "axe"),
        ({"axes": [1], "objectives": ["2.1"]}, "objectifs"),
        ({"participants": -1}, "participants"),
        ({"lon": 2.88}, "position"),
        ({"lon": -70.0, "lat": 45.0}, "position"),
        ({"title": "   "}, "titre"),
        ({"zones": ["Quartier imaginaire"]}, "quartiers"),
    ],
)
def test_invalid_activity_is_refused_with_a_french_message_and_nothing_written(
    armentieres, change, field
):
    version = armentieres.data_version
    with pytest.raises(PlanValidationError) as info:
        _record(armentieres, **change)
    assert field in info.value.message_dict
    assert not Activity.objects.exists()
    armentieres.refresh_from_db()
    assert armentieres.data_version == version


def test_activity_is_recorded_with_author_and_bumps_the_data_version(armentieres):
    user = get_user_model().objects.create_user("coord", password="x-Long-Password-1")
    version = armentieres.data_version
    act = _record(armentieres, author=user, partners=["Le CCAS", "le ccas"], publics="familles")
    assert act.author == user and act.publics == "familles"
    assert [p.name for p in act.partners.all()] == ["Le CCAS"]
    armentieres.refresh_from_db()
    assert armentieres.data_version == version + 1
    activity_delete(activity=act)
    assert not Activity.objects.exists()


def test_attachments_are_checked_by_extension_and_size(armentieres, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(PlanValidationError, match="extension non acceptée"):
        _record(armentieres, attachments=[SimpleUploadedFile("virus.exe", b"MZ")])
    big = SimpleUploadedFile("gros.pdf", b"0" * (10 * 1024 * 1024 + 1))
    with pytest.raises(PlanValidationError, match="trop volumineux"):
        _record(armentieres, attachments=[big])
    assert not Activity.objects.exists()
    act = _record(armentieres, attachments=[SimpleUploadedFile("cr.pdf", b"%PDF-1.4")])
    attachment = ActivityAttachment.objects.get(activity=act)
    assert attachment.name == "cr.pdf"
    with attachment.file.open("rb") as stored:
        assert stored.read() == b"%PDF-1.4"


def test_an_attachment_name_with_backslashes_keeps_only_its_last_part(
    armentieres, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("..\\..\\compte-rendu.pdf", b"%PDF-1.4")
    act = _record(armentieres, attachments=[upload])
    attachment = ActivityAttachment.objects.get(activity=act)
    assert attachment.name == "compte-rendu.pdf"
    assert attachment.file.name == f"journal/armentieres/{act.pk}/compte-rendu.pdf"
    assert (tmp_path / attachment.file.name).read_bytes() == b"%PDF-1.4"


def test_fictional_activities_are_always_labelled(armentieres):
    act = _record(armentieres, is_fictional=True)
    assert act.title == "[exemple fictif] Atelier"


def test_milestones_are_created_updated_and_listed_by_due_date(armentieres, plan):
    axis = plan.axes.get(number=1)
    later = milestone_create(
        territory=armentieres, title="Premier groupe AVS", due_date=dt.date(2025, 9, 1), axis=axis
    )
    sooner = milestone_create(
        territory=armentieres, title="Recrutement", due_date=dt.date(2025, 3, 1), owner="Ville"
    )
    assert milestones(territory=armentieres) == [sooner, later]
    milestone_update(milestone=later, status=Milestone.Status.DONE)
    later.refresh_from_db()
    assert later.status == "realise"
    with pytest.raises(PlanValidationError):
        milestone_update(milestone=later, status="peut-être")
    with pytest.raises(PlanValidationError):
        milestone_update(milestone=later, objective=plan.axes.get(number=2).objectives.first())
    with pytest.raises(PlanValidationError):
        milestone_update(milestone=later, convention=None)


def test_baseline_value_and_year_go_together(armentieres):
    ind = Indicator.objects.get(axis__convention__territory=armentieres, axis__number=4, number=6)
    with pytest.raises(PlanValidationError):
        indicator_baseline_set(indicator=ind, value=2, year=None)
    indicator_baseline_set(indicator=ind, value=2, year=2022)
    ind.refresh_from_db()
    assert (ind.baseline_value, ind.baseline_year) == (2, 2022)


def test_activity_update_revalidates_and_keeps_fictional_label(armentieres):
    act = _record(armentieres, objectives=["1.1"])
    activity_update(activity=act, axes=[2], objectives=["2.3"], participants=5)
    act.refresh_from_db()
    assert [a.number for a in act.axes.all()] == [2] and act.participants == 5
    assert [o.code for o in act.objectives.all()] == ["2.3"]
    with pytest.raises(PlanValidationError) as info:
        activity_update(activity=act, date=dt.date(2030, 1, 1))
    assert "date" in info.value.message_dict
    act.refresh_from_db()
    assert act.date == DAY
    with pytest.raises(PlanValidationError):
        activity_update(activity=act, territory=None)
    fictional = _record(armentieres, is_fictional=True)
    activity_update(activity=fictional, title="Renommé")
    fictional.refresh_from_db()
    assert fictional.title == "[exemple fictif] Renommé"


def test_attachment_model_validators_guard_other_entry_points(armentieres):
    """The admin (model validation) refuses what the service refuses."""
    from django.core.exceptions import ValidationError

    act = _record(armentieres)
    bad = ActivityAttachment(activity=act, name="x", file=SimpleUploadedFile("x.exe", b"MZ"))
    with pytest.raises(ValidationError) as info:
        bad.full_clean()
    assert "file" in info.value.message_dict


def test_zones_blanches_are_flagged_by_name_with_a_justification(armentieres):
    from maillage.plan.models import ZoneBlanche
    from maillage.plan.services import zone_blanche_flag, zone_blanche_unflag

    with pytest.raises(PlanValidationError):
        zone_blanche_flag(territory=armentieres, zone="Prés du Hem", justification=" ")
    flag = zone_blanche_flag(
        territory=armentieres, zone="pres du hem", justification="Diagnostic 2022"
    )
    assert flag.zone.code == "590170102"
    assert zone_blanche_unflag(territory=armentieres, zone="590170102")
    assert not ZoneBlanche.objects.exists()


def test_admin_edits_bump_the_data_version(armentieres, admin_client):
    act = _record(armentieres)
    armentieres.refresh_from_db()
    version = armentieres.data_version
    response = admin_client.post(f"/admin/plan/activity/{act.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    armentieres.refresh_from_db()
    assert armentieres.data_version == version + 1
