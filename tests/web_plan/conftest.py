"""Fixtures of the plan pages tests."""

from __future__ import annotations

import datetime as dt

import pytest
from factories import coordinator as make_coordinator

TODAY = dt.date(2025, 11, 28)
SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def coordinator(armentieres):
    return make_coordinator(
        armentieres, username="coordination", password="un-mot-de-passe-solide-42"
    )


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def activity(armentieres):
    """A real-looking entry typed by a user for this test (never loaded elsewhere)."""
    from maillage.plan.services import activity_record

    return activity_record(
        territory=armentieres,
        date=dt.date(2024, 5, 14),
        kind="groupe de travail",
        title="Groupe de travail AVS",
        body="Groupe de travail AVS",  # issue 14: groups are counted by name, not by meeting
        axes=[1],
        objectives=["1.1"],
        zones=["QP059069"],
        partners=["Les centres sociaux"],
        participants=14,
    )
