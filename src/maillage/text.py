"""One text folding for search, matching and keys: :func:`fold`.

Every comparison of user or source text (directory search, journal import matching, partner and
zone names, theme and dataset keys) folds both sides with this one function, so « Cœur »,
« COEUR » and « cœur » are the same word everywhere.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode decomposition does not split into a base letter and an accent.
_LETTERS = str.maketrans(
    {
        "œ": "oe",
        "Œ": "oe",
        "æ": "ae",
        "Æ": "ae",
        "ß": "ss",
        "ẞ": "ss",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ł": "l",
        "Ł": "l",
        "ı": "i",
    }
)
_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str | None) -> str:
    """Lower case, without accents, ligatures or punctuation; words separated by one space.

    Compatibility decomposition (NFKD) splits accents and typographic ligatures (« ﬁ » → « fi »),
    the few letters it leaves whole are spelt out (« œ » → « oe », « ß » → « ss »), and every
    run of other characters — apostrophes « ' » and « ’ », hyphens, slashes — becomes one space:
    « L’Œuvre du Cœur-Saint » → « l oeuvre du coeur saint ».
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text).translate(_LETTERS))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", bare.lower()).strip()
