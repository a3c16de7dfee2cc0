from __future__ import annotations

import pytest

from tests.accounts.roles import people


@pytest.fixture
def roles(armentieres):
    return people(armentieres)


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings.MEDIA_ROOT
