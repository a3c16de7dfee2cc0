"""Street matching for the local geocoder: an in-memory index of the streets of the loaded
communes (one entry per commune and street key), searched by character trigrams then ranked
by a similarity in 0..1. Pure Python, no Django.

A commune has a few hundred to a few thousand streets and some thousands of addresses: the
index of a territory (streets with their numbers and positions, ~100 bytes an address) is
built once per load of the BAN (see ``selectors``), so a query reads no table.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from maillage.text import fold

from .normalize import split_type

SHORTLIST = 40  # streets sharing the most trigrams with the query
CANDIDATES = 10  # of which, by trigram similarity (Dice), those ranked precisely


@dataclass(frozen=True)
class Street:
    code_insee: str
    key: str  # street key (normalize.street_key)
    nom_voie: str  # as published
    code_postal: str
    nom_commune: str
    # (numero, rep, lon, lat) of its addresses, by number
    addresses: tuple[tuple[int | None, str, float, float], ...] = field(
        default=(), compare=False, repr=False
    )


def trigrams(text: str) -> set[str]:
    padded = f"  {text} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def name_similarity(wanted: str, found: str) -> float:
    """Similarity in 0..1 of two street names without their type (keys)."""
    if wanted == found:
        return 1.0
    a, b = trigrams(wanted), trigrams(found)
    dice = 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0
    ratio = SequenceMatcher(None, wanted, found, autojunk=False).ratio()
    score = (dice + ratio) / 2
    w, f = set(wanted.split()), set(found.split())
    if w and w <= f:  # every word typed is in the name (« rue salengro » → « rue roger salengro »)
        score = max(score, 0.85 + 0.15 * len(w) / len(f))
    return score


def type_factor(wanted: str, found: str) -> float:
    """1 for the same street type, 0.8 for two different ones, 0.95 when one is missing."""
    if wanted == found:
        return 1.0
    if wanted and found:
        return 0.8
    return 0.95


@dataclass
class StreetIndex:
    """The streets of some communes, searchable by name."""

    streets: list[Street] = field(default_factory=list)
    commune_names: tuple[str, ...] = ()  # folded, to be removed from the end of a query
    _names: list[str] = field(default_factory=list)
    _types: list[str] = field(default_factory=list)
    _grams: list[int] = field(default_factory=list)
    _postings: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def build(cls, streets: list[Street]) -> StreetIndex:
        index = cls(streets=streets, commune_names=tuple({fold(s.nom_commune) for s in streets}))
        for i, street in enumerate(streets):
            kind, name = split_type(street.key)
            index._types.append(kind)
            index._names.append(name)
            grams = trigrams(name)
            index._grams.append(len(grams))
            for gram in grams:
                index._postings.setdefault(gram, []).append(i)
        return index

    def __len__(self) -> int:
        return len(self.streets)

    def search(
        self, key: str, *, codes: set[str] | None = None, limit: int = 5
    ) -> list[tuple[Street, float]]:
        """The ``limit`` streets most like the street key ``key``, with their score (0..1),
        within the communes ``codes`` when given."""
        kind, name = split_type(key)
        if not name:
            return []
        counts: Counter[int] = Counter()
        grams = trigrams(name)
        for gram in grams:
            counts.update(self._postings.get(gram, ()))
        floor = max(1, len(grams) // 3)
        shortlist: list[tuple[float, int]] = []
        for i, shared in counts.most_common():
            if shared < floor or len(shortlist) >= SHORTLIST:
                break
            if codes and self.streets[i].code_insee not in codes:
                continue
            shortlist.append((2 * shared / (len(grams) + self._grams[i]), i))
        shortlist.sort(reverse=True)
        scored = []
        for _dice, i in shortlist[:CANDIDATES]:
            score = name_similarity(name, self._names[i]) * type_factor(kind, self._types[i])
            scored.append((self.streets[i], round(score, 3)))
        scored.sort(key=lambda pair: (-pair[1], pair[0].nom_voie))
        return scored[:limit]
