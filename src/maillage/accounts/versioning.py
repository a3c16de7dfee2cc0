"""Optimistic concurrency: every editable record has a version token, and a write made from a
stale copy is refused instead of silently reverting someone else's change (lost update).

The token is a digest of the record's history snapshot (:func:`maillage.accounts.history.
snapshot`, the fields the history shows and restores). It changes with every stored change,
whoever made it (a service, an import, the Django admin), needs no column and no clock, and is
the digest of the ``after`` side of the history record that left the record in that state: a
refusal can therefore say who changed what since the form was opened.

The services take ``version=`` (``None``: no check, for imports and for API clients that send
no ``If-Match``) and call :func:`check_version` inside their transaction, before writing; the
web forms carry the token in a hidden field, the API in ``ETag`` / ``If-Match``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from .display import diff_rows
from .history import diff, snapshot
from .models import ChangeRecord

# How far back the history is searched for the state the stale copy was made from.
HISTORY_DEPTH = 50
# The version of a record that does not exist yet (a yearly value not entered): a write from
# that state is refused once someone else has created the record.
ABSENT = "absent"


def snapshot_version(values: dict[str, Any] | None) -> str:
    """The token of a snapshot (``""`` for no record at all)."""
    if values is None:
        return ""
    text = json.dumps(values, sort_keys=True, cls=DjangoJSONEncoder, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def version_of(obj: models.Model | None) -> str:
    """The current token of ``obj`` as stored (:data:`ABSENT` when it does not exist)."""
    if obj is None or obj.pk is None:
        return ABSENT
    stored = type(obj)._default_manager.filter(pk=obj.pk).first()
    return snapshot_version(snapshot(stored)) if stored is not None else ABSENT


def etag(version: str) -> str:
    """The HTTP ``ETag`` of a version (a strong entity tag)."""
    return f'"{version}"'


def parse_if_match(header: str | None) -> list[str] | None:
    """The versions of an ``If-Match`` header (``None`` when absent; ``["*"]`` for any)."""
    if header is None or not header.strip():
        return None
    out = []
    for part in header.split(","):
        part = part.strip()
        if part.startswith("W/"):
            part = part[2:]
        out.append(part.strip('"'))
    return out


def _who(user: Any) -> str:
    if user is None:
        return "un import ou une commande"
    name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return name or getattr(user, "email", "") or user.get_username()


def _subject(model: type[models.Model]) -> str:
    if model._meta.app_label == "directory":
        return "Cette fiche a été modifiée"
    return f"Cette donnée ({model._meta.verbose_name}) a été modifiée"


class StaleVersion(ValidationError):
    """A write from a stale copy: nothing was written. ``rows`` are the other person's changes
    since that copy (``(field label, then, now)``, names not ids), ``current`` the token to
    send to save again deliberately. Answered 412 by the API."""

    def __init__(
        self,
        message: str,
        *,
        rows: list[tuple[str, str, str]],
        fields: list[str],
        current: str,
    ) -> None:
        super().__init__(message, code="stale")
        self.rows, self.fields, self.current = rows, fields, current


def stale_error(obj: models.Model, expected: str, now: dict[str, Any] | None) -> StaleVersion:
    """The French refusal of a write made from the state of token ``expected``."""
    model = type(obj)
    ct = ContentType.objects.get_for_model(model, for_concrete_model=True)
    records = ChangeRecord.objects.filter(content_type=ct, object_id=str(obj.pk)).select_related(
        "user"
    )[:HISTORY_DEPTH]
    newer, base = [], None
    for record in records:
        if record.after is not None and snapshot_version(record.after) == expected:
            base = record.after
            break
        newer.append(record)
        if record.before is None and expected == ABSENT:
            base = {}  # created since
            break
        if record.before is not None and snapshot_version(record.before) == expected:
            base = record.before  # the state seen was never recorded as an ``after`` (a load)
            break
    if base is None:
        newer = newer[:1]  # the state seen is too old: name the last change only
    if now is None:
        return StaleVersion(
            "Cette donnée a été supprimée pendant que vous la modifiiez : rien n'a été enregistré.",
            rows=[],
            fields=[],
            current="",
        )
    subject = _subject(model)
    if newer and base is not None:
        authors = []
        for record in newer:
            name = _who(record.user)
            if name not in authors:
                authors.append(name)
        when = timezone.localtime(newer[0].created_at)
        subject += f" par {' et '.join(authors)} le {when:%d/%m/%Y à %H:%M}"
    elif newer:  # the state seen is not in the recent history: name the last change only
        when = timezone.localtime(newer[0].created_at)
        subject += (
            f" (dernière modification enregistrée : {_who(newer[0].user)}, le "
            f"{when:%d/%m/%Y à %H:%M})"
        )
    changes = diff(base, now) if base else {}
    if base == {}:  # created since the form was opened: what it holds now
        changes = {k: (None, v) for k, v in now.items() if v not in (None, "", [])}
    rows = diff_rows(model, changes)
    if rows:
        detail = " ; ".join(f"{label} : « {old} » → « {new} »" for label, old, new in rows)
    else:
        detail = "les champs modifiés ne sont plus dans l'historique récent"
    return StaleVersion(
        f"{subject} pendant que vous la modifiiez : {detail}. Rien n'a été enregistré ; "
        "vos saisies sont conservées : vérifiez-les, puis enregistrez à nouveau pour "
        "confirmer.",
        rows=rows,
        fields=sorted(changes),
        current=snapshot_version(now),
    )


def check_version(obj: models.Model, version: str | list[str] | None) -> None:
    """Refuse (:class:`StaleVersion`) a write of ``obj`` made from another state than the stored
    one. ``version``: the token the writer saw, or the versions of an ``If-Match`` header
    (``"*"``: any existing state); ``None`` or ``""``: no check. Call it inside the write's
    transaction (the row is locked where the engine supports it) and before any change."""
    if version is None or version == "" or version == []:
        return
    wanted = [version] if isinstance(version, str) else list(version)
    stored = None
    if obj.pk is not None:
        stored = type(obj)._default_manager.select_for_update().filter(pk=obj.pk).first()
    now = snapshot(stored) if stored is not None else None
    if now is None and ABSENT in wanted:
        return
    if now is not None and ("*" in wanted or snapshot_version(now) in wanted):
        return
    raise stale_error(obj, wanted[0], now)
