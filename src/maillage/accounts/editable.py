"""Models that users edit through proposals and restores register here, from their app's
``AppConfig.ready()``; :mod:`maillage.accounts` never imports the apps that own them.

Each registration gives three functions, all keyword-only:

- ``validate(obj=, fields=, user=)``: refuse (``ValidationError`` on the field,
  ``PermissionDenied``) the change of ``fields`` by ``user`` exactly as ``apply`` would, **writing
  nothing** — a partner's proposal is checked with it before it is kept, and again with the
  proposer's rights when the coordinator validates it;
- ``apply(obj=, fields=, user=)``: make the change through the owning app's service (its
  validation, derived data, history) and return the object;
- ``restore(obj=, values=, user=)`` (optional): give ``obj`` the values of a history snapshot
  (:func:`maillage.accounts.history.snapshot`); ``obj`` may be a deleted object being re-created
  (``obj._state.adding``). Without it, the generic restore sets the values and saves.

Apps may also register the labels of the codes their list fields hold (thématiques, publics…),
shown instead of the codes in a history difference (:func:`register_value_labels`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models

from .actor import Actor


class Validate(Protocol):
    def __call__(self, *, obj: Any, fields: dict[str, Any], user: Actor) -> None: ...


class Apply(Protocol):
    def __call__(self, *, obj: Any, fields: dict[str, Any], user: Actor) -> models.Model: ...


class Restore(Protocol):
    def __call__(self, *, obj: Any, values: dict[str, Any], user: Actor) -> None: ...


@dataclass(frozen=True)
class Editable:
    label: str
    validate: Validate
    apply: Apply
    restore: Restore | None = None


_EDITABLES: dict[str, Editable] = {}
_VALUE_LABELS: list[Mapping[str, Any]] = []


def register_editable(
    label: str, *, validate: Validate, apply: Apply, restore: Restore | None = None
) -> Editable:
    """Register how the model ``label`` (``"app.model"``, lower case) is changed by a user."""
    entry = Editable(label=label, validate=validate, apply=apply, restore=restore)
    known = _EDITABLES.get(label)
    if known is not None and known != entry:
        raise ImproperlyConfigured(f"« {label} » est déjà enregistré avec d'autres fonctions.")
    _EDITABLES[label] = entry
    return entry


def editable(label: str) -> Editable | None:
    """The registration of ``label``, or ``None``."""
    return _EDITABLES.get(label)


def editable_labels() -> list[str]:
    return sorted(_EDITABLES)


def editable_for(obj: models.Model) -> Editable:
    """The registration of ``obj``'s model; ``ValidationError`` (French) when there is none."""
    label = obj._meta.label_lower
    entry = _EDITABLES.get(label)
    if entry is None:
        raise ValidationError(f"Modification par proposition non prise en charge pour {label}.")
    return entry


def register_value_labels(*mappings: Mapping[str, Any]) -> None:
    """Register ``{code: label}`` tables for the codes of list fields (history display)."""
    for mapping in mappings:
        if not any(mapping is known for known in _VALUE_LABELS):
            _VALUE_LABELS.append(mapping)


def value_label(code: Any) -> str:
    """The registered label of ``code`` (its text when none)."""
    text = str(code)
    for labels in _VALUE_LABELS:
        if text in labels:
            return str(labels[text])
    return text
