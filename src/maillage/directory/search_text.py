"""Accent- and case-insensitive search text, identical on SQLite and PostgreSQL.

Each structure keeps a denormalised ``search_text`` column (unaccented, lowercase words of its
names, typology, services, address and commune), rebuilt by :func:`refresh_search_text` whenever
a service or the loader writes. A query matches when every one of its words is contained in it.
"""

from __future__ import annotations

from typing import Any

from maillage.text import fold

from .vocabulary import THEMATIQUE_LABELS


def tokens(query: str | None) -> list[str]:
    return [t for t in fold(query).split() if t]


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
    for word in fold(" ".join(p for p in parts if p)).split():
        if word not in words:
            words.append(word)
    return " ".join(words)


def refresh_search_text(structure: Any) -> bool:
    """Recompute and save ``search_text`` and ``sort_name``; return whether they changed."""
    text = build_search_text(structure)
    sort_name = fold(structure.name)[:200]
    if text == structure.search_text and sort_name == structure.sort_name:
        return False
    structure.search_text, structure.sort_name = text, sort_name
    type(structure).objects.filter(pk=structure.pk).update(search_text=text, sort_name=sort_name)
    return True
