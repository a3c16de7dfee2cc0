"""The COPIL as an object: a meeting and its decisions; a decision becomes an échéance; the next
COPIL's deck starts with what became of each decision."""

from __future__ import annotations

import datetime as dt

import pytest

from maillage.plan.copil import (
    copil_build,
    decision_add,
    decision_to_milestone,
    meeting_save,
    next_meeting,
)
from maillage.plan.models import CopilDecision, Milestone
from maillage.plan.services import milestone_update
from maillage.plan.validation import PlanValidationError
from maillage.reports.copil_slides import copil_slides

TODAY = dt.date(2025, 11, 28)


def _meeting(territory, day: dt.date, title: str = "COPIL de printemps", **extra):
    return meeting_save(territory=territory, date=day, title=title, **extra)


def test_a_decision_becomes_an_echeance_with_its_owner_and_date(armentieres):
    meeting = _meeting(armentieres, dt.date(2025, 3, 14))
    decision = decision_add(meeting=meeting, text="Ouvrir une permanence au Bizet", owner="CCAS")
    with pytest.raises(PlanValidationError) as exc:
        decision_to_milestone(decision=decision)  # no date: the step needs one
    assert "date d'échéance" in str(exc.value.message_dict["due_date"])
    milestone = decision_to_milestone(decision=decision, due_date=dt.date(2025, 9, 1))
    assert milestone.convention.territory == armentieres
    assert (milestone.title, milestone.owner, milestone.due_date) == (
        "Ouvrir une permanence au Bizet",
        "CCAS",
        dt.date(2025, 9, 1),
    )
    assert milestone.status == Milestone.Status.PLANNED
    assert "14/03/2025" in milestone.note
    decision.refresh_from_db()
    assert decision.milestone == milestone
    assert decision.status == CopilDecision.Status.IN_PROGRESS
    with pytest.raises(PlanValidationError):  # twice would make two steps
        decision_to_milestone(decision=decision, due_date=dt.date(2025, 9, 1))
    assert Milestone.objects.filter(title="Ouvrir une permanence au Bizet").count() == 1


def test_the_next_deck_shows_what_became_of_each_decision(armentieres):
    first = _meeting(armentieres, dt.date(2025, 3, 14))
    done = decision_add(meeting=first, text="Cartographier les lieux", owner="Ville")
    kept = decision_add(meeting=first, text="Écrire le projet de territoire", owner="CAF")
    milestone = decision_to_milestone(decision=done, due_date=dt.date(2025, 6, 30))
    milestone_update(milestone=milestone, status=Milestone.Status.DONE)
    second = _meeting(
        armentieres,
        dt.date(2025, 12, 5),
        title="COPIL d'automne",
        agenda="Bilan 2025\nSuites",
        to_decide="Valider le plan 2026",
    )
    copil = copil_build(territory=armentieres, year=2025, meeting=second, today=TODAY)
    assert copil.previous is not None and copil.previous.date == dt.date(2025, 3, 14)
    slides = copil_slides(copil)
    follow_up = slides[1]  # right after the title slide
    assert follow_up.title == "Suites des décisions du dernier COPIL"
    rows = {row[0]: row for row in follow_up.table.rows}
    assert rows["Cartographier les lieux"][3] == "échéance « Cartographier les lieux »"
    assert rows["Cartographier les lieux"][4] == "réalisé"  # the milestone's status
    assert rows["Écrire le projet de territoire"][3] == "pas d'échéance"
    assert rows["Écrire le projet de territoire"][4] == "à faire"  # the decision's own
    assert kept.milestone is None
    assert [s.title for s in slides[2:4]] == ["Ordre du jour", "Le territoire en quatre chiffres"]
    # A step still open after its date reads late.
    milestone_update(milestone=milestone, status=Milestone.Status.IN_PROGRESS)
    copil = copil_build(territory=armentieres, year=2025, meeting=second, today=TODAY)
    row = next(r for r in copil_slides(copil)[1].table.rows if r[0] == "Cartographier les lieux")
    assert row[4] == "en cours (en retard)"
    decide = next(s for s in slides if s.title == "Décisions à prendre")
    assert decide.bullets == ["Valider le plan 2026"]


def test_the_next_meeting_is_the_first_from_today(armentieres):
    _meeting(armentieres, dt.date(2025, 3, 14))
    coming = _meeting(armentieres, dt.date(2026, 1, 9), title="COPIL de janvier")
    _meeting(armentieres, dt.date(2026, 6, 5), title="COPIL de juin")
    assert next_meeting(territory=armentieres, today=TODAY) == coming
    assert next_meeting(territory=armentieres, today=dt.date(2027, 1, 1)) is None


def test_the_first_copil_has_no_follow_up_slide(armentieres):
    meeting = _meeting(armentieres, dt.date(2025, 3, 14))
    decision_add(meeting=meeting, text="Une décision")
    copil = copil_build(territory=armentieres, year=2025, meeting=meeting, today=TODAY)
    assert copil.previous is None
    assert "Suites des décisions du dernier COPIL" not in [s.title for s in copil_slides(copil)]


def test_bad_input_is_refused_in_french_and_writes_nothing(armentieres):
    with pytest.raises(PlanValidationError) as exc:
        meeting_save(territory=armentieres, date="demain", title="  ")
    assert set(exc.value.message_dict) == {"date", "title"}
    meeting = _meeting(armentieres, dt.date(2025, 3, 14))
    with pytest.raises(PlanValidationError) as exc:
        decision_add(meeting=meeting, text="   ", owner="x" * 301)
    assert set(exc.value.message_dict) == {"text", "owner"}
    assert not CopilDecision.objects.exists()
