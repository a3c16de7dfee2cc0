"""A COPIL decision's history belongs to its territory, so the territory's history pages (and
its members) find it, like every other change."""

from __future__ import annotations

import datetime as dt

from maillage.accounts.models import ChangeRecord
from maillage.plan.copil import decision_add, meeting_save


def test_a_decision_is_recorded_in_its_territory_history(armentieres):
    meeting = meeting_save(territory=armentieres, date=dt.date(2025, 3, 14), title="COPIL")
    decision = decision_add(meeting=meeting, text="Ouvrir une permanence", owner="CCAS")
    records = ChangeRecord.objects.filter(
        object_id=str(decision.pk),
        content_type__app_label="plan",
        content_type__model="copildecision",
    )
    assert records.exists()
    assert {r.territory_id for r in records} == {armentieres.pk}
