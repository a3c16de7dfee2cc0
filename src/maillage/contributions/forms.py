"""The residents' forms, and their protection against abuse without a third-party captcha:

- a **honeypot** field (:data:`HONEYPOT`), hidden from people by the style sheet and announced
  « ne pas remplir » to assistive technologies: a robot filling it is answered as if its
  message was received, and nothing is kept;
- a **minimum fill time**: the form carries the time it was shown, signed with the site's key
  (:func:`started_token`); a form sent less than :data:`MIN_FILL_SECONDS` seconds after it was
  shown, or with a missing or forged time, is refused with a message; one older than
  :data:`MAX_FORM_AGE_SECONDS` asks to send it again;
- **size limits** on every field (2 000 characters for a message);
- the per-address limit (:mod:`maillage.contributions.ratelimit`), checked by the view.
"""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from maillage.directory.validation import check_name
from maillage.plan.models import Axis
from maillage.territory.models import Zone

from .models import ReportField

HONEYPOT = "site_internet"
MIN_FILL_SECONDS = 3
MAX_FORM_AGE_SECONDS = 2 * 3600
MAX_MESSAGE = 2000
_SALT = "maillage.contributions.form-started"

TOO_FAST = _(
    "Envoi trop rapide : relisez votre message, puis envoyez-le à nouveau dans quelques secondes."
)
EXPIRED = _("Le formulaire a expiré : vérifiez votre message, puis envoyez-le à nouveau.")


def started_token(*, at: float | None = None) -> str:
    """The signed time (seconds) the form is shown at."""
    return signing.dumps(int(time.time() if at is None else at), salt=_SALT)


class ContributionForm(forms.Form):
    """Common part: honeypot, signed start time, optional contact address."""

    started = forms.CharField(widget=forms.HiddenInput, required=False)
    contact_email = forms.EmailField(
        label=_("Votre courriel (facultatif)"),
        required=False,
        max_length=254,
        help_text=_(
            "Seulement pour vous dire la suite donnée ; effacé dès la réponse envoyée "
            "(ou au bout de 90 jours)."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A field the page hides from people (contributions.css); robots fill it in.
        self.fields[HONEYPOT] = forms.CharField(
            label=_("Ne remplissez pas ce champ"),
            required=False,
            max_length=200,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )
        if not self.is_bound:
            self.initial["started"] = started_token()

    def is_trap_filled(self) -> bool:
        """Whether the honeypot was filled in (a robot)."""
        return bool((self.data.get(HONEYPOT) or "").strip())

    def clean(self) -> dict[str, Any]:
        """The fill time, checked on the whole form (its message is shown above the form)."""
        cleaned = super().clean() or {}
        token = cleaned.get("started") or ""
        try:
            shown = signing.loads(token, salt=_SALT)
        except signing.BadSignature:
            raise forms.ValidationError(TOO_FAST, code="too_fast") from None
        elapsed = time.time() - shown if isinstance(shown, int) else -1
        if elapsed < MIN_FILL_SECONDS:
            raise forms.ValidationError(TOO_FAST, code="too_fast")
        if elapsed > MAX_FORM_AGE_SECONDS:
            raise forms.ValidationError(EXPIRED, code="expired")
        return cleaned

    def renew_start(self) -> None:
        """Give a refused form a new start time (the visitor sends it again)."""
        data = {key: self.data.get(key) for key in self.data}
        data["started"] = started_token()
        self.data = data


class ReportErrorForm(ContributionForm):
    field = forms.ChoiceField(
        label=_("Qu'est-ce qui est inexact ?"),
        choices=ReportField.choices,
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("Précisez l'erreur"),
        max_length=MAX_MESSAGE,
        help_text=_(
            "Par exemple la bonne adresse ou les bons horaires (2 000 caractères au plus)."
        ),
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MAX_MESSAGE}),
    )
    field_order = ["field", "message", "contact_email"]


class ProposePlaceForm(ContributionForm):
    place_name = forms.CharField(label=_("Nom du lieu"), max_length=200)
    place_address = forms.CharField(
        label=_("Adresse"),
        max_length=300,
        help_text=_("Numéro, rue et commune, si vous les connaissez."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    place_offer = forms.CharField(
        label=_("Ce que le lieu propose aux familles"),
        max_length=MAX_MESSAGE,
        help_text=_("Accueil, activités, publics, horaires… (2 000 caractères au plus)."),
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MAX_MESSAGE}),
    )
    field_order = ["place_name", "place_address", "place_offer", "contact_email"]

    def clean_place_name(self) -> str:
        name = self.cleaned_data["place_name"]
        errors: dict[str, list[str]] = {}
        check_name(errors, "name", name)  # the directory's rule: plain text, no markup sign
        if errors:
            raise forms.ValidationError(errors["name"])
        return name


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[("accept", _("Prendre en compte")), ("reject", _("Ne pas retenir"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Réponse (facultative, envoyée à l'habitant s'il a laissé son courriel)"),
        required=False,
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_MESSAGE}),
    )


# --------------------------------------------------------------------------- consultations


class ConsultationForm(forms.Form):
    """The coordinator's questionnaire: a title, a quartier or the whole territory, and up to
    :data:`maillage.contributions.consultations.MAX_QUESTIONS` questions."""

    title = forms.CharField(label=_("Titre"), max_length=200)
    intro = forms.CharField(
        label=_("Présentation (facultative)"),
        required=False,
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_MESSAGE}),
    )
    zone = forms.ModelChoiceField(
        label=_("Quartier concerné"),
        queryset=Zone.objects.none(),
        required=False,
        empty_label=_("Tout le territoire"),
    )

    def __init__(self, *args: Any, zones: list[Any], questions: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone_field = self.fields["zone"]
        assert isinstance(zone_field, forms.ModelChoiceField)
        zone_field.queryset = Zone.objects.filter(pk__in=[z.pk for z in zones]).order_by("name")
        self.question_numbers = list(range(1, questions + 1))
        for i in self.question_numbers:
            self.fields[f"q{i}_text"] = forms.CharField(
                label=_("Texte de la question %(n)s") % {"n": i}, required=False, max_length=300
            )
            self.fields[f"q{i}_kind"] = forms.ChoiceField(
                label=_("Type de réponse de la question %(n)s") % {"n": i},
                choices=[
                    ("single", _("choix unique")),
                    ("multiple", _("choix multiples")),
                    ("text", _("texte libre")),
                ],
                initial="single",
                required=False,  # the select always holds a value; checked with the text
            )
            self.fields[f"q{i}_choices"] = forms.CharField(
                label=_("Réponses possibles à la question %(n)s (une par ligne)") % {"n": i},
                required=False,
                max_length=MAX_MESSAGE,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def question_fields(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"q{i}_text"], self[f"q{i}_kind"], self[f"q{i}_choices"])
            for i in self.question_numbers
        ]

    def questions(self) -> list[dict[str, Any]]:
        d = self.cleaned_data
        return [
            {
                "text": d.get(f"q{i}_text") or "",
                "kind": d.get(f"q{i}_kind"),
                "choices": (d.get(f"q{i}_choices") or "").splitlines(),
            }
            for i in self.question_numbers
        ]


class AnswerForm(ContributionForm):
    """A resident's answers: one field per question, all optional (at least one answered, the
    service checks), and their quartier when the consultation covers the whole territory."""

    def __init__(self, *args: Any, consultation: Any, zones: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["contact_email"]  # anonymous answers: no address asked
        self.questions = list(consultation.questions.all())
        for q in self.questions:
            name, label = f"q{q.pk}", q.text
            if q.kind == "single":
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    required=False,
                    choices=[(c, c) for c in q.choices],
                    widget=forms.RadioSelect,
                )
            elif q.kind == "multiple":
                self.fields[name] = forms.MultipleChoiceField(
                    label=label,
                    required=False,
                    choices=[(c, c) for c in q.choices],
                    widget=forms.CheckboxSelectMultiple,
                )
            else:
                self.fields[name] = forms.CharField(
                    label=label,
                    required=False,
                    max_length=1000,
                    widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
                )
        self.zones = {str(z.pk): z for z in zones}
        if consultation.zone is None:
            self.fields["quartier"] = forms.ChoiceField(
                label=_("Votre quartier (facultatif)"),
                required=False,
                choices=[("", _("Je ne souhaite pas le dire"))]
                + sorted(((k, z.name) for k, z in self.zones.items()), key=lambda c: c[1]),
            )

    def answer_fields(self) -> list[Any]:
        return [self[f"q{q.pk}"] for q in self.questions]

    def values(self) -> dict[int, Any]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}

    def zone(self) -> Any:
        return self.zones.get(self.cleaned_data.get("quartier") or "")


class JournalForm(forms.Form):
    axis = forms.ModelChoiceField(label=_("Axe de la convention"), queryset=Axis.objects.none())

    def __init__(self, *args: Any, axes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        axis_field = self.fields["axis"]
        assert isinstance(axis_field, forms.ModelChoiceField)
        axis_field.queryset = axes
