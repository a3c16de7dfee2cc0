"""Widgets rendered in Python: same HTML contract as Django's (escaped, bare booleans)."""

from __future__ import annotations

from django import forms

from maillage.web import widgets


class _Form(forms.Form):
    q = forms.CharField(required=False, max_length=20, widget=widgets.TextInput)
    n = forms.IntegerField(required=True, min_value=0, widget=widgets.NumberInput)
    h = forms.CharField(required=False, widget=widgets.HiddenInput)
    choice = forms.ChoiceField(
        required=False,
        widget=widgets.Select,
        choices=[("", "Tous"), ("Groupe <b>", [("a&b", "A & B"), ("c", 'C "cité"')])],
    )


def test_values_and_labels_are_escaped_and_the_choice_is_selected():
    form = _Form({"q": '"><script>alert(1)</script>', "n": "3", "choice": "a&b"})
    q, n, choice = str(form["q"]), str(form["n"]), str(form["choice"])
    assert "<script>" not in q and 'value="&quot;&gt;&lt;script&gt;' in q
    assert q.startswith('<input type="text" name="q"') and 'maxlength="20"' in q
    assert 'type="number"' in n and 'min="0"' in n and " required" in n and 'value="3"' in n
    assert '<optgroup label="Groupe &lt;b&gt;">' in choice
    assert '<option value="a&amp;b" selected>A &amp; B</option>' in choice
    assert '<option value="c">C &quot;cité&quot;</option>' in choice
    assert choice.count(" selected") == 1


def test_errors_reach_the_widget_attributes():
    form = _Form({"n": "-1"})
    assert not form.is_valid()
    assert 'aria-invalid="true"' in str(form["n"])
    assert str(form["h"]) == '<input type="hidden" name="h" id="id_h">'


class _OptionsForm(forms.Form):
    choice = widgets.OptionsField(required=False)


def test_options_field_accepts_only_its_options_and_renders_them():
    options = widgets.Options.of([("", "Tous"), ("Groupe", [("a", "A"), ("b", "B")])])
    form = _OptionsForm({"choice": "b"})
    form.fields["choice"].set_options(options)
    assert form.is_valid() and form.cleaned_data["choice"] == "b"
    html = str(form["choice"])
    assert '<option value="b" selected>B</option>' in html and html.count(" selected") == 1
    bad = _OptionsForm({"choice": "z"})
    bad.fields["choice"].set_options(options)
    assert not bad.is_valid()
    assert "z" in bad.errors["choice"][0] and "valide" in bad.errors["choice"][0]
    empty = _OptionsForm({"choice": ""})
    empty.fields["choice"].set_options(options)
    assert empty.is_valid()
    assert str(empty["choice"]).count(" selected") == 1  # the empty choice, as Django does
    assert '<option value="" selected>Tous</option>' in str(empty["choice"])


def test_prebuilt_options_select_only_a_real_value():
    options = widgets.Options.of([("", "Tous"), ("a&b", "A & B"), ("c", "C")])
    assert options.keys == frozenset({"", "a&b", "c"})
    assert '<option value="a&amp;b" selected>A &amp; B</option>' in options.selecting("a&b")
    assert options.selecting('"><script>') == options.html  # not an option: nothing selected
    assert options.selecting(None) == options.html.replace(
        '<option value="">', '<option value="" selected>', 1
    )
