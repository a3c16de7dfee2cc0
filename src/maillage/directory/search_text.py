"""Accent- and case-insensitive search text, identical on SQLite and PostgreSQL.

Each structure keeps a denormalised ``search_text`` column (unaccented, lowercase words of its
names, typology, services, address and commune), rebuilt by :func:`refresh_search_text` whenever
a service or the loader writes. A query matches when every one of its words is contained in it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from .vocabulary import THEMATIQUE_LABELS

_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalize(text: str | None) -> str:
    """Lowercase, strip accents and punctuation.

    « Collège Jean-Rostand » → « college jean rostand ».
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text))
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    ascii_text = ascii_text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae")
    return _NON_WORD.sub(" ", ascii_text.lower()).strip()


def tokens(query: str | None) -> list[str]:
    return [t for t in normalize(query).split() if t]


def build_search_text(structure: Any, services: list[Any] | None = None) -> str:
    parts: list[str | None] = [
        structure.name,
        structure.address,
        structure.postcode,
        structure.uai,
        structure.description,
    ]
    thematiques: list[str] = []
    if structure.typology_id:
        t = structure.typology
        parts += [t.label, t.family, t.code, t.keywords]
        thematiques += list(t.thematiques or [])
    if structure.organisation_id:
        parts.append(structure.organisation.name)
    if structure.commune_id:
        parts.append(structure.commune.name)
    for service in services if services is not None else structure.services.all():
        parts += [service.name, service.description]
        thematiques += list(service.thematiques or [])
    parts += [THEMATIQUE_LABELS.get(slug, "") for slug in dict.fromkeys(thematiques)]
    words: list[str] = []
    for word in normalize(" ".join(p for p in parts if p)).split():
        if word not in words:
            words.append(word)
    return " ".join(words)


def refresh_search_text(structure: Any) -> bool:
    """Recompute and save ``search_text`` and ``sort_name``; return whether they changed."""
    text = build_search_text(structure)
    sort_name = normalize(structure.name)[:200]
    if text == structure.search_text and sort_name == structure.sort_name:
        return False
    structure.search_text, structure.sort_name = text, sort_name
    type(structure).objects.filter(pk=structure.pk).update(search_text=text, sort_name=sort_name)
    return True
