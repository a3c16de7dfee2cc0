"""The Armentières dataset as the test session loaded it, put back after a test that emptied it.

``live_server`` and ``transactional_db`` empty the database after each test (a flush), so the
browser tests reload the real dataset before they run and once more at the end of their module or
package. Reading and checking the raw files again takes 4-5 s a time. On SQLite the session's
database lives in memory: a copy of it, taken with SQLite's online backup right after the first
load, is written back in a few milliseconds instead, byte for byte the state the session began
with (rows, ids and sequences). On another database (PostgreSQL) the dataset is loaded again.
"""

from __future__ import annotations

import sqlite3

_snapshot: sqlite3.Connection | None = None


def _in_memory_sqlite():  # noqa: ANN202 - Django's default connection, or None
    from django.db import connection

    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        return None
    connection.ensure_connection()
    return connection


def remember() -> None:
    """Keep a copy of the freshly loaded test database (SQLite in memory only)."""
    global _snapshot
    connection = _in_memory_sqlite()
    if connection is None:
        return
    _snapshot = sqlite3.connect(":memory:", check_same_thread=False)
    connection.connection.backup(_snapshot)


def restore() -> None:
    """Put the Armentières dataset back if a flush removed it (the copy, else a new load)."""
    from django.core.cache import cache

    from maillage.territory.models import Territory

    if Territory.objects.filter(slug="armentieres").exists():
        return
    connection = _in_memory_sqlite()
    if _snapshot is not None and connection is not None:
        from django.contrib.contenttypes.models import ContentType

        _snapshot.backup(connection.connection)
        # The flush's post_migrate made content types with other ids, cached by get_for_model.
        ContentType.objects.clear_cache()
    else:
        from maillage.territory.loader import load_dataset

        load_dataset("armentieres")
    cache.clear()  # cached searches and pages were computed on the emptied database
