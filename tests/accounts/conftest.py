from __future__ import annotations

import pytest

from .roles import people


@pytest.fixture
def roles(armentieres):
    return people(armentieres)


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Tests create many users: a fast hasher (production keeps Django's PBKDF2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
