"""A rule typed in a spreadsheet or a dataset can hold anything JSON holds: every registered
indicator kind answers it with a French problem or ``None``, never an exception (a list inside
a list used to crash the journal kinds' check)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from maillage.plan.indicator_kinds import registered_kinds

KEYS = ["kinds", "axis", "objectives", "zone", "theme", "source", "measures", "validated"]
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=6,
)


@given(rule=st.dictionaries(st.sampled_from(KEYS), JSON, max_size=4))
def test_every_kind_answers_any_json_rule_without_crashing(rule):
    context = {
        "kind_names": {"atelier collectif"},
        "axis_numbers": {1, 2},
        "objective_codes": {"1.1"},
    }
    for kind in registered_kinds():
        problem = kind.validate_rule(rule, **context)
        assert problem is None or (isinstance(problem, str) and problem)


def test_a_list_inside_a_list_is_refused_in_french():
    context = {"kind_names": {"x"}, "axis_numbers": {1}, "objective_codes": {"1.1"}}
    for kind in registered_kinds():
        if kind.name.startswith("journal") or "kinds" in getattr(kind, "doc", ""):
            problem = kind.validate_rule({"kinds": [["x"]]}, **context)
            assert problem and "attendue" in problem
