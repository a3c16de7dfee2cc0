"""« Déclaration d'accessibilité » (RGAA 4.1.2 model, article 47 of the law of 11 February 2005):
the state of conformity, what the test suite checks, the contents known not to be accessible,
the contact (``MAILLAGE_ACCESSIBILITY_CONTACT``) and the recourse to the Défenseur des droits."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

#: When this declaration was written (to update with each audit or change of the checks).
DECLARED_ON = "2026-12-02"


def _contact() -> dict[str, str] | None:
    value = getattr(settings, "ACCESSIBILITY_CONTACT", "")
    if not value:
        return None
    if value.startswith(("https://", "http://")):
        return {"href": value, "label": value, "kind": "page"}
    return {"href": f"mailto:{value}", "label": value, "kind": "email"}


@require_safe
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    import datetime as dt

    return render(
        request,
        "web/accessibility.html",
        {
            "contact": _contact(),
            "declared_on": dt.date.fromisoformat(DECLARED_ON),
            "site_address": request.build_absolute_uri("/"),
        },
    )
