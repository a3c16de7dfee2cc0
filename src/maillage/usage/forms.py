"""The period of the audience page (« du … au … »), both optional."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .selectors import default_period

MAX_DAYS = 366 * 5


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("Du"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    end = forms.DateField(
        label=_("Au"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        default_start, default_end = default_period()
        start, end = data.get("start") or default_start, data.get("end") or default_end
        if start > end:
            raise ValidationError(_("La date de début doit précéder la date de fin."))
        if (end - start).days > MAX_DAYS:
            raise ValidationError(_("Période trop longue : cinq ans au plus."))
        data["start"], data["end"] = start, end
        return data

    def period(self) -> tuple[dt.date, dt.date]:
        """The period asked for, or the default one when the form is not valid."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return default_period()


class GuideSupportForm(forms.Form):
    """The printable guide recorded in the journal as a communication support: its quartier
    and its theme (both optional: the whole territory, every theme)."""

    quartier = forms.ChoiceField(label=_("Quartier du guide"), required=False)
    theme = forms.ChoiceField(label=_("Thème du guide"), required=False)

    def __init__(self, *args: Any, territory: Any, **kwargs: Any) -> None:
        from maillage.directory.models import CtgTheme
        from maillage.territory.selectors import territory_zones

        super().__init__(*args, **kwargs)
        zones = territory_zones(territory=territory, outlines=False)
        quartier: Any = self.fields["quartier"]
        quartier.choices = [("", _("Tout le territoire"))] + [(z.code, z.name) for z in zones]
        theme: Any = self.fields["theme"]
        theme.choices = [("", _("Tous les thèmes"))] + list(CtgTheme.choices)
