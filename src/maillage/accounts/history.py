"""Change history: every change to structures, services, plan, indicators and journal is kept
(who, when, what, before/after as JSON) and restorable by the coordinator.

Other apps' services call :func:`record_change` after a write, with :func:`snapshot` of the
object taken before and after::

    before = snapshot(structure)
    ...  # the write
    record_change(obj=structure, user=user, before=before, after=snapshot(structure),
                  action="update")
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from .actor import Actor, author
from .display import diff_rows
from .editable import editable
from .models import ChangeRecord
from .permissions import is_coordinator, territory_of

# Fields never shown nor restored (derived or technical).
IGNORED_FIELDS = frozenset(
    {"search_text", "sort_name", "updated_at", "created_at", "x_l93", "y_l93"}
)


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The object's concrete fields and many-to-many ids, as JSON-safe values.

    Foreign keys are stored as ids (``organisation`` → its pk); many-to-many as sorted id lists.
    """
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.name in IGNORED_FIELDS:
            continue
        if isinstance(field, models.FileField):
            value = getattr(obj, field.attname)
            data[field.name] = str(value.name if hasattr(value, "name") else value or "")
            continue
        data[field.name] = field.value_from_object(obj)
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            data[field.name] = sorted(o.pk for o in getattr(obj, field.name).all())
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, tuple[Any, Any]]:
    """Fields whose value differs: ``{name: (before, after)}``."""
    before, after = before or {}, after or {}
    return {
        k: (before.get(k), after.get(k))
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    }


def record_change(
    *,
    obj: models.Model,
    user: Actor,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    action: str,
    note: str = "",
) -> ChangeRecord | None:
    """Keep one change of ``obj``; nothing is recorded when an update changed nothing.

    ``before``/``after`` are :func:`snapshot` dicts (``None`` before a creation and after a
    deletion); ``action`` is one of :class:`ChangeRecord.Action`. ``user`` may be ``None``
    (imports, commands).
    """
    if action not in ChangeRecord.Action.values:
        raise ValueError(f"action inconnue : {action}")
    if action == ChangeRecord.Action.UPDATE and not diff(before, after):
        return None
    territory = territory_of(obj)
    return ChangeRecord.objects.create(
        territory=territory if getattr(territory, "pk", None) else None,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        action=action,
        user=author(user),
        before=before,
        after=after,
        note=note[:300],
    )


@dataclass(frozen=True)
class HistoryEntry:
    record: ChangeRecord
    changes: dict[str, tuple]
    labels: dict[str, str]
    model: Any = None

    @property
    def rows(self) -> list[tuple[str, Any, Any]]:
        """``(field label, before, after)`` for each changed field, values readable (names of
        related objects, labels of choices, « oui »/« non »: :mod:`.display`)."""
        if self.model is not None:
            return diff_rows(self.model, self.changes)
        return [(self.labels.get(k, k), old, new) for k, (old, new) in self.changes.items()]


def _labels(model: type[models.Model] | None) -> dict[str, str]:
    if model is None:
        return {}
    return {
        f.name: str(f.verbose_name) for f in model._meta.get_fields() if hasattr(f, "verbose_name")
    }


def object_history(*, content_type: ContentType, object_id: str) -> list[HistoryEntry]:
    """The changes of one object, newest first, each with its field-by-field difference."""
    model = content_type.model_class()
    labels = _labels(model)
    records = ChangeRecord.objects.filter(
        content_type=content_type, object_id=str(object_id)
    ).select_related("user")
    return [HistoryEntry(r, diff(r.before, r.after), labels, model) for r in records]


@contextmanager
def recording(
    *, obj: models.Model, user: Actor, action: str, note: str = "", before: Any = ...
) -> Iterator[None]:
    """Record the change made inside the block, exactly once.

    When the service called inside already records its own changes (once the lead wires
    :func:`record_change` into the other apps' services), its record is relabelled with
    ``action``, ``note`` and ``user`` instead of being duplicated.
    """
    if before is ...:
        before = snapshot(obj) if obj.pk is not None else None
    last_id = ChangeRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    yield
    obj.refresh_from_db()
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    recorded = ChangeRecord.objects.filter(pk__gt=last_id, content_type=ct, object_id=str(obj.pk))
    if recorded.update(action=action, note=note[:300], user=user if user else None):
        return
    record_change(obj=obj, user=user, before=before, after=snapshot(obj), action=action, note=note)


# --------------------------------------------------------------------------- restore
# A model restored through its own service (validation, derived data) says so in
# :mod:`.editable` (``register_editable(..., restore=...)``); the others get their values back
# generically (:func:`apply_values`).


def apply_values(obj: models.Model, values: dict[str, Any]) -> None:
    """Set snapshot values on ``obj`` (foreign keys by id) and save; many-to-many after save."""
    m2m: dict[str, list] = {}
    for name, value in values.items():
        try:
            field = obj._meta.get_field(name)
        except Exception:  # noqa: BLE001 — a field removed since the snapshot
            continue
        if not isinstance(field, models.Field):  # a reverse relation: nothing stored
            continue
        if field.primary_key or name in IGNORED_FIELDS or not field.concrete:
            continue
        if field.many_to_many:
            m2m[name] = value or []
        elif field.is_relation:
            setattr(obj, field.attname, value)
        else:
            setattr(obj, field.attname, field.to_python(value) if value is not None else None)
    obj.full_clean(validate_unique=False, validate_constraints=False)
    obj.save()
    for name, ids in m2m.items():
        getattr(obj, name).set(ids)


def snapshot_values(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """Snapshot values back to what the services accept: related objects for foreign keys
    (``None`` when gone), Python values (dates…) for the other fields."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        field = model._meta.get_field(key)
        related = field.related_model
        if field.is_relation and not field.many_to_many and isinstance(related, type):
            out[key] = related._default_manager.filter(pk=value).first() if value else None
        elif value is not None and isinstance(field, models.Field) and not field.is_relation:
            out[key] = field.to_python(value)
        else:
            out[key] = value
    return out


# Files a restored object owns in other rows (a journal entry's attachments): the model's
# relinker re-creates those rows from the version's values and returns the names of the files
# that are no longer in storage.
FileRelinker = Callable[[models.Model, dict[str, Any]], list[str]]
FILE_RELINKERS: dict[str, FileRelinker] = {}
M = TypeVar("M", bound=models.Model)


def register_file_relinker(
    label: str,
) -> Callable[[Callable[[M, dict[str, Any]], list[str]]], Callable[[M, dict[str, Any]], list[str]]]:
    """Register how a restored ``"app.model"`` gets back the files of its child rows (the
    relinker takes that model: it is only called with an object of ``label``)."""

    def decorator(
        fn: Callable[[M, dict[str, Any]], list[str]],
    ) -> Callable[[M, dict[str, Any]], list[str]]:
        FILE_RELINKERS[label] = cast(FileRelinker, fn)  # looked up by the object's own label
        return fn

    return decorator


def stored_file_exists(field: models.FileField, name: str) -> bool:
    try:
        return bool(name) and field.storage.exists(name)
    except (OSError, ValueError, SuspiciousFileOperation):  # e.g. a name outside the storage
        return False


def _check_own_files(model: type[models.Model], values: dict[str, Any]) -> None:
    """A version whose own file is gone from storage cannot come back (a toolbox document
    without its document): refused, in French, naming the file."""
    for field in model._meta.concrete_fields:
        name = values.get(field.name)
        if isinstance(field, models.FileField) and name and not stored_file_exists(field, name):
            raise ValidationError(
                "Le fichier « {file} » de cette version n'est plus dans le stockage (historique "
                "purgé ou fichier effacé) : elle ne peut pas être restaurée.".format(
                    file=str(values.get("original_name") or name).rsplit("/", 1)[-1]
                )
            )


@dataclass(frozen=True)
class RestoreReport:
    """The restored object and the names of the files that could not come back with it."""

    obj: models.Model
    missing: list[str]

    @property
    def message(self) -> str:
        if not self.missing:
            return ""
        names = ", ".join(f"« {name} »" for name in self.missing)
        if len(self.missing) == 1:
            return (
                f"La pièce jointe {names} n'a pas pu être restaurée : son fichier n'est plus "
                "dans le stockage (historique purgé ou fichier effacé)."
            )
        return (
            f"Les pièces jointes {names} n'ont pas pu être restaurées : leurs fichiers ne sont "
            "plus dans le stockage (historique purgé ou fichiers effacés)."
        )


@transaction.atomic
def restore_change(*, record: ChangeRecord, user: Any, side: str = "before") -> models.Model:
    """Give the object back the values it had before (or after) ``record``; coordinator only.

    The restoration is itself recorded (action « restauration »), so it can be undone.
    A deleted object is re-created with its former values, files included (a deleted record's
    files stay in storage while the history references them: ``maillage history purge``).
    See :func:`restore_change_report` for the files that could not come back.
    """
    return restore_change_report(record=record, user=user, side=side).obj


@transaction.atomic
def restore_change_report(
    *, record: ChangeRecord, user: Any, side: str = "before"
) -> RestoreReport:
    """:func:`restore_change`, telling which child files (attachments) could not come back."""
    from maillage.territory.services import territory_touch

    if not is_coordinator(user, record.territory):
        raise PermissionDenied("Restauration réservée au chargé de coopération du territoire.")
    values = record.before if side == "before" else record.after
    if not values:
        raise ValidationError("Cette version est vide (objet pas encore créé) : rien à restaurer.")
    model = record.content_type.model_class()
    if model is None:
        raise ValidationError("Type d'objet inconnu.")
    _check_own_files(model, values)
    existing = model._default_manager.filter(pk=record.object_id).first()
    created = existing is None
    obj = model(pk=record.object_id) if existing is None else existing
    note = f"version du {timezone.localtime(record.created_at):%d/%m/%Y %H:%M}"
    with recording(
        obj=obj,
        user=user,
        action=ChangeRecord.Action.RESTORE,
        note=note,
        before=None if created else ...,
    ):
        entry = editable(model._meta.label_lower)
        if entry is not None and entry.restore is not None:
            entry.restore(obj=obj, values=values, user=user)
        else:
            apply_values(obj, values)
            territory = territory_of(obj)
            if getattr(territory, "pk", None):
                territory_touch(territory=territory)
        relinker = FILE_RELINKERS.get(model._meta.label_lower)
        missing = relinker(obj, values) if relinker else []
    return RestoreReport(obj=obj, missing=missing)
