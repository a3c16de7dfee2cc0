"""Edits made in the Django admin are kept in the change history, like the services' edits.

The admin writes models directly (no service), so :class:`HistoryAdminMixin` records every
creation, change and deletion made there, with the admin user, through
:mod:`maillage.accounts.history`:

- a creation or a change once everything is saved (the object's fields, its many-to-many
  fields and its inlines), compared with the stored object read before the save — the admin
  form has already changed the object in memory when ``save_model`` is called;
- each object created, changed or deleted through an inline (a structure's services…);
- a deletion (one object, or a selection through the « supprimer » action) before it happens.

Objects deleted by cascade (the services of a deleted structure) are not recorded one by one.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.forms import BaseModelFormSet, ModelForm
from django.http import HttpRequest

from .history import record_change, recording, snapshot
from .models import ChangeRecord

Action = ChangeRecord.Action
BEFORE_ATTR = "_history_before"


def _stored(model: type[models.Model], pk: Any) -> dict[str, Any] | None:
    """Snapshot of the object as stored in the database (not its in-memory changes)."""
    if pk is None:
        return None
    stored = model._default_manager.filter(pk=pk).first()
    return snapshot(stored) if stored is not None else None


class HistoryAdminMixin:
    """Put first in the bases of a ``ModelAdmin``: ``class X(HistoryAdminMixin, ModelAdmin)``."""

    def save_model(self, request: HttpRequest, obj: models.Model, form: ModelForm, change: bool):
        setattr(obj, BEFORE_ATTR, _stored(type(obj), obj.pk) if change else None)
        super().save_model(request, obj, form, change)  # type: ignore[misc]

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: list, change: bool
    ) -> None:
        obj = form.instance
        before = obj.__dict__.pop(BEFORE_ATTR, None)
        action = Action.UPDATE if before is not None else Action.CREATE
        # Many-to-many fields and inlines are saved here: record once they are.
        with recording(obj=obj, user=request.user, action=action, before=before):
            super().save_related(request, form, formsets, change)  # type: ignore[misc]

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseModelFormSet, change: bool
    ) -> None:
        model = formset.model
        before = {
            f.instance.pk: _stored(model, f.instance.pk)
            for f in formset.initial_forms
            if model is not None and f.instance.pk is not None
        }
        for deleted in formset.deleted_forms:
            if before.get(deleted.instance.pk) is not None:
                record_change(
                    obj=deleted.instance,
                    user=request.user,
                    before=before[deleted.instance.pk],
                    after=None,
                    action=Action.DELETE,
                )
        super().save_formset(request, form, formset, change)  # type: ignore[misc]
        for obj in formset.new_objects:
            record_change(
                obj=obj, user=request.user, before=None, after=snapshot(obj), action=Action.CREATE
            )
        for obj, _fields in formset.changed_objects:
            record_change(
                obj=obj,
                user=request.user,
                before=before.get(obj.pk),
                after=snapshot(obj),
                action=Action.UPDATE,
            )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        record_change(
            obj=obj, user=request.user, before=snapshot(obj), after=None, action=Action.DELETE
        )
        super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        for obj in queryset:
            record_change(
                obj=obj, user=request.user, before=snapshot(obj), after=None, action=Action.DELETE
            )
        super().delete_queryset(request, queryset)  # type: ignore[misc]
