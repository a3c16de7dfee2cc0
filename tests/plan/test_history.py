"""Changes to the journal, the schedule and the indicators are kept in the history."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from factories import coordinator

from maillage.accounts.models import ChangeRecord
from maillage.plan.models import Activity, Indicator, IndicatorTarget
from maillage.plan.services import (
    activity_delete,
    activity_record,
    activity_update,
    indicator_target_set,
)


def _records(model, pk):
    ct = ContentType.objects.get_for_model(model)
    return list(ChangeRecord.objects.filter(content_type=ct, object_id=str(pk)).order_by("pk"))


def test_an_activity_keeps_its_creation_update_and_deletion(armentieres):
    user = coordinator(armentieres, username="coord", email="c@ville.fr")
    activity = activity_record(
        territory=armentieres,
        date=dt.date(2025, 3, 4),
        kind="groupe de travail",
        title="Groupe de travail AVS",
        axes=[1],
        author=user,
    )
    activity_update(activity=activity, user=user, title="Groupe de travail AVS n° 1")
    pk = activity.pk
    activity_delete(activity=activity, user=user)
    records = _records(Activity, pk)
    assert [r.action for r in records] == ["create", "update", "delete"]
    assert records[1].before["title"] == "Groupe de travail AVS"
    assert records[1].after["title"] == "Groupe de travail AVS n° 1"
    assert all(r.user == user for r in records)


def test_a_target_change_is_recorded(armentieres):
    indicator = Indicator.objects.filter(axis__convention__territory=armentieres).first()
    indicator_target_set(indicator=indicator, year=2025, value=4)
    indicator_target_set(indicator=indicator, year=2025, value=6)
    target = IndicatorTarget.objects.get(indicator=indicator, year=2025)
    records = _records(IndicatorTarget, target.pk)
    assert [r.action for r in records] == ["create", "update"]
    assert (records[1].before["value"], records[1].after["value"]) == (4.0, 6.0)
