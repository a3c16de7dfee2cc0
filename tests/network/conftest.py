from __future__ import annotations

import pytest
from accounts.roles import people


@pytest.fixture
def roles(armentieres):
    return people(armentieres)


@pytest.fixture
def media(tmp_path, settings):
    """Uploads go to a temporary MEDIA_ROOT, removed after the test."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT
