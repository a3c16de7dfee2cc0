"""Purge of old history entries, and of the stored files only they referenced.

A deleted toolbox document or journal attachment keeps its file in storage while a history
entry references it, so that restoring the record brings the file back. Purging the history
(``maillage history purge --before DATE``) deletes the entries older than ``DATE`` and then the
files that no remaining entry and no current row references; any other file is left alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone

from .models import ChangeRecord


@dataclass(frozen=True)
class PurgeReport:
    before: dt.date
    entries: int  # history entries deleted (or that would be, in a dry run)
    files: list[str]  # stored files deleted (or that would be)
    kept: int  # files the purged entries referenced, still referenced elsewhere
    dry_run: bool


def _file_fields(model: type[models.Model] | None) -> list[str]:
    if model is None:
        return []
    return [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _record_files(record: ChangeRecord, fields: dict[int, list[str]]) -> Iterator[str]:
    """The stored file names a history entry references: its model's file fields, and the
    files of child rows kept with it (a deleted journal entry's ``attachment_files``)."""
    if record.content_type_id not in fields:
        fields[record.content_type_id] = _file_fields(record.content_type.model_class())
    for values in (record.before, record.after):
        if not isinstance(values, dict):
            continue
        for name in fields[record.content_type_id]:
            if values.get(name):
                yield str(values[name])
        for value in values.values():
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, dict) and item.get("file"):
                        yield str(item["file"])


def _files(records: Iterable[ChangeRecord]) -> set[str]:
    fields: dict[int, list[str]] = {}
    return {name for record in records for name in _record_files(record, fields)}


def _live_files() -> set[str]:
    """Files of the current rows of every model with a file field."""
    names: set[str] = set()
    for model in apps.get_models():
        for field in _file_fields(model):
            names |= set(
                model._default_manager.exclude(**{field: ""}).values_list(field, flat=True)
            )
    return names


def _stored(name: str) -> bool:
    try:
        return default_storage.exists(name)
    except (OSError, ValueError, SuspiciousFileOperation):  # a name outside the storage
        return False


def history_purge(*, before: dt.date, dry_run: bool = False) -> PurgeReport:
    """Delete the history entries created before ``before`` (a date, local time) and the stored
    files only they referenced. ``dry_run``: count and list, change nothing."""
    limit = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    old = ChangeRecord.objects.filter(created_at__lt=limit).select_related("content_type")
    remaining = ChangeRecord.objects.filter(created_at__gte=limit).select_related("content_type")
    referenced = _files(old.iterator())
    still = (_files(remaining.iterator()) | _live_files()) & referenced
    orphans = sorted(name for name in referenced - still if _stored(name))
    entries = old.count()
    if not dry_run:
        with transaction.atomic():
            old.delete()
            # Files go once the deletion is committed: a failed purge leaves every file.
            transaction.on_commit(lambda: _delete_files(orphans))
    return PurgeReport(
        before=before, entries=entries, files=orphans, kept=len(still), dry_run=dry_run
    )


def purge_summary(report: PurgeReport) -> str:
    """The report in French, one line per file."""
    verb = "seraient supprimés" if report.dry_run else "supprimés"
    lines = [
        f"Historique antérieur au {report.before:%d/%m/%Y} : {report.entries} entrée(s) {verb}"
        f", {len(report.files)} fichier(s) qu'elles seules référençaient {verb}"
        f" ({report.kept} encore référencé(s) ailleurs, conservé(s))."
    ]
    lines += [f"  {name}" for name in report.files]
    if report.dry_run:
        lines.append("Essai à blanc : rien n'a été supprimé (sans --dry-run pour purger).")
    return "\n".join(lines)


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
