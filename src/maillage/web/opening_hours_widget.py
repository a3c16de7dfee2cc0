"""The opening-hours editor: a text field holding the OpenStreetMap ``opening_hours`` value,
enhanced in the browser by ``static/maillage/opening_hours.js`` into days × time ranges,
public holidays closed or open and, when the parser accepts comments, « sur rendez-vous ».

Progressive enhancement: without JavaScript the text field is the whole widget and stays
usable (the server validates it with :mod:`maillage.directory.opening_hours`). The editor is
rendered by the template (labels through gettext), hidden until the script enables it; it
writes only the common OSM subset (``Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off``).

Use: ``widgets = {"opening_hours": OpeningHoursWidget()}`` and load the script on the page
(``{{ form.media }}`` or ``<script src="{% static 'maillage/opening_hours.js' %}">``).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django import forms

from maillage.directory import opening_hours

# The value the editor writes for a day « sur rendez-vous » (an OSM comment).
APPOINTMENT_COMMENT = '"sur rendez-vous"'
# (OSM code, French label), Monday first, as the parser's DAYS.
DAYS = tuple(zip(opening_hours.DAYS, opening_hours.DAY_LABELS, strict=True))


@cache
def parser_accepts_comments() -> bool:
    """Whether the current parser accepts ``Mo 09:00-12:00 "sur rendez-vous"`` (the editor
    offers « sur rendez-vous » only then, so it never writes a value the server refuses)."""
    return opening_hours.validate(f"Mo 09:00-12:00 {APPOINTMENT_COMMENT}") is None


class OpeningHoursWidget(forms.TextInput):
    template_name = "web/widgets/opening_hours.html"

    class Media:
        js = ("maillage/opening_hours.js",)

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"class": "oh-raw", "autocomplete": "off", "spellcheck": "false"}
        super().__init__({**base, **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["oh"] = {"days": DAYS, "comments": parser_accepts_comments()}
        return context
