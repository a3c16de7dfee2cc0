"""Fixtures of the plan tests: the real Armentières plan is loaded with the dataset."""

from __future__ import annotations

import pytest


@pytest.fixture
def plan(armentieres):
    return armentieres.convention


@pytest.fixture
def journal_bytes():
    """Build a journal spreadsheet (csv, xlsx or ods) from rows of the import columns."""
    from maillage.interop.tabular import write_table
    from maillage.plan.journal import JOURNAL_COLUMNS

    def build(rows: list[dict], fmt: str = "csv") -> bytes:
        return write_table(rows, columns=JOURNAL_COLUMNS, fmt=fmt)

    return build


def gt_row(title: str, day: str = "2025-03-04", **extra) -> dict:
    """One journal row: a « groupe de travail » for axis 1 (test data, never loaded elsewhere)."""
    return {
        "date": day,
        "type": "groupe de travail",
        "titre": title,
        "axe": "1",
        "objectifs": "1.1",
        "quartiers": "",
        "partenaires": "",
        "participants": 12,
        "description": "",
    } | extra
