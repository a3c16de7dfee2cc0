"""How the directory's structures and services are edited by users through
:mod:`maillage.accounts` (proposals, validation, restores): registered from
:meth:`maillage.directory.apps.DirectoryConfig.ready` (:func:`register_editables`), so that the
accounts app never imports the directory."""

from __future__ import annotations

from typing import Any

from maillage.accounts.actor import Actor
from maillage.accounts.editable import register_editable, register_value_labels
from maillage.accounts.history import apply_values, snapshot_values

from .derived import structure_derived
from .models import Service, Structure
from .services import (
    EDITABLE_SERVICE_FIELDS,
    EDITABLE_STRUCTURE_FIELDS,
    service_update,
    service_update_check,
    structure_update,
    structure_update_check,
)
from .vocabulary import CHILDCARE_MODE_LABELS, PUBLIC_LABELS, THEMATIQUE_LABELS


def _validate_structure(*, obj: Structure, fields: dict[str, Any], user: Actor) -> None:
    structure_update_check(structure=obj, user=user, **fields)


def _apply_structure(*, obj: Structure, fields: dict[str, Any], user: Actor) -> Structure:
    return structure_update(structure=obj, user=user, **fields)


def _restore_structure(*, obj: Structure, values: dict[str, Any], user: Actor) -> None:
    if obj._state.adding:  # a deleted structure comes back as it was, derived data rebuilt
        apply_values(obj, values)
        structure_derived(obj, touch=True)
        return
    fields = {k: v for k, v in values.items() if k in EDITABLE_STRUCTURE_FIELDS}
    structure_update(structure=obj, user=user, **snapshot_values(Structure, fields))


def _validate_service(*, obj: Service, fields: dict[str, Any], user: Actor) -> None:
    service_update_check(service=obj, user=user, **fields)


def _apply_service(*, obj: Service, fields: dict[str, Any], user: Actor) -> Service:
    return service_update(service=obj, user=user, **fields)


def _restore_service(*, obj: Service, values: dict[str, Any], user: Actor) -> None:
    if obj._state.adding:  # its structure's search text reads its name and description
        apply_values(obj, values)
        structure_derived(obj.structure, touch=True)
        return
    fields = {k: v for k, v in values.items() if k in EDITABLE_SERVICE_FIELDS}
    service_update(service=obj, user=user, **snapshot_values(Service, fields))


def register_editables() -> None:
    register_editable(
        "directory.structure",
        validate=_validate_structure,
        apply=_apply_structure,
        restore=_restore_structure,
    )
    register_editable(
        "directory.service",
        validate=_validate_service,
        apply=_apply_service,
        restore=_restore_service,
    )
    register_value_labels(THEMATIQUE_LABELS, PUBLIC_LABELS, CHILDCARE_MODE_LABELS)
