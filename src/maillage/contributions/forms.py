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
