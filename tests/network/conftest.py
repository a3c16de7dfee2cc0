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


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Tests create many users: a fast hasher (production keeps Django's PBKDF2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
