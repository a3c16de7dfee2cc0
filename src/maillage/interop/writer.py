"""Write imported structures and services through the directory services, never duplicating.

Used by every directory importer (data·inclusion, spreadsheets). A record matching an existing
structure (see :mod:`maillage.interop.matching`) updates it: every field when it is the same
producer's record (same ``source`` and ``source_id``), only the empty fields otherwise (another
producer's view of the same place does not overwrite ours). Validation errors become
:class:`~maillage.interop.report.Problem` rows; :func:`run_import` writes all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from maillage.directory.models import Organisation, Service, Structure
from maillage.directory.services import (
    service_create,
    service_update,
    structure_create,
    structure_update,
)
from maillage.directory.validation import messages
from maillage.territory.models import Commune, Territory
from maillage.text import fold

from .matching import StructureIndex
from .report import ImportReport

STRUCTURE_LABEL = "structures"
SERVICE_LABEL = "services"
ORGANISATION_LABEL = "organisations"


class _Rollback(Exception):
    """Raised inside :func:`run_import` to undo every write (errors or dry run)."""


def run_import(*, dry_run: bool, body: Callable[[ImportReport], None]) -> ImportReport:
    """Run ``body`` in one transaction; undo it when it refused a row or on a dry run."""
    report = ImportReport(dry_run=dry_run)
    try:
        with transaction.atomic():
            body(report)
            if report.problems or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return report


@dataclass
class Where:
    """Where a record comes from, to name it in the report."""

    file: str
    row: int | None
    row_label: str = "ligne"


def _current(obj: models.Model, name: str) -> Any:
    value = getattr(obj, name)
    if isinstance(value, Commune):
        return value.insee_code
    if hasattr(value, "code") and name == "typology":
        return value.code
    return value


def _unchanged_date(obj: Any, changes: dict[str, Any]) -> None:
    """Our own export gives ``date_maj`` = last change when no data date is known: importing it
    back is not a change."""
    value = changes.get("data_updated_on")
    if value and obj.data_updated_on is None and value == timezone.localdate(obj.updated_at):
        del changes["data_updated_on"]


def _same(a: Any, b: Any) -> bool:
    """Equal, floats within 1e-9 (spreadsheets round the last binary digit)."""
    if isinstance(a, int | float) and isinstance(b, int | float) and a is not None:
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
    return a == b


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _check_lengths(model: type[models.Model], fields: dict[str, Any]) -> dict[str, str]:
    """Field → French message for texts longer than the column (PostgreSQL would refuse)."""
    errors = {}
    for name, value in fields.items():
        try:
            column = model._meta.get_field(name)
        except Exception:  # noqa: BLE001 - unknown fields are refused by the services
            continue
        limit = getattr(column, "max_length", None)
        if isinstance(value, str) and isinstance(column, models.CharField) and limit:
            if len(value) > limit:
                errors[name] = f"texte trop long ({len(value)} caractères, au plus {limit})."
    return errors


class DirectoryWriter:
    """Create or update structures and services of one territory, reporting refused rows."""

    def __init__(
        self,
        *,
        territory: Territory,
        report: ImportReport,
        labels: dict[str, str] | None = None,
        service_labels: dict[str, str] | None = None,
    ) -> None:
        self.territory = territory
        self.report = report
        self.labels = labels or {}
        self.service_labels = service_labels or self.labels
        self.index = StructureIndex.of(territory)
        self.communes = {c.insee_code: c for c in Commune.objects.all()}

    # ------------------------------------------------------------------ reporting

    def refuse(
        self, where: Where, field: str, message: str, labels: dict[str, str] | None = None
    ) -> None:
        labels = self.labels if labels is None else labels
        self.report.refuse(
            file=where.file,
            row=where.row,
            field=labels.get(field, field),
            message=message,
            row_label=where.row_label,
        )

    @contextmanager
    def _validation(self, where: Where, labels: dict[str, str] | None = None):
        try:
            yield
        except ValidationError as exc:
            for field, texts in messages(exc).items():
                name = "" if field == "__all__" else field
                self.refuse(where, name, " ".join(texts), labels)

    # ------------------------------------------------------------------ organisations

    def organisation(self, name: str, kind: str = "") -> Organisation | None:
        name = (name or "").strip()[:200]
        if not name:
            return None
        slug = slugify(name)[:100] or "organisation"
        org = Organisation.objects.filter(slug=slug).first()
        if org is None:
            valid = {k.value for k in Organisation.Kind}
            org = Organisation.objects.create(
                slug=slug, name=name, kind=kind if kind in valid else Organisation.Kind.AUTRE
            )
            self.report.count(ORGANISATION_LABEL, "created")
        return org

    # ------------------------------------------------------------------ structures

    def structure(
        self, *, where: Where, source: str, source_id: str, fields: dict[str, Any]
    ) -> Structure | None:
        """Create or update one structure; ``None`` (and a reported problem) when refused.

        ``fields`` uses :class:`Structure` field names; ``typology`` is a code, ``commune`` an
        INSEE code and ``organisation`` an :class:`Organisation`.
        """
        fields = {k: v for k, v in fields.items() if k != "name" or v}
        name = (fields.pop("name", "") or "").strip()
        if not name:
            self.refuse(where, "name", "Le nom est obligatoire.")
            return None
        too_long = _check_lengths(Structure, {"name": name, **fields})
        too_long.update(_check_lengths(Structure, {"source": source, "source_id": source_id}))
        for field, message in too_long.items():
            self.refuse(where, field, message)
        code = fields.get("commune")
        if code and code not in self.communes:
            self.refuse(where, "commune", f"Commune « {code} » inconnue (code INSEE attendu).")
            return None
        if too_long:
            return None
        match, _key = self.index.find(
            siret=fields.get("siret") or "",
            uai=fields.get("uai") or "",
            finess=fields.get("finess") or "",
            source=source,
            source_id=source_id,
            name=name,
            address=fields.get("address") or "",
            postcode=fields.get("postcode") or "",
            commune=self.communes.get(code or ""),
        )
        if match is None:
            return self._create_structure(where, name, source, source_id, fields)
        same_record = (match.source, match.source_id) == (source, source_id)
        wanted = {"name": name, **fields}
        changes = {
            k: v
            for k, v in wanted.items()
            if not _same(v, _current(match, k))
            and (same_record or (_empty(_current(match, k)) and not _empty(v)))
        }
        _unchanged_date(match, changes)
        if {"lon", "lat"} & set(changes):
            changes.update({k: wanted.get(k) for k in ("lon", "lat") if k in wanted})
        if not changes:
            self.report.count(STRUCTURE_LABEL, "unchanged")
            return match
        with self._validation(where):
            structure_update(structure=match, **changes)
            self.index.add(match)
            self.report.count(STRUCTURE_LABEL, "updated")
            return match
        return None

    def _create_structure(
        self, where: Where, name: str, source: str, source_id: str, fields: dict[str, Any]
    ) -> Structure | None:
        if source and source_id and (source, source_id) in self.index.by_source:
            self.refuse(where, "source_id", f"identifiant « {source_id} » en double.")
            return None
        with self._validation(where):
            structure = structure_create(territory=self.territory, name=name, **fields)
            if source and source_id:
                Structure.objects.filter(pk=structure.pk).update(source=source, source_id=source_id)
                structure.source, structure.source_id = source, source_id
            self.index.add(structure)
            self.report.count(STRUCTURE_LABEL, "created")
            return structure
        return None

    # ------------------------------------------------------------------ services

    def service(
        self,
        *,
        where: Where,
        structure: Structure,
        source: str,
        source_id: str,
        fields: dict[str, Any],
    ) -> Service | None:
        name = (fields.pop("name", "") or "").strip()
        too_long = _check_lengths(Service, {"name": name, **fields})
        too_long.update(_check_lengths(Service, {"source": source, "source_id": source_id}))
        for field, message in too_long.items():
            self.refuse(where, field, message, self.service_labels)
        if too_long:
            return None
        existing = list(structure.services.all())
        match = None
        if source and source_id:
            match = next(
                (s for s in existing if (s.source, s.source_id) == (source, source_id)), None
            )
        if match is None:
            match = next((s for s in existing if fold(s.name) == fold(name)), None)
        if match is None:
            with self._validation(where, self.service_labels):
                service = service_create(structure=structure, name=name, **fields)
                if source and source_id:
                    Service.objects.filter(pk=service.pk).update(source=source, source_id=source_id)
                    service.source, service.source_id = source, source_id
                self.report.count(SERVICE_LABEL, "created")
                return service
            return None
        same_record = (match.source, match.source_id) == (source, source_id)
        wanted = {"name": name, **fields}
        changes = {
            k: v
            for k, v in wanted.items()
            if not _same(v, getattr(match, k))
            and (same_record or (_empty(getattr(match, k)) and not _empty(v)))
        }
        _unchanged_date(match, changes)
        if not changes:
            self.report.count(SERVICE_LABEL, "unchanged")
            return match
        with self._validation(where, self.service_labels):
            service_update(service=match, **changes)
            self.report.count(SERVICE_LABEL, "updated")
            return match
        return None
