"""A service's refusal shown on the form that sent it: one helper for every form.

Services validate and raise a Django :class:`~django.core.exceptions.ValidationError` whose
French messages are keyed by field (``message_dict``) or not keyed at all (``messages``).
:func:`service_errors_to_form` puts each message on the matching form field, or above the form
(non-field errors) when no field matches::

    try:
        thing = thing_update(...)
    except ValidationError as exc:
        service_errors_to_form(form, exc, fields={"titre": "title"})
"""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError


def as_sentence(messages: list[str]) -> str:
    """Messages joined into one sentence starting with a capital (« Titre obligatoire. »)."""
    text = " ".join(str(m) for m in messages)
    return text[:1].upper() + text[1:]


def service_errors_to_form(
    form: forms.BaseForm,
    error: ValidationError,
    *,
    fields: Mapping[str, str] | None = None,
    sentence: bool = False,
) -> None:
    """Add ``error``'s messages to ``form``.

    A key goes to the form field ``fields`` maps it to (service key → form field name), else to
    the field of the same name, else — as unkeyed messages do — above the form. ``sentence``:
    the messages of one key become one sentence with a capital (services that write lower-case
    fragments, « titre obligatoire. »); otherwise each message is kept as it is.
    """
    keyed = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for key, messages in keyed.items():
        name = (fields or {}).get(key, key) if key is not None else None
        target = name if name in form.fields else None
        form.add_error(target, as_sentence(messages) if sentence else messages)
