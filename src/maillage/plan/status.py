"""The status of an indicator value: one list of words for every surface.

The engine (:mod:`maillage.plan.indicators`) gives each value and each period a :class:`Status`
value (plain text in :class:`~maillage.plan.indicators.IndicatorResult`); the pages show its label
with the CSS class :attr:`Status.css` (``status-…`` rules of ``static/maillage/plan.css``; the
word is always shown, colour is never the only cue), the forms count them in this order, and the
API schema declares them as an enum.
"""

from __future__ import annotations

from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """Statuses in display order. A missing value is « non renseigné » (never 0), « non
    calculable » (the data cannot answer) or « à venir » (a year not yet begun)."""

    REACHED = "atteint", _("atteint")
    IN_PROGRESS = "en cours", _("en cours")
    NOT_REACHED = "non atteint", _("non atteint")
    NO_TARGET = "sans cible", _("sans cible")
    NOT_FILLED = "non renseigné", _("non renseigné")
    NOT_COMPUTABLE = "non calculable", _("non calculable")
    UPCOMING = "à venir", _("à venir")

    @property
    def css(self) -> str:
        """The CSS class suffix: ``status-{css}`` (« non renseigné » → ``non-renseigne``)."""
        return slugify(self.value)


def status_css(value: str) -> str:
    """CSS class suffix of a status value (an unknown word is slugified the same way)."""
    return slugify(value or "")


def status_label(value: str) -> str:
    """The words shown for a status value (the value itself when it is not a :class:`Status`)."""
    try:
        return str(Status(value).label)
    except ValueError:
        return value or ""
