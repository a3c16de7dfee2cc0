"""A form's field with its own type: ``self.fields`` only knows it holds some ``Field``."""

from __future__ import annotations

from typing import TypeVar

from django import forms

F = TypeVar("F", bound=forms.Field)


def form_field(form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """The field ``name`` of ``form``, checked to be a ``kind`` (a ``ChoiceField``…).

    Forms that fill choices or a queryset at run time go through it, so that the type checker
    knows the field has ``choices`` or ``queryset`` and a renamed field fails loudly.
    """
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{name!r} is a {type(field).__name__}, not a {kind.__name__}")
    return field
