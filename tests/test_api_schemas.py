"""The API's output schemas and the result objects they serialise cannot drift (issue 13, item 5).

Each ninja output schema of a computed result (territory figures, plan tree, indicator results
and their evidence) is compared with the dataclass the selector returns: every field of the
schema is a field of the result, and every field of the result is in the schema unless it is
listed here as deliberately left out of the API (with the reason). A field added to a result
therefore fails this test until someone decides whether the API shows it.
"""

from __future__ import annotations

import dataclasses

import pytest

from maillage.api.plan import (
    AxisOut,
    EvidenceOut,
    IndicatorNodeOut,
    IndicatorOut,
    ObjectiveOut,
    PlanOut,
    StudySubjectOut,
)
from maillage.api.territory import FigureOut
from maillage.plan.evidence_sources import Evidence
from maillage.plan.indicators import IndicatorResult
from maillage.plan.selectors import (
    AxisNode,
    IndicatorNode,
    ObjectiveNode,
    PlanTree,
    StudySubjectNode,
)
from maillage.territory.selectors import Figure

# (schema, result dataclass, result fields the API leaves out: why)
PAIRS = [
    (FigureOut, Figure, {}),
    (PlanOut, PlanTree, {}),
    (AxisOut, AxisNode, {}),
    (ObjectiveOut, ObjectiveNode, {}),
    (IndicatorNodeOut, IndicatorNode, {}),
    (StudySubjectOut, StudySubjectNode, {}),
    (
        IndicatorOut,
        IndicatorResult,
        {
            "number": "the indicator's code (« 1.2 ») already carries its number",
            "rule": "the computation rule is in the plan tree (IndicatorNodeOut.rule)",
            "evidence": "all years' evidence, given year by year in evidence_by_year",
        },
    ),
    (EvidenceOut, Evidence, {}),
]


@pytest.mark.parametrize(
    ("schema", "result", "left_out"), PAIRS, ids=[schema.__name__ for schema, _r, _l in PAIRS]
)
def test_output_schema_has_the_fields_of_its_result(schema, result, left_out):
    result_fields = {f.name for f in dataclasses.fields(result)}
    schema_fields = set(schema.model_fields)
    assert schema_fields - result_fields == set(), (
        f"{schema.__name__} names fields that {result.__name__} does not have"
    )
    assert set(left_out) <= result_fields, f"{result.__name__} no longer has {set(left_out)}"
    assert result_fields - schema_fields == set(left_out), (
        f"{result.__name__} fields missing from {schema.__name__}: add them to the schema, or "
        "to the fields left out here with the reason"
    )
