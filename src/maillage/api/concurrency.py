"""Optimistic concurrency on the API: ``ETag`` on the reads and writes of an editable record,
``If-Match`` on its writes (:mod:`maillage.accounts.versioning` does the check, in the service).

``If-Match`` is optional, so that existing clients keep working: without it a ``PATCH`` changes
only the fields it sends (the others are never rewritten from a stale copy). With it, a write
made from another version than the stored one is refused with 412 and a French message naming
the other person's change; nothing is written. The 412 answer carries the current ``ETag``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Schema

from maillage.accounts.versioning import etag, parse_if_match, version_of

IF_MATCH_NOTE = (
    " Concurrence : la réponse porte l'en-tête `ETag` (version de la fiche) ; envoyez-le dans "
    "`If-Match` pour qu'une modification faite depuis une version périmée soit refusée (412, "
    "rien n'est écrit, le message nomme la modification de l'autre personne). `If-Match` est "
    "facultatif : sans lui, seuls les champs envoyés sont modifiés."
)


class StaleOut(Schema):
    detail: str
    version: str
    changes: list[list[str]]


STALE: dict[int, Any] = {412: StaleOut}


def if_match(request: HttpRequest) -> list[str] | None:
    """The versions of the request's ``If-Match`` header (``None`` when absent)."""
    return parse_if_match(request.headers.get("If-Match"))


def set_etag(response: HttpResponse, obj: Any) -> None:
    """Put the stored version of ``obj`` in the ``ETag`` header of ``response``."""
    version = version_of(obj)
    if version:
        response["ETag"] = etag(version)
