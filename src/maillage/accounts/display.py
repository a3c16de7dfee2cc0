"""Human-readable values of history snapshots: names for foreign keys, labels for choices,
« oui »/« non » for booleans, French dates — never a raw id (« 1 → 2 »).

Used wherever a difference is shown: the history page, a proposal waiting for validation, the
refusal of a stale edit (:mod:`maillage.accounts.versioning`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models

EMPTY = "(vide)"


def field_label(model: type[models.Model] | None, name: str) -> str:
    """The field's French ``verbose_name`` (its name when unknown)."""
    try:
        field = model._meta.get_field(name) if model else None
    except Exception:  # noqa: BLE001 — a field removed since the snapshot
        field = None
    return str(getattr(field, "verbose_name", name) or name)


def _related(field: Any, ids: list[Any]) -> list[str]:
    found = {o.pk: str(o) for o in field.related_model._default_manager.filter(pk__in=ids)}
    return [found.get(i, f"n° {i} (supprimé)") for i in ids]


def _vocabulary_label(value: Any) -> str:
    """The label an app registered for a code (:func:`maillage.accounts.editable.
    register_value_labels`: the directory's thématiques, publics, childcare modes)."""
    from .editable import value_label as registered_label

    return registered_label(value)


def value_label(model: type[models.Model] | None, name: str, value: Any) -> str:
    """``value`` of field ``name`` of ``model`` (as stored in a snapshot) for a reader."""
    try:
        field = model._meta.get_field(name) if model else None
    except Exception:  # noqa: BLE001
        field = None
    if value is None or value == "" or value == []:
        return EMPTY
    if field is None:
        return str(value)
    if field.many_to_many:
        return ", ".join(_related(field, list(value))) if isinstance(value, list) else str(value)
    if field.is_relation:
        return _related(field, [value])[0]
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(field, models.Field) and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        try:
            return f"{dt.datetime.fromisoformat(value):%d/%m/%Y %H:%M}"
        except ValueError:
            return value
    if isinstance(field, models.DateField) and isinstance(value, str):
        try:
            return f"{dt.date.fromisoformat(value):%d/%m/%Y}"
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(_vocabulary_label(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def diff_rows(
    model: type[models.Model] | None, changes: dict[str, tuple[Any, Any]]
) -> list[tuple[str, str, str]]:
    """``(field label, before, after)`` for each changed field, values made readable."""
    return [
        (field_label(model, k), value_label(model, k, old), value_label(model, k, new))
        for k, (old, new) in changes.items()
    ]
