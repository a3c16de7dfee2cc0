"""``{% history_link %}`` and ``{% edit_link %}`` show links only to users with the right."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template

TEMPLATE = Template("{% load accounts_tags %}{% history_link obj %}|{% edit_link obj %}")


def _render(user, obj) -> str:
    return TEMPLATE.render(Context({"user": user, "obj": obj}))


def test_links_follow_the_roles(roles):
    s_a = roles.orgs.structure_a
    assert _render(AnonymousUser(), s_a) == "|"
    assert _render(roles.partner_b, s_a) == "|"
    partner = _render(roles.partner_a, s_a)
    assert "/historique/directory.structure/" in partner and "Proposer une modification" in partner
    coordinator = _render(roles.coordinator, s_a)
    assert "Historique" in coordinator and ">Modifier<" in coordinator
    observer = _render(roles.observer, s_a)
    assert "Historique" in observer and "modifier" not in observer.lower().split("|")[1]
