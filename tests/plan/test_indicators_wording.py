"""Indicators true to their wording (issue 14, item 6): « Présence de … » is oui/non with its
document, « Nombre de groupes de travail / d'instances / de commissions » counts distinct
bodies, and a year whose journal is not declared complete reads « non renseigné », never 0."""

from __future__ import annotations

import datetime as dt

import pytest

from maillage.plan.models import Indicator
from maillage.plan.selectors import indicator_result, indicator_results
from maillage.plan.services import (
    PlanValidationError,
    activity_record,
    indicator_value_set,
    journal_year_declare_complete,
    journal_year_withdraw,
)

TODAY = dt.date(2025, 6, 1)


def _ind(territory, code: str) -> Indicator:
    axis, number = code.split(".")
    return Indicator.objects.get(
        axis__convention__territory=territory, axis__number=axis, number=number
    )


def _result(territory, code: str):
    return indicator_result(territory=territory, indicator_id=_ind(territory, code).pk, today=TODAY)


def _complete(territory, *years: int) -> None:
    for year in years:
        journal_year_declare_complete(territory=territory, year=year)


# --------------------------------------------------------------------------- présence (oui/non)


@pytest.mark.parametrize("code", ["3.1", "4.1"])
def test_cartography_presence_is_non_without_evidence_never_a_percentage(armentieres, code):
    r = _result(armentieres, code)
    assert r.label == "Présence d'une cartographie détaillée"
    assert r.value_type == "presence" and r.unit == "oui/non"
    assert r.total == 0.0 and r.total_display == "non"
    assert r.display_by_year == {2023: "non", 2024: "non", 2025: "non", 2026: "à venir"}
    assert r.evidence == []
    assert "%" not in r.total_display and "%" not in r.unit


def test_cartography_presence_is_oui_with_a_validated_document_of_the_journal(armentieres):
    draft = {"kind": "cartographie", "axes": [3], "title": "Carte de l'offre (brouillon)"}
    activity_record(territory=armentieres, date=dt.date(2024, 3, 1), **draft)
    assert _result(armentieres, "3.1").total_display == "non"  # not validated: no evidence
    doc = activity_record(
        territory=armentieres,
        date=dt.date(2024, 9, 1),
        kind="cartographie",
        axes=[3],
        title="Cartographie détaillée de l'offre petite enfance",
        validated=True,
    )
    r = _result(armentieres, "3.1")
    assert r.display_by_year == {2023: "non", 2024: "oui", 2025: "oui", 2026: "à venir"}
    assert r.total_display == "oui"
    assert [e.activity_id for e in r.evidence] == [doc.pk]
    assert _result(armentieres, "4.1").total_display == "non"  # the document is of axis 3


def test_cartography_presence_can_be_answered_by_the_coordinator_with_its_document(armentieres):
    ind = _ind(armentieres, "4.1")
    with pytest.raises(PlanValidationError):
        indicator_value_set(indicator=ind, year=2025, value=0.743, justification="74,3 %")
    with pytest.raises(PlanValidationError):
        indicator_value_set(indicator=ind, year=2025, value=1, justification=" ")
    indicator_value_set(
        indicator=ind, year=2025, value=1, justification="Carte mentale des dispositifs, CR COPIL"
    )
    r = _result(armentieres, "4.1")
    assert r.display_by_year[2024] == "non" and r.display_by_year[2025] == "oui"
    assert r.evidence_by_year[2025][0].label == "Carte mentale des dispositifs, CR COPIL"


# --------------------------------------------------------------------------- distinct bodies


def _meeting(territory, day: dt.date, title: str, *, body: str = "", axis: int = 1, **kw):
    return activity_record(
        territory=territory,
        date=day,
        kind=kw.pop("kind", "groupe de travail"),
        title=title,
        axes=[axis],
        body=body,
        **kw,
    )


def test_a_group_meeting_three_times_counts_one_group_with_its_three_meetings(armentieres):
    _complete(armentieres, 2025)
    made = [
        _meeting(armentieres, dt.date(2025, m, 10), f"Réunion {m}", body="GT AVS")
        for m in (2, 5, 9)
    ]
    r = _result(armentieres, "1.1")
    assert r.label == "Nombre de groupes de travail dédié"
    assert r.values_by_year[2025] == 1.0 and r.total == 1.0
    assert [e.activity_id for e in r.evidence_by_year[2025]] == [a.pk for a in made]
    _meeting(armentieres, dt.date(2025, 10, 1), "Lancement", body="gt avs ")  # same, folded
    _meeting(armentieres, dt.date(2025, 11, 1), "Lancement", body="GT habitants")
    assert _result(armentieres, "1.1").values_by_year[2025] == 2.0


def test_a_working_group_of_the_partners_space_counts_once_whatever_its_meetings(armentieres):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from maillage.accounts.models import Membership, Role
    from maillage.network.models import WorkingGroup
    from maillage.network.services import meeting_record_minutes, meeting_save

    user = get_user_model().objects.create_user("coord-h8", "coord-h8@example.org", "x-pass-1")
    Membership.objects.create(user=user, territory=armentieres, role=Role.COORDINATOR)
    group = WorkingGroup.objects.create(
        territory=armentieres, name="Commission égalité des chances", kind="instance de coopération"
    )
    group.axes.set([armentieres.convention.axes.get(number=3)])
    _complete(armentieres, 2024)
    tz = timezone.get_current_timezone()
    for month in (3, 6, 11):
        start = dt.datetime(2024, month, 5, 14, tzinfo=tz)
        meeting = meeting_save(
            group=group,
            user=user,
            title=f"Séance {month}",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
        )
        meeting_record_minutes(meeting=meeting, user=user, minutes="Relevé de décisions.")
    r = _result(armentieres, "3.2")
    assert r.kind == "body_count"
    assert r.values_by_year[2024] == 1.0
    assert len(r.evidence_by_year[2024]) == 3
    assert all("Commission égalité des chances" in e.detail for e in r.evidence_by_year[2024])


def test_a_meeting_without_a_named_body_is_not_counted_and_is_pointed_out(armentieres):
    _complete(armentieres, 2025)
    _meeting(armentieres, dt.date(2025, 4, 4), "Réunion sans nom", axis=4, kind="commission")
    r = _result(armentieres, "4.6")
    assert r.values_by_year[2025] == 0.0
    assert any("sans instance nommée" in n and "Réunion sans nom" in n for n in r.notes)


# --------------------------------------------------------------------------- journal completeness


def test_a_year_whose_journal_is_not_declared_complete_reads_non_renseigne(armentieres):
    r = _result(armentieres, "1.3")
    assert r.values_by_year == {2023: None, 2024: None, 2025: None, 2026: None}
    assert r.status_by_year[2024] == "non renseigné" and r.status == "non renseigné"
    assert r.display_by_year[2024] == "non renseigné"
    assert r.display_by_year[2026] == "à venir"
    assert r.total is None
    for code in ("1.1", "2.3", "4.6"):
        assert _result(armentieres, code).values_by_year[2024] is None, code


def test_entries_of_an_undeclared_year_show_as_a_partial_figure_not_a_value(armentieres):
    for day in (1, 2, 3):
        _meeting(armentieres, dt.date(2024, 5, day), f"Proximité {day}", kind="action de proximité")
    r = _result(armentieres, "1.3")
    assert r.values_by_year[2024] is None and r.partial_by_year[2024] == 3.0
    assert r.display_by_year[2024] == (
        "non renseigné (3 activité(s) saisie(s), journal non déclaré complet)"
    )
    journal_year_declare_complete(territory=armentieres, year=2024)
    journal_year_declare_complete(territory=armentieres, year=2023)
    r = _result(armentieres, "1.3")
    assert r.values_by_year == {2023: 0.0, 2024: 3.0, 2025: None, 2026: None}
    assert r.total == 3.0 and any("2023, 2024" in n for n in r.notes)
    assert journal_year_withdraw(territory=armentieres, year=2024)
    assert _result(armentieres, "1.3").values_by_year[2024] is None


def test_declaring_a_year_complete_is_kept_in_the_history(armentieres):
    from maillage.accounts.models import ChangeRecord

    with pytest.raises(PlanValidationError):
        journal_year_declare_complete(territory=armentieres, year=2031)
    entry = journal_year_declare_complete(territory=armentieres, year=2024)
    journal_year_withdraw(territory=armentieres, year=2024)
    actions = list(
        ChangeRecord.objects.filter(object_id=str(entry.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["create", "delete"]


def test_the_api_gives_null_for_an_undeclared_year(armentieres, client):
    _meeting(armentieres, dt.date(2024, 5, 1), "Proximité", kind="action de proximité")
    data = client.get("/api/v1/plan/armentieres/indicators?year=2024").json()
    row = next(r for r in data if r["code"] == "1.3")
    assert row["values_by_year"] == {"2024": None}
    assert row["display_by_year"] == {"2024": row["display_by_year"]["2024"]}
    assert row["display_by_year"]["2024"].startswith("non renseigné")


def test_the_cli_gives_null_for_an_undeclared_year(armentieres):
    import json

    from click.testing import CliRunner

    from maillage.cli import main

    out = CliRunner().invoke(
        main, ["indicators", "--territory", "armentieres", "--year", "2024", "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    payload = json.loads(out.output)
    row = next(i for a in payload["axes"] for i in a["indicators"] if i["code"] == "1.3")
    assert row["values_by_year"]["2024"] is None
    assert row["display_by_year"]["2024"].startswith("non renseigné")


def test_every_indicator_has_a_method_computed_from_its_kind_and_rule(armentieres):
    results = indicator_results(territory=armentieres, today=TODAY)
    assert len(results) == 24
    for r in results:
        assert r.method and r.kind_doc, r.code
    by_code = {r.code: r for r in results}
    assert "« groupe de travail »" in by_code["1.1"].method
    assert "une fois" in by_code["1.1"].method
    assert "« cartographie »" in by_code["3.1"].method and "Oui" in by_code["3.1"].method
    assert "enquête" in by_code["2.6"].method  # the plan's precision is kept
