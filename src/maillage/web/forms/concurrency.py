"""The version token every edit form carries (optimistic concurrency, ADR 0005,
:mod:`maillage.accounts.versioning`): a save from a stale form is refused and re-shown."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _g

from maillage.accounts.versioning import StaleVersion

VERSION = "version"


def version_field() -> forms.CharField:
    """The hidden field carrying the version token of the record the form was opened on
    (:mod:`maillage.accounts.versioning`): a save from a stale form is refused."""
    return forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


def show_stale(form: forms.BaseForm, exc: StaleVersion, *, version_name: str = VERSION) -> None:
    """Re-show ``form`` after a refused stale save: the user's input kept, the message naming
    the other person's change, each field they changed flagged with its current value, and
    the current version, so that saving again is a deliberate choice."""
    form.add_error(None, exc.messages)
    for name, (_label, _then, now) in zip(exc.fields, exc.rows, strict=False):
        if name in form.fields and name != VERSION:
            form.add_error(
                name,
                _g("Modifié entre-temps : valeur actuelle « %(now)s ».") % {"now": now},
            )
    take_version(form, exc.current, version_name=version_name)


def take_version(form: forms.BaseForm, current: str, *, version_name: str = VERSION) -> None:
    """Put the stored version ``current`` in the bound ``form``, the user's input kept: sending
    it again is then a deliberate save over the other person's change."""
    data: QueryDict | dict[str, Any] = (
        form.data.copy() if isinstance(form.data, QueryDict) else dict(form.data)
    )
    data[form.add_prefix(version_name)] = current
    form.data = data


def changed_fields(form: forms.ModelForm) -> dict[str, Any]:
    """The cleaned values that differ from the instance (what the user really changed)."""
    return {
        name: form.cleaned_data[name]
        for name in form.changed_data
        if name in form.cleaned_data and name != VERSION
    }
