"""Form widgets rendered in Python instead of through the template engine.

The directory's search form is on every search request; rendering each ``<input>`` and each
``<option>`` through Django's widget templates cost more than the search itself. These widgets
give the same HTML as :func:`django.forms.utils.flatatt` would (``True`` attributes bare,
``False``/``None`` left out, every value escaped), with the standard library's escaping.
"""

from __future__ import annotations

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


class Select(forms.Select):
    """``<select>`` with its options (and optgroups) built directly."""

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None):
        final = {"name": name, **self.build_attrs(self.attrs, attrs)}
        values = value if isinstance(value, list | tuple) else [value]
        options = getattr(self, "option_list", None)
        body = _options(
            list(self.choices) if options is None else options,
            {str(v) for v in values if v is not None},
        )
        return SafeString(f"<select{attributes(final)}>{body}</select>")


def option_keys(options: list) -> frozenset[str]:
    """The values of ``options`` (``(value, label)`` pairs and ``(group, [pairs])`` groups)."""
    return frozenset(
        str(k)
        for key, label in options
        for k in ([key] if not isinstance(label, list | tuple) else [sub for sub, _ in label])
    )


class OptionsField(forms.CharField):
    """A choice among options set per request (:meth:`set_options`), rendered by :class:`Select`.

    Django's ``ChoiceField`` normalises every option each time its choices are set, on the
    field and again on the widget; the search form sets ~120 options on every request. Same
    contract: empty is allowed unless required, anything else must be one of the options.
    """

    widget = Select
    default_error_messages = {
        "invalid_choice": forms.ChoiceField.default_error_messages["invalid_choice"],
    }

    def set_options(self, options: list, allowed: frozenset[str] | None = None) -> None:
        self.widget.option_list = options
        self.allowed = option_keys(options) if allowed is None else allowed

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and value not in getattr(self, "allowed", frozenset()):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
