"""The bilan's table « Action — Manque — Avant — Après »: each gap of the diagnostic the actions
answer (:attr:`maillage.plan.bilan.Bilan.gap_effects`, computed by
:func:`maillage.plan.gaps.gap_effects`, the function the COPIL deck uses) as the PDF, DOCX and
XLSX print it. Nothing is computed here: a figure the diagnostic cannot state reads « non
calculable » with its reason, never 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from .bilan import fr_number

if TYPE_CHECKING:
    from maillage.plan.bilan import Bilan
    from maillage.plan.gaps import GapEffect

__all__ = ["GapRow", "gap_columns", "gap_note", "gap_row", "gap_rows"]


@dataclass(frozen=True)
class GapRow:
    """A linked gap as the bilan's documents print it."""

    actions: str
    gap: str
    before: str
    after: str

    @property
    def cells(self) -> list[str]:
        return [self.actions, self.gap, self.before, self.after]


def gap_columns() -> list[str]:
    return [_("Action"), _("Manque"), _("Avant"), _("Après")]


def gap_row(effect: GapEffect) -> GapRow:
    """``effect`` as one line: its figures when the diagnostic states them, « non calculable »
    and its reason otherwise."""
    actions = "; ".join(
        f"{a.title} ({a.kind}, {a.date:%d/%m/%Y}{', ' + a.status if a.status else ''})"
        for a in effect.actions
    )
    gap = f"{effect.label} — {effect.measure}" if effect.measure else effect.label
    if effect.reason:
        before = _("non calculable : %(reason)s") % {"reason": effect.reason}
        after = _("non calculable")
    elif effect.before is not None:
        before = fr_number(effect.before)
        after = fr_number(effect.after) if effect.after is not None else "—"
    else:
        before = _("pas de chiffre avant/après pour ce type de manque")
        after = "—"
    return GapRow(actions, gap, before, after)


def gap_rows(bilan: Bilan) -> list[GapRow]:
    return [gap_row(g) for g in bilan.gap_effects]


def gap_note() -> str:
    return _(
        "Scénario : population de ses zones blanches avant et après, calculée sur les données "
        "actuelles. Zone blanche : population cible des zones blanches du thème touchant la "
        "zone, aujourd'hui (l'« après » viendra d'un relevé suivant). QPV : les actions "
        "seulement. « Non calculable » : le diagnostic ne peut pas établir le chiffre, pour la "
        "raison donnée (jamais 0)."
    )
