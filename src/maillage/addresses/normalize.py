"""Street keys and address queries, folded once with :func:`maillage.text.fold`.

A BAN street name and what a user types are brought to the same key: folded (accents, case,
apostrophes), street type spelt out (« av » → « avenue », « bd » → « boulevard », « r » →
« rue »…), a few title abbreviations spelt out (« st » → « saint », « gal » → « general »),
articles dropped (« de », « la », « l' »…): « Av. du Gal de Gaulle » and « AVENUE DU GENERAL
DE GAULLE » both give ``avenue general gaulle``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from maillage.text import fold

# Street types (folded, spelt out) and their usual abbreviations, as written in addresses.
STREET_TYPES: dict[str, tuple[str, ...]] = {
    "rue": ("r",),
    "avenue": ("av", "ave", "aven", "avn"),
    "boulevard": ("bd", "bld", "blvd", "bvd", "boul"),
    "place": ("pl", "plc"),
    "chemin": ("ch", "chem", "chm", "che"),
    "impasse": ("imp", "impas"),
    "allee": ("all", "al", "ale", "alle", "allees"),
    "route": ("rte", "rt"),
    "faubourg": ("fg", "fbg", "faub"),
    "square": ("sq", "squ"),
    "cours": ("crs",),
    "quai": ("qu", "qai"),
    "passage": ("pas", "pass", "psg"),
    "sentier": ("sent", "sen"),
    "residence": ("res", "resid"),
    "lotissement": ("lot", "lotiss"),
    "hameau": ("ham",),
    "esplanade": ("esp", "espl"),
    "promenade": ("prom",),
    "parvis": ("prv",),
    "cite": ("cit",),
    "ruelle": ("rle",),
    "voie": (),
    "sente": (),
    "mail": (),
    "clos": (),
    "carrefour": ("carr",),
    "rond": ("rpt",),  # « rond-point » folds to « rond point »
    "port": (),
    "pont": (),
    "quartier": ("qua", "quart"),
    "zone": ("za", "zi", "zac"),
}
TYPE_OF: dict[str, str] = {
    abbr: full for full, abbrs in STREET_TYPES.items() for abbr in (full, *abbrs)
}
# Abbreviations found anywhere in a street name (persons' titles, saints).
TITLES = {
    "st": "saint",
    "ste": "sainte",
    "sts": "saints",
    "gal": "general",
    "gen": "general",
    "mal": "marechal",
    "pdt": "president",
    "pres": "president",
    "dr": "docteur",
    "doct": "docteur",
    "pr": "professeur",
    "prof": "professeur",
    "cdt": "commandant",
    "cne": "capitaine",
    "lt": "lieutenant",
    "mgr": "monseigneur",
}
ARTICLES = {"de", "du", "des", "d", "l", "la", "le", "les", "a", "au", "aux", "en", "et", "sur"}

# Repetition indices (« rep » of the BAN): written forms → one family.
REP_FAMILY = {
    "bis": "bis",
    "b": "bis",
    "ter": "ter",
    "t": "ter",
    "quater": "quater",
    "qua": "quater",
    "q": "quater",
    "quinquies": "quinquies",
    "quin": "quinquies",
}
_WORD_REP = "bis|ter|quater|quinquies"
_NUMBER = re.compile(
    rf"^(?:n\s+|no\s+)?(\d{{1,5}})(?:({_WORD_REP}|[a-z])\b|\s+({_WORD_REP}|[abcefgh])\b)?\s*"
)
_POSTCODE = re.compile(r"\b(\d{5})\b")


def street_key(name: str) -> str:
    """The search key of a street name (see the module docstring)."""
    tokens = fold(name).split()
    out: list[str] = []
    for i, token in enumerate(tokens):
        if i == 0 and token in TYPE_OF:
            out.append(TYPE_OF[token])
            continue
        token = TITLES.get(token, token)
        if token in ARTICLES:
            continue
        out.append(token)
    return " ".join(out)


def split_type(key: str) -> tuple[str, str]:
    """(street type, rest of the name) of a key; type ``""`` when the key starts with none."""
    head, _, rest = key.partition(" ")
    if head in STREET_TYPES and rest:
        return head, rest
    return "", key


def rep_key(rep: str) -> str:
    """The folded repetition index: « BIS », « b » → ``bis``; a letter stays a letter."""
    folded = fold(rep).replace(" ", "")
    return folded


def rep_match(wanted: str, found: str) -> float:
    """1 when the two indices are the same, 0.95 for two spellings of one (« b » / « bis »),
    0 otherwise (both empty counts as the same)."""
    w, f = rep_key(wanted), rep_key(found)
    if w == f:
        return 1.0
    if w and f and REP_FAMILY.get(w, w) == REP_FAMILY.get(f, f):
        return 0.95
    return 0.0


@dataclass(frozen=True)
class AddressQuery:
    """What a user typed, read as « numéro [indice] voie [code postal] [commune] »."""

    numero: int | None
    rep: str
    street: str  # street key
    postcode: str
    text: str  # the folded query


def parse_query(text: str, *, commune_names: tuple[str, ...] = ()) -> AddressQuery:
    """Read an address typed by a user. ``commune_names`` (folded) are removed from the end
    (« … Armentières »), with a postcode anywhere and the word « cedex »."""
    folded = fold(text)
    postcode = ""
    if m := _POSTCODE.search(folded):
        postcode = m.group(1)
        folded_wo = (folded[: m.start()] + " " + folded[m.end() :]).strip()
    else:
        folded_wo = folded
    rest = " ".join(t for t in folded_wo.split() if t != "cedex")
    for name in sorted(commune_names, key=len, reverse=True):
        if name and rest.endswith(" " + name):
            rest = rest[: -len(name) - 1].strip()
            break
    numero, rep = None, ""
    if m := _NUMBER.match(rest):
        numero = int(m.group(1))
        rep = m.group(2) or m.group(3) or ""
        rest = rest[m.end() :]
    return AddressQuery(
        numero=numero, rep=rep, street=street_key(rest), postcode=postcode, text=folded
    )
