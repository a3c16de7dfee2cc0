"""One text folding (« fold ») for search, import matching and keys."""

from __future__ import annotations

import pytest

from maillage.text import fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Cœur de ville", "coeur de ville"),
        ("CŒUR", "coeur"),
        ("Lætitia", "laetitia"),
        ("Straße", "strasse"),
        ("ﬁlle", "fille"),  # the « fi » typographic ligature
        ("L’Œuvre d'Armentières", "l oeuvre d armentieres"),
        ("Collège Jean-Rostand", "college jean rostand"),
        ("  Attargette/Chanzy  ", "attargette chanzy"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_a_quartier_written_with_oe_is_found_by_the_journal_import(armentieres):
    """The journal import folded « Cœur » into « cur » while the search gave « coeur »: a
    quartier named with « œ » could not be matched when typed « Coeur ». One fold serves both."""
    from maillage.directory.search_text import tokens
    from maillage.plan.validation import resolve_zone
    from maillage.territory.models import Zone

    zone = Zone.objects.filter(commune__in=armentieres.communes.all()).order_by("pk").first()
    zone.name = "Cœur de ville"
    zone.save(update_fields=["name"])
    assert resolve_zone(armentieres, "COEUR DE VILLE") == zone
    assert resolve_zone(armentieres, "cœur de ville") == zone
    assert tokens("Cœur de ville") == fold("COEUR DE VILLE").split()
