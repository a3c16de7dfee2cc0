"""Read API of the plan: tree, indicators, paginated journal; bad parameters get a French 400."""

from __future__ import annotations

import datetime as dt

import pytest

from maillage.plan.services import activity_record, journal_year_declare_complete


@pytest.fixture
def api(client):
    def get(path: str, status: int = 200):
        response = client.get(f"/api/v1/plan/{path}")
        assert response.status_code == status, response.content
        return response.json()

    return get


def test_plan_tree(api, armentieres):
    data = api("armentieres")
    assert [len(a["objectives"]) for a in data["axes"]] == [4, 3, 4, 4]
    assert [len(a["indicators"]) for a in data["axes"]] == [6, 7, 4, 7]
    assert data["axes"][0]["modalities"][0] == "Mise en place d'un groupe de travail dédié"


def test_indicators_of_a_year_with_evidence(api, armentieres):
    act = activity_record(
        territory=armentieres,
        date=dt.date(2025, 1, 9),
        kind="commission",
        title="Commission égalité",
        body="Commission égalité des chances",
        axes=[4],
    )
    # Issue 14: counts need the year's journal declared complete (else null, « non renseigné »).
    assert api("armentieres/indicators?year=2025")[-2]["values_by_year"] == {"2025": None}
    journal_year_declare_complete(territory=armentieres, year=2025)
    data = api("armentieres/indicators?year=2025")
    assert len(data) == 24
    commission = next(i for i in data if i["code"] == "4.6")
    assert commission["values_by_year"] == {"2025": 1.0}
    assert commission["display_by_year"] == {"2025": "1"}
    assert commission["evidence_by_year"]["2025"][0]["activity_id"] == act.pk
    assert len(api("armentieres/indicators")[0]["years"]) == 4


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("indicators?year=abc", "entier"),
        ("indicators?year=2040", "entre 2023 et 2026"),
        ("journal?page=0", "entre 1"),
        ("journal?page_size=100000", "entre 1 et 200"),
        ("journal?objective=x", "code attendu"),
        ("journal?fictional=peut-être", "true ou false"),
    ],
)
def test_malformed_parameters_get_a_french_400(api, armentieres, query, word):
    assert word in api(f"armentieres/{query}", status=400)["detail"]


def test_unknown_territory_is_a_404(api, db):
    assert "introuvable" in api("nulle-part", status=404)["detail"]


def test_journal_is_paginated_in_a_stable_order(api, armentieres):
    for day in (3, 1, 2, 2):
        activity_record(
            territory=armentieres,
            date=dt.date(2024, 5, day),
            kind="atelier collectif",
            title=f"Atelier {day}",
            axes=[1],
            objectives=["1.2"],
        )
    page1 = api("armentieres/journal?page_size=3")
    page2 = api("armentieres/journal?page_size=3&page=2")
    assert page1["count"] == 4 and len(page1["results"]) == 3 and len(page2["results"]) == 1
    dates = [r["date"] for r in page1["results"] + page2["results"]]
    assert dates == sorted(dates, reverse=True)
    ids = [r["id"] for r in page1["results"] + page2["results"]]
    assert len(set(ids)) == 4
    assert api("armentieres/journal?objective=1.2")["count"] == 4
    assert api("armentieres/journal?axis=2")["count"] == 0


def test_one_indicator_and_the_schedule(api, armentieres):
    from maillage.plan.services import milestone_create

    data = api("armentieres/indicators/2.6")
    assert data["label"] == "Evolution positive des rapports familles/établissements scolaires"
    assert data["status"] == "non renseigné"
    assert "absent" in api("armentieres/indicators/9.9", status=404)["detail"]
    assert "Code" in api("armentieres/indicators/abc", status=400)["detail"]
    assert api("armentieres/milestones") == []
    milestone_create(territory=armentieres, title="Recrutement", due_date=dt.date(2025, 3, 1))
    assert [m["title"] for m in api("armentieres/milestones")] == ["Recrutement"]
