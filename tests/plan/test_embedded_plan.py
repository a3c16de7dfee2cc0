"""The Armentières CTG 2023-2026 plan is embedded word for word from the signed convention."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from maillage.plan.models import Activity, Indicator, IndicatorTarget, Milestone
from maillage.plan.selectors import plan_tree

DATASET = Path(__file__).resolve().parents[2] / "src/maillage/datasets/armentieres"
SEED = DATASET / "ctg-armentieres-2023-2026.txt"
PLAN = DATASET / "plan_ctg_2023_2026.yaml"


def _normalise(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", text).replace("➤", " ")
    return " ".join(text.split())


SEED_TEXT = _normalise(SEED.read_text(encoding="utf-8"))
PLAN_DATA = yaml.safe_load(PLAN.read_text(encoding="utf-8"))


def _seed_strings():
    for i, text in enumerate(PLAN_DATA["convention"]["study_intro"], start=1):
        yield f"thématiques {i}", text
    for subject in PLAN_DATA["study_subjects"]:
        n = subject["number"]
        yield f"sujet {n} titre", subject["title"]
        for i, text in enumerate(subject["description"], start=1):
            yield f"sujet {n} présentation {i}", text
        for key in ("objectives_label", "objectives_intro"):
            if subject.get(key):
                yield f"sujet {n} {key}", subject[key]
        for i, text in enumerate(subject["objectives"], start=1):
            yield f"sujet {n} objectif {i}", text
    for axis in PLAN_DATA["axes"]:
        a = axis["number"]
        yield f"axe {a} titre", axis["title"]
        for key in ("target_public", "partners_intro", "partners", "expected_results"):
            for i, text in enumerate(axis[key], start=1):
                yield f"axe {a} {key} {i}", text
        for key in ("lead", "services", "schedule_note"):
            yield f"axe {a} {key}", axis[key]
        for obj in axis["objectives"]:
            code = f"{a}.{obj['number']}"
            yield f"objectif {code}", obj["title"]
            if obj.get("description"):
                yield f"objectif {code} précision", obj["description"]
            for i, text in enumerate(obj["sub_points"], start=1):
                yield f"objectif {code} sous-point {i}", text
        for i, text in enumerate(axis["modalities"], start=1):
            yield f"axe {a} modalité {i}", text
        for i, ind in enumerate(axis["indicators"], start=1):
            yield f"indicateur {a}.{i}", ind["label"]


@pytest.mark.parametrize(("where", "text"), list(_seed_strings()), ids=lambda v: str(v)[:40])
def test_every_plan_text_is_verbatim_in_the_signed_convention(where, text):
    assert _normalise(text) in SEED_TEXT, where


def test_the_four_study_subjects_are_loaded_word_for_word_before_the_plan(armentieres):
    """Issue 14: the « sujets d'étude » and their objectives, as in the signed text."""
    tree = plan_tree(territory=armentieres)
    assert [s.title for s in tree.study_subjects] == [
        "Animation de la Vie Sociale",
        "Accompagner le développement de l'enfant",
        "Parentalité/Insertion",
        "Egalité des chances",
    ]
    assert tree.study_subjects[1].objectives[-1] == (
        "Développer des « passerelles d'accompagnement »"
    )
    assert tree.study_subjects[3].objectives == [
        "Rendre accessible l'offre au plus grand nombre en s'intéressant aux modalités de "
        "communication de repérage et d'orientation des publics"
    ]
    texts = [
        t
        for s in tree.study_subjects
        for t in (s.title, *s.description, s.objectives_label, s.objectives_intro, *s.objectives)
        if t
    ]
    assert len(texts) == 25
    plan_start = SEED_TEXT.index("Axes de développement de la CTG")
    for text in texts:
        assert -1 < SEED_TEXT.find(_normalise(text)) < plan_start, text


def test_the_yaml_is_in_the_same_order_as_the_convention():
    """Objectives and indicators appear in the seed in the order of their numbers."""
    for axis in PLAN_DATA["axes"]:
        start = SEED_TEXT.index(_normalise(axis["objectives"][0]["title"]))
        positions = [SEED_TEXT.index(_normalise(o["title"]), start) for o in axis["objectives"]]
        assert positions == sorted(positions), axis["title"]


def test_the_loaded_plan_has_4_axes_15_objectives_24_indicators(armentieres):
    tree = plan_tree(territory=armentieres)
    assert [a.title for a in tree.axes] == [
        "Animation de la Vie Sociale",
        "Accompagner le développement de l'enfant",
        "Parentalité/Insertion",
        "Égalité des Chances",
    ]
    assert [len(a.objectives) for a in tree.axes] == [4, 3, 4, 4]
    assert [len(a.indicators) for a in tree.axes] == [6, 7, 4, 7]
    assert tree.period == (2023, 2026)
    assert tree.reference == "059-215900176-20230209-DE23027-DE"
    assert tree.axes[0].objectives[0].sub_points == [
        "Analyser les besoins des publics",
        "Cartographier les structures et leur zone d'influence",
        "Cadrer les compétences et les périmètres d'intervention",
    ]


def test_every_indicator_has_a_kind_true_to_its_wording(armentieres):
    """Issue 14: « Présence de … » is oui/non (3.1 and 4.1 were a % of located structures);
    « Nombre de groupes / d'instances / de commissions » count distinct bodies. The method is
    computed from the kind and the rule (tests/plan/test_indicators_wording.py)."""
    indicators = Indicator.objects.filter(axis__convention__territory=armentieres)
    assert indicators.count() == 24
    for ind in indicators:
        assert ind.kind in Indicator.Kind.values, ind.code
        if ind.label.startswith("Présence"):
            assert ind.kind == "document" and ind.unit == "oui/non", ind.code
    kinds = {i.code: i.kind for i in indicators}
    assert [c for c, k in kinds.items() if k == "body_count"] == ["1.1", "2.1", "2.3", "3.2", "4.6"]
    assert kinds["1.6"] == kinds["3.1"] == kinds["4.1"] == "document"
    assert kinds["3.3"] == "data"
    assert kinds["2.6"] == "manual"


def test_no_invented_record_target_or_schedule_in_the_embedded_data(armentieres):
    assert not Activity.objects.filter(territory=armentieres).exists()
    assert not IndicatorTarget.objects.exists()
    assert not Milestone.objects.exists()
    assert not Indicator.objects.filter(baseline_value__isnull=False).exists()


def test_loading_the_dataset_twice_changes_nothing_in_the_plan(armentieres):
    from maillage.territory.loader import load_dataset

    report = load_dataset("armentieres")
    assert report.changed == 0, report.lines()
