"""Form widgets rendered in Python instead of through the template engine.

The directory's search form is on every search request; rendering each ``<input>`` and each
``<option>`` through Django's widget templates cost more than the search itself. These widgets
give the same HTML as :func:`django.forms.utils.flatatt` would (``True`` attributes bare,
``False``/``None`` left out, every value escaped), with the standard library's escaping.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from django import forms
from django.utils.safestring import SafeString


def attributes(attrs: dict[str, Any]) -> str:
    """`` name="value"`` pairs, escaped; ``True`` gives a bare attribute."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not None and value is not False
    )


class PythonInputMixin:
    """``<input>`` built directly: type, name, value and the bound field's attributes."""

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None):
        final = self.build_attrs(self.attrs, attrs)  # type: ignore[attr-defined]
        final = {"type": self.input_type, "name": name, **final}  # type: ignore[attr-defined]
        formatted = self.format_value(value)  # type: ignore[attr-defined]
        if formatted is not None:
            final["value"] = formatted
        return SafeString(f"<input{attributes(final)}>")


class TextInput(PythonInputMixin, forms.TextInput):
    pass


class NumberInput(PythonInputMixin, forms.NumberInput):
    pass


class HiddenInput(PythonInputMixin, forms.HiddenInput):
    pass


def _options(choices: list, selected: set[str]) -> str:
    parts = []
    for key, label in choices:
        if isinstance(label, list | tuple):
            inner = _options(list(label), selected)
            parts.append(f'<optgroup label="{escape(str(key))}">{inner}</optgroup>')
            continue
        mark = " selected" if str(key) in selected else ""
        parts.append(f'<option value="{escape(str(key))}"{mark}>{escape(str(label))}</option>')
    return "".join(parts)


@dataclass(frozen=True)
class Options:
    """Options of a select built once (values, and their HTML without any selection)."""

    items: list  # (value, label) pairs and (group, [pairs]) groups
    keys: frozenset[str]
    html: str

    @classmethod
    def of(cls, items: list) -> Options:
        keys = frozenset(
            str(k)
            for key, label in items
            for k in ([key] if not isinstance(label, list | tuple) else [sub for sub, _ in label])
        )
        return cls(items=items, keys=keys, html=_options(items, set()))

    def selecting(self, value: Any) -> str:
        """The options' HTML with ``value`` selected (a value that is not an option: none)."""
        value = "" if value is None else str(value)
        if value not in self.keys:
            return self.html
        plain = f'<option value="{escape(value)}">'
        return self.html.replace(plain, plain[:-1] + " selected>", 1)


class Select(forms.Select):
    """``<select>`` with its options (and optgroups) built directly; with :class:`Options`
    (see :class:`OptionsField`), their HTML is built once and only the selection changes."""

    option_set: Options | None = None

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None):
        final = {"name": name, **self.build_attrs(self.attrs, attrs)}
        if self.option_set is not None:
            body = self.option_set.selecting(value[0] if isinstance(value, list) else value)
        else:
            values = value if isinstance(value, list | tuple) else [value]
            body = _options(list(self.choices), {str(v) for v in values if v is not None})
        return SafeString(f"<select{attributes(final)}>{body}</select>")


class OptionsField(forms.CharField):
    """A choice among :class:`Options` set per request (:meth:`set_options`).

    Django's ``ChoiceField`` normalises every option each time its choices are set, on the
    field and again on the widget; the search form sets ~120 options on every request. Same
    contract: empty is allowed unless required, anything else must be one of the options.
    """

    widget = Select
    default_error_messages = {
        "invalid_choice": forms.ChoiceField.default_error_messages["invalid_choice"],
    }

    def set_options(self, options: Options) -> None:
        self.widget.option_set = options

    def validate(self, value: Any) -> None:
        super().validate(value)
        options = self.widget.option_set
        if value and (options is None or value not in options.keys):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
