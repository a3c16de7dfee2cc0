"""Indicator kinds are registered strategies (issue 13 item 4): a kind defined in one place is
validated, computed and documented everywhere; every registered kind is documented; the
statuses are one enum shared by the engine, the pages, the CSS and the API."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.html import escape

from maillage.plan.indicator_kinds import (
    Computed,
    IndicatorKind,
    KindContext,
    kind_get,
    register,
    registered_kinds,
    unregister,
)
from maillage.plan.indicator_kinds.journal import activity_evidence
from maillage.plan.indicators import rule_problem
from maillage.plan.models import Axis, Indicator
from maillage.plan.selectors import indicator_result, indicator_results
from maillage.plan.services import activity_record, indicator_target_set
from maillage.plan.status import Status

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2025, 6, 1)


class ParticipantsFictif(IndicatorKind):
    """*Exemple fictif*: a kind that exists only in this test, written in this one place."""

    name = "participants_fictif"
    label = "participants cumulés (exemple fictif)"
    doc = (
        "Exemple fictif : somme des participants des activités du journal dont le type est "
        "indiqué par la règle, année par année ; sur la période, la somme des années."
    )

    def validate_rule(self, rule, *, kind_names, axis_numbers, objective_codes):
        kinds = rule.get("kinds")
        if not isinstance(kinds, list) or not kinds or set(kinds) - kind_names:
            return "exemple fictif : liste « kinds » de types d'activité connus attendue."
        return None

    def method(self, rule):
        return "Somme des participants des activités de type " + ", ".join(rule["kinds"]) + "."

    def compute(self, indicator, rule, ctx: KindContext) -> Computed:
        out = Computed.empty(ctx.years)
        for act in ctx.activities:
            if act.kind in rule["kinds"] and act.date.year in out.values and act.participants:
                out.values[act.date.year] = (out.values[act.date.year] or 0) + act.participants
                out.evidence[act.date.year].append(activity_evidence(act))
        known = [v for v in out.values.values() if v is not None]
        out.total = float(sum(known)) if known else None
        return out


@pytest.fixture
def fictif_kind():
    kind = register(ParticipantsFictif())
    yield kind
    unregister(kind.name)


@pytest.fixture
def fictif_indicator(armentieres, fictif_kind):
    axis = Axis.objects.get(convention__territory=armentieres, number=1)
    indicator = Indicator(
        axis=axis,
        number=99,
        label="[exemple fictif] Participants aux ateliers",
        kind=fictif_kind.name,
        rule={"kinds": ["atelier collectif"]},
        method="Précision fictive.",
    )
    indicator.full_clean()  # the model field's choices know the registered kind
    indicator.save()
    for month, participants in ((3, 12), (9, 8)):
        activity_record(
            territory=armentieres,
            date=dt.date(2024, month, 4),
            kind="atelier collectif",
            title=f"[exemple fictif] Atelier {month}",
            axes=[1],
            participants=participants,
            is_fictional=True,
        )
    activity_record(
        territory=armentieres,
        date=dt.date(2025, 2, 4),
        kind="atelier collectif",
        title="[exemple fictif] Atelier 2025",
        axes=[1],
        participants=30,
        is_fictional=True,
    )
    indicator_target_set(indicator=indicator, year=2024, value=25)
    return indicator


PLAN_NAMES = {
    "kind_names": {"atelier collectif"},
    "axis_numbers": {1, 2, 3, 4},
    "objective_codes": {"1.1"},
}


def test_a_kind_registered_in_one_place_is_validated(fictif_kind):
    assert (
        rule_problem(kind=fictif_kind.name, rule={"kinds": ["atelier collectif"]}, **PLAN_NAMES)
        is None
    )
    assert rule_problem(kind=fictif_kind.name, rule={"kinds": ["inconnu"]}, **PLAN_NAMES) == (
        "exemple fictif : liste « kinds » de types d'activité connus attendue."
    )
    assert rule_problem(kind=fictif_kind.name, rule="kinds", **PLAN_NAMES) == (
        "la règle doit être un dictionnaire."
    )
    assert Indicator.Kind.PARTICIPANTS_FICTIF == fictif_kind.name
    assert fictif_kind.name in Indicator.Kind.values
    assert (fictif_kind.name, fictif_kind.label) in Indicator._meta.get_field("kind").choices
    unregister(fictif_kind.name)
    assert rule_problem(kind=fictif_kind.name, rule={}, **PLAN_NAMES) == (
        "mode de calcul « participants_fictif » inconnu."
    )
    assert fictif_kind.name not in Indicator.Kind.values


def test_a_kind_registered_in_one_place_is_computed_with_status_and_texts(
    armentieres, fictif_indicator, fictif_kind
):
    r = indicator_result(territory=armentieres, indicator_id=fictif_indicator.pk, today=TODAY)
    assert r.values_by_year == {2023: None, 2024: 20.0, 2025: 30.0, 2026: None}
    assert r.total == 50.0
    assert [e.label for e in r.evidence_by_year[2024]] == [
        "[exemple fictif] Atelier 3",
        "[exemple fictif] Atelier 9",
    ]
    assert r.includes_fictional
    # The engine's statuses apply: 20 < 25 in a finished year; no value is « non renseigné ».
    assert r.status_by_year == {
        2023: Status.NOT_FILLED,
        2024: Status.NOT_REACHED,
        2025: Status.NO_TARGET,
        2026: Status.NOT_FILLED,
    }
    assert r.display_by_year[2024] == "20" and r.display_by_year[2023] == "non renseigné"
    assert r.kind_label == fictif_kind.label
    assert r.kind_doc == fictif_kind.doc
    assert r.method == "Somme des participants des activités de type atelier collectif. " + (
        "Précision fictive."
    )
    # The other indicators of the plan are computed alongside, untouched.
    assert len(indicator_results(territory=armentieres, today=TODAY)) == 25


def test_a_kind_registered_in_one_place_is_documented_on_the_pages_and_the_api(
    client, armentieres, fictif_indicator, fictif_kind
):
    page = client.get(reverse("web:plan-indicators", args=["armentieres"])).content.decode()
    assert escape(fictif_kind.doc) in page
    assert "Participants cumulés (exemple fictif)" in page
    detail = client.get(
        reverse("web:plan-indicator", args=["armentieres", fictif_indicator.pk])
    ).content.decode()
    assert escape(fictif_kind.doc) in detail and escape(fictif_kind.label) in detail
    api = client.get("/api/v1/plan/armentieres/indicators").json()
    mine = next(i for i in api if i["indicator_id"] == fictif_indicator.pk)
    assert mine["kind"] == fictif_kind.name and mine["kind_doc"] == fictif_kind.doc
    assert mine["total"] == 50.0 and mine["status"] in Status.values
    tree = client.get("/api/v1/plan/armentieres").json()
    node = next(i for a in tree["axes"] for i in a["indicators"] if i["id"] == fictif_indicator.pk)
    assert node["kind_label"] == fictif_kind.label


def test_every_registered_kind_is_documented(client, armentieres):
    kinds = registered_kinds()
    assert {k.name for k in kinds} >= {"activity_count", "body_count", "document", "data", "manual"}
    page = client.get(reverse("web:plan-indicators", args=["armentieres"])).content.decode()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    labels = [str(k.label) for k in kinds]
    assert len(set(labels)) == len(labels)
    for kind in kinds:
        doc = str(kind.doc)
        assert len(doc) > 60 and re.search("[éèàêç«]", doc), kind.name  # French sentences
        assert escape(doc) in page, kind.name  # the indicators page explains every kind
        assert f"`{kind.name}`" in readme, kind.name  # and so does the README
        assert kind_get(kind.name) is kind


def test_every_indicator_of_the_embedded_plan_has_a_registered_kind_and_a_method(armentieres):
    for r in indicator_results(territory=armentieres, today=TODAY):
        assert r.kind in Indicator.Kind.values, r.code
        assert r.kind_doc == str(kind_get(r.kind).doc) and r.method, r.code
        assert r.status in Status.values and set(r.status_by_year.values()) <= set(Status.values)


def test_every_status_has_its_css_rule_and_is_an_enum_in_the_api_schema(client, db):
    css = (ROOT / "src/maillage/web/static/maillage/plan.css").read_text(encoding="utf-8")
    for status in Status:
        assert re.search(rf"\.status-{re.escape(status.css)}\b", css), status
    assert Status.NOT_FILLED.css == "non-renseigne" and Status.UPCOMING.css == "a-venir"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert all(f"« {status.value} »" in readme for status in Status)
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    props = schemas["IndicatorOut"]["properties"]
    ref = props["status"]["$ref"].rsplit("/", 1)[-1]
    assert schemas[ref]["enum"] == list(Status.values)
    assert props["status_by_year"]["additionalProperties"]["$ref"].endswith("/" + ref)


def test_status_counts_follow_the_status_order(armentieres):
    from maillage.web.views.plan_forms import status_counts

    results = indicator_results(territory=armentieres, today=TODAY)
    counts = status_counts(results)
    assert [s for s, _css, _n in counts] == [
        s for s in Status.values if s in {r.status for r in results}
    ]
    assert sum(n for _s, _css, n in counts) == len(results)
    assert all(css == Status(s).css for s, css, _n in counts)
