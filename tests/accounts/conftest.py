from __future__ import annotations

import pytest

from .roles import people


@pytest.fixture
def roles(armentieres):
    return people(armentieres)
