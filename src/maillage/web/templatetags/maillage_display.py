"""Display filters for names as the sources give them.

``{{ name|display_name }}``: a run of words in capitals (« ECOLE PRIMAIRE », « de LA CHAPELLE
D'ARMENTIERES ») is title-cased for reading; acronyms alone (« RPE », « (CCAS) ») are kept.
"""

from __future__ import annotations

import re

from django import template

register = template.Library()

# Two or more words in capitals in a row (apostrophes and hyphens inside words allowed).
_CAPITALS = re.compile(r"\b[A-ZÀ-Ý][A-ZÀ-Ý'’-]+(?:\s+[A-ZÀ-Ý][A-ZÀ-Ý'’-]*)+\b")
_SMALL = {"de", "du", "des", "la", "le", "les", "et", "à", "au", "aux", "en", "sur", "sous"}


def _title(run: str, *, first: bool) -> str:
    words = []
    for k, word in enumerate(run.split()):
        low = word.lower()
        if "'" in low or "’" in low:  # d'armentieres → d'Armentieres
            head, sep, tail = low.partition("'" if "'" in low else "’")
            words.append(head + sep + tail.capitalize() if len(head) <= 2 else low.capitalize())
        elif low in _SMALL and not (first and k == 0):
            words.append(low)
        else:
            words.append("-".join(p.capitalize() for p in low.split("-")))
    return " ".join(words)


@register.filter
def display_name(name: str) -> str:
    """``name`` with its runs of capitals (8 letters or more) title-cased."""

    def fix(match: re.Match[str]) -> str:
        run = match.group(0)
        if sum(c.isalpha() for c in run) < 8:
            return run
        return _title(run, first=match.start() == 0)

    return _CAPITALS.sub(fix, name or "")


@register.filter
def unit_for(unit: str, value: float | None) -> str:
    """``unit`` agreed with ``value`` the French way: below 2 a plural unit is singular
    (« 1 structure », « 1,5 point »); symbols and multi-word units are left as they are."""
    if value is None or abs(value) >= 2 or not unit or " " in unit or not unit.endswith("s"):
        return unit or ""
    if not unit[:-1].isalpha():
        return unit
    return unit[:-1]
