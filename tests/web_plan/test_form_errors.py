"""One helper puts a service's refusal on the form that sent it (issue 13 item 8)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from maillage.plan.services import PlanValidationError
from maillage.web.form_errors import service_errors_to_form


class ThingForm(forms.Form):
    title = forms.CharField()
    date = forms.DateField()


def _form() -> ThingForm:
    form = ThingForm({"title": "Réunion", "date": "2025-03-04"})
    assert form.is_valid()
    return form


def test_keyed_messages_go_to_the_mapped_field_the_same_name_or_above_the_form():
    form = _form()
    error = PlanValidationError(
        {"titre": "titre trop long.", "date": "hors de la convention.", "axe": "axe inconnu."}
    )
    service_errors_to_form(form, error, fields={"titre": "title"}, sentence=True)
    assert form.errors["title"] == ["Titre trop long."]
    assert form.errors["date"] == ["Hors de la convention."]
    assert form.non_field_errors() == ["Axe inconnu."]
    assert not form.is_valid() and "title" not in form.cleaned_data


def test_several_messages_of_a_key_make_one_sentence_or_stay_apart():
    error = ValidationError({"title": ["titre obligatoire.", "au plus 300 caractères."]})
    form = _form()
    service_errors_to_form(form, error, sentence=True)
    assert form.errors["title"] == ["Titre obligatoire. au plus 300 caractères."]
    form = _form()
    service_errors_to_form(form, error)
    assert form.errors["title"] == ["titre obligatoire.", "au plus 300 caractères."]


def test_unkeyed_messages_are_shown_above_the_form():
    form = _form()
    service_errors_to_form(form, ValidationError("Action réservée au chargé de coopération."))
    assert form.non_field_errors() == ["Action réservée au chargé de coopération."]
    assert form.errors.keys() == {"__all__"}
